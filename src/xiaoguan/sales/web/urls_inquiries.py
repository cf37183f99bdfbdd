"""Pages of the inquiries part of sales; included in ``sales/web/urls.py`` (namespace "sales")."""

from django.urls import path

from xiaoguan.sales.web import inquiries_views as views

urlpatterns: list = [
    path("inquiries/", views.inquiry_list, name="inquiry_list"),
    path("inquiries/export/", views.inquiry_export, name="inquiry_export"),
    path("inquiries/new/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:inquiry_id>/edit/", views.inquiry_edit, name="inquiry_edit"),
    path("inquiries/<int:inquiry_id>/decide/", views.inquiry_decide, name="inquiry_decide"),
    path(
        "inquiries/<int:inquiry_id>/request-figures/",
        views.inquiry_request_figures,
        name="inquiry_request_figures",
    ),
    path("inquiries/<int:inquiry_id>/cancel/", views.inquiry_cancel, name="inquiry_cancel"),
]
