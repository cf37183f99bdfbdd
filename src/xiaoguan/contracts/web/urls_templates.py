"""Pages of the templates part of contracts; included in ``contracts/web/urls.py`` (namespace
"contracts")."""

from django.urls import path

from xiaoguan.contracts.web import templates_views as views

urlpatterns: list = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/clause/", views.template_clause_row, name="template_clause_row"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
]
