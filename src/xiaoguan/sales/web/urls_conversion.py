"""Pages of the conversion part of sales; included in ``sales/web/urls.py`` (namespace "sales")."""

from django.urls import path

from xiaoguan.sales.web import conversion_views as views

urlpatterns: list = [
    path("conversion/<int:lead_id>/", views.lead_convert, name="lead_convert"),
]
