"""Pages of the orders part; included in ``orders/web/urls.py`` (namespace "orders")."""

from django.urls import path

from xiaoguan.orders.web import credit_views, orders_views, picker_views

urlpatterns: list = [
    path("", orders_views.order_list, name="order_list"),
    path("export/", orders_views.order_export, name="order_export"),
    path("new/contract/", orders_views.order_create_contract, name="order_create_contract"),
    path("new/contract/picker/", picker_views.contract_picker, name="contract_picker"),
    path("new/direct/", orders_views.order_create_direct, name="order_create_direct"),
    path("<int:order_id>/", orders_views.order_detail, name="order_detail"),
    path("<int:order_id>/edit/", orders_views.order_edit, name="order_edit"),
    path("<int:order_id>/submit/", orders_views.order_submit, name="order_submit"),
    path("<int:order_id>/review/", orders_views.order_review, name="order_review"),
    path("<int:order_id>/cancel/", orders_views.order_cancel, name="order_cancel"),
    path("<int:order_id>/credit-check/", orders_views.order_recheck, name="order_recheck"),
    path("credit-holds/", credit_views.credit_hold_list, name="credit_hold_list"),
    path(
        "credit-holds/<int:hold_id>/release/",
        credit_views.credit_hold_release,
        name="credit_hold_release",
    ),
]
