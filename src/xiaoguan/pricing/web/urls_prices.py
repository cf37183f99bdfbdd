"""Pages of the prices part of pricing; included in ``pricing/web/urls.py`` (namespace
"pricing")."""

from django.urls import path

from xiaoguan.pricing.web import prices_views as views

urlpatterns: list = [
    path("prices/", views.price_list, name="price_list"),
    path("prices/export/", views.price_export, name="price_export"),
    path("prices/effective/", views.effective_price_page, name="effective_price"),
    path("prices/import/", views.price_import, name="price_import"),
    path("changes/", views.price_change_list, name="price_change_list"),
    path("changes/new/", views.price_change_create, name="price_change_create"),
    path("changes/<int:change_id>/", views.price_change_detail, name="price_change_detail"),
    path("changes/<int:change_id>/edit/", views.price_change_edit, name="price_change_edit"),
]
urlpatterns += [
    path(
        f"changes/<int:change_id>/{action}/",
        views.price_change_action,
        {"action": action},
        name=f"price_change_{action}",
    )
    for action in ("submit", "withdraw", "cancel")
]
urlpatterns += [
    path("discounts/", views.discount_rules, name="discount_rules"),
    path("discounts/<int:rule_id>/edit/", views.discount_rule_edit, name="discount_rule_edit"),
    path("float-ranges/", views.float_ranges, name="float_ranges"),
]
