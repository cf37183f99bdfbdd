"""Pages of the shipping part of orders; included in ``orders/web/urls.py`` (namespace
"orders")."""

from django.urls import path

from xiaoguan.orders.web import shipping_views as views

urlpatterns: list = [
    path("shipping/", views.shipping_board, name="shipping_board"),
    path("shipping/late/", views.shipping_late, name="shipping_late"),
    path(
        "shipping/plan/<int:order_id>/new/",
        views.shipping_plan_create,
        name="shipping_plan_create",
    ),
    path(
        "shipping/plans/<int:plan_id>/cancel/",
        views.shipping_plan_cancel,
        name="shipping_plan_cancel",
    ),
    path(
        "shipping/acceptance/<int:contract_id>/",
        views.shipping_acceptance,
        name="shipping_acceptance",
    ),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/new/<int:order_id>/", views.shipment_prepare, name="shipment_prepare"),
    path("shipments/<int:shipment_id>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<int:shipment_id>/ship/", views.shipment_ship, name="shipment_ship"),
    path("shipments/<int:shipment_id>/cancel/", views.shipment_cancel, name="shipment_cancel"),
    path("shipments/<int:shipment_id>/deliver/", views.shipment_deliver, name="shipment_deliver"),
    path("exceptions/", views.exception_list, name="exception_list"),
    path("exceptions/new/<int:order_id>/", views.exception_create, name="exception_create"),
    path("exceptions/<int:exception_id>/", views.exception_detail, name="exception_detail"),
    path(
        "exceptions/<int:exception_id>/inform/",
        views.exception_inform,
        name="exception_inform",
    ),
    path(
        "exceptions/<int:exception_id>/resolve/",
        views.exception_resolve,
        name="exception_resolve",
    ),
]
