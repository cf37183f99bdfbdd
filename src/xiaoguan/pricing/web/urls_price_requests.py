from django.urls import path

from xiaoguan.pricing.web import price_requests_views as views

urlpatterns: list = [
    path("price-requests/", views.price_request_list, name="price_request_list"),
    path("price-requests/new/", views.price_request_new, name="price_request_new"),
    path(
        "price-requests/<int:price_request_id>/",
        views.price_request_detail,
        name="price_request_detail",
    ),
    path(
        "price-requests/<int:price_request_id>/cancel/",
        views.price_request_cancel,
        name="price_request_cancel",
    ),
]
