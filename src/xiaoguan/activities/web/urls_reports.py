"""Pages of the reports part of activities; included in ``activities/web/urls.py`` (namespace "activities")."""

from django.urls import path

from xiaoguan.activities.web import reports_views as v

urlpatterns: list = [
    path("reports/", v.report_home, name="report_home"),
    path("reports/logs/<int:worklog_id>/", v.worklog_detail, name="worklog_detail"),
    path("reports/logs/<int:worklog_id>/edit/", v.worklog_edit, name="worklog_edit"),
    path("reports/logs/<int:worklog_id>/comment/", v.worklog_comment, name="worklog_comment"),
    path("reports/team/", v.report_team, name="report_team"),
    path("reports/team/day/", v.report_team_day, name="report_team_day"),
    path("reports/weekly/", v.weekly_list, name="weekly_list"),
    path("reports/weekly/new/", v.weekly_create, name="weekly_create"),
    path("reports/weekly/<int:report_id>/", v.weekly_detail, name="weekly_detail"),
    path("reports/weekly/<int:report_id>/edit/", v.weekly_edit, name="weekly_edit"),
    path("reports/weekly/<int:report_id>/submit/", v.weekly_submit, name="weekly_submit"),
    path("reports/weekly/<int:report_id>/read/", v.weekly_mark_read, name="weekly_mark_read"),
    path("reports/weekly/<int:report_id>/comment/", v.weekly_comment, name="weekly_comment"),
    path("reports/minutes/", v.minutes_list, name="minutes_list"),
    path("reports/minutes/new/", v.minutes_create, name="minutes_create"),
    path("reports/minutes/<int:minutes_id>/", v.minutes_detail, name="minutes_detail"),
    path("reports/minutes/<int:minutes_id>/edit/", v.minutes_edit, name="minutes_edit"),
]
