"""Pages of the products part of catalog; included in ``catalog/web/urls.py`` (namespace
"catalog")."""

from django.urls import path

from xiaoguan.catalog.web import products_views as views

urlpatterns: list = [
    path("products/", views.product_list, name="product_list"),
    path("products/export/", views.product_export, name="product_export"),
    path("products/search/", views.product_search, name="product_search"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/import/", views.product_import, name="product_import"),
    path("products/import/run/", views.product_import_run, name="product_import_run"),
    path(
        "products/import/template/",
        views.product_import_template,
        name="product_import_template",
    ),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path(
        "products/<int:product_id>/deactivate/",
        views.product_deactivate,
        name="product_deactivate",
    ),
    path("products/<int:product_id>/activate/", views.product_activate, name="product_activate"),
    path("setup/", views.catalog_setup, name="setup"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:category_id>/edit/", views.category_edit, name="category_edit"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
]
