"""Pages of the stock part of catalog; included in ``catalog/web/urls.py`` (namespace
"catalog")."""

from django.urls import path

from xiaoguan.catalog.web import stock_views as views

urlpatterns: list = [
    path("stock/", views.stock_levels, name="stock_levels"),
    path("stock/export/", views.stock_export, name="stock_export"),
    path("stock/alerts/", views.stock_alerts, name="stock_alerts"),
    path("stock/receive/", views.stock_receive, name="stock_receive"),
    path("stock/count/", views.stock_adjust, name="stock_adjust"),
    path("stock/transfer/", views.stock_transfer, name="stock_transfer"),
    path("stock/products/<int:product_id>/", views.stock_product, name="stock_product"),
    path(
        "stock/products/<int:product_id>/reorder-point/",
        views.stock_reorder_point,
        name="stock_reorder_point",
    ),
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:warehouse_id>/edit/", views.warehouse_edit, name="warehouse_edit"),
    path(
        "warehouses/<int:warehouse_id>/deactivate/",
        views.warehouse_deactivate,
        name="warehouse_deactivate",
    ),
    path(
        "warehouses/<int:warehouse_id>/activate/",
        views.warehouse_activate,
        name="warehouse_activate",
    ),
]
