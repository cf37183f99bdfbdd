"""Pages of the opportunities part of sales; included in ``sales/web/urls.py`` (namespace "sales")."""

from django.urls import path

from xiaoguan.sales.web import opportunities_views as views

urlpatterns: list = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/export/", views.opportunity_export, name="opportunity_export"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path(
        "opportunities/<int:opportunity_id>/",
        views.opportunity_detail,
        name="opportunity_detail",
    ),
    path(
        "opportunities/<int:opportunity_id>/edit/",
        views.opportunity_edit,
        name="opportunity_edit",
    ),
    path(
        "opportunities/<int:opportunity_id>/move/",
        views.opportunity_move,
        name="opportunity_move",
    ),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/report/", views.pipeline_report, name="pipeline_report"),
]
