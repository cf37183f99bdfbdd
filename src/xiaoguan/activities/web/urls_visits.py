"""Pages of the visits part of activities; included in ``activities/web/urls.py`` (namespace "activities")."""

from django.urls import path

from xiaoguan.activities.web import visits_views as v

urlpatterns: list = [
    path("visits/", v.visit_list, name="visit_list"),
    path("visits/export/", v.visit_export, name="visit_export"),
    path("visits/plan/", v.visit_plan, name="visit_plan"),
    path("visits/record/", v.visit_record_new, name="visit_record_new"),
    path("visits/<int:visit_id>/", v.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/record/", v.visit_record, name="visit_record"),
    path("visits/<int:visit_id>/cancel/", v.visit_cancel, name="visit_cancel"),
    path("followups/", v.followup_list, name="followup_list"),
    path("followups/new/", v.followup_create, name="followup_create"),
    path("followups/<int:followup_id>/done/", v.followup_done, name="followup_done"),
]
