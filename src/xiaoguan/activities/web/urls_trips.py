"""Pages of the trips part of activities; included in ``activities/web/urls.py`` (namespace "activities")."""

from django.urls import path

from xiaoguan.activities.web import trips_views as v

urlpatterns: list = [
    path("trips/", v.trip_list, name="trip_list"),
    path("trips/new/", v.trip_create, name="trip_create"),
    path("trips/<int:trip_id>/", v.trip_detail, name="trip_detail"),
    path("trips/<int:trip_id>/edit/", v.trip_edit, name="trip_edit"),
    path("trips/<int:trip_id>/submit/", v.trip_submit, name="trip_submit"),
    path("trips/<int:trip_id>/withdraw/", v.trip_withdraw, name="trip_withdraw"),
    path("trips/<int:trip_id>/ask-override/", v.trip_request_override, name="trip_ask_override"),
    path("trips/<int:trip_id>/override/", v.trip_override, name="trip_override"),
    path("trips/<int:trip_id>/cancel/", v.trip_cancel, name="trip_cancel"),
    path("trips/<int:trip_id>/report/", v.trip_report, name="trip_report"),
]
