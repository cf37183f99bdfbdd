"""Pages of the promotions part of pricing; included in ``pricing/web/urls.py``."""

from django.urls import path

from xiaoguan.pricing.web import promotions_views as views

urlpatterns: list = [
    path("promotions/", views.promotion_list, name="promotion_list"),
    path("promotions/new/", views.promotion_create, name="promotion_create"),
    path("promotions/<int:promotion_id>/", views.promotion_detail, name="promotion_detail"),
    path("promotions/<int:promotion_id>/edit/", views.promotion_edit, name="promotion_edit"),
]
urlpatterns += [
    path(
        f"promotions/<int:promotion_id>/{action}/",
        views.promotion_action,
        {"action": action},
        name=f"promotion_{action}",
    )
    for action in ("submit", "withdraw", "cancel")
]
