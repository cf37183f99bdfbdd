"""Pages of the leads part of customers; included in ``customers/web/urls.py`` (namespace "customers")."""

from django.urls import path

from xiaoguan.customers.web import leads_views as views

urlpatterns: list = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/export/", views.lead_export, name="lead_export"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/assign/", views.lead_bulk_assign, name="lead_bulk_assign"),
    path("leads/breaches/", views.lead_breaches, name="lead_breaches"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:lead_id>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:lead_id>/contacted/", views.lead_contacted, name="lead_contacted"),
    path("leads/<int:lead_id>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("leads/<int:lead_id>/disqualify/", views.lead_disqualify, name="lead_disqualify"),
    path("leads/<int:lead_id>/reopen/", views.lead_reopen, name="lead_reopen"),
    path("leads/<int:lead_id>/assign/", views.lead_assign, name="lead_assign"),
]
