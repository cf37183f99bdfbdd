"""URL map: each app's pages under its own prefix, the API under /api/v1/."""

from django.urls import include, path

from xiaoguan.api import api

urlpatterns = [
    path("", include("xiaoguan.core.web.urls")),
    path("org/", include("xiaoguan.org.web.urls")),
    path("approvals/", include("xiaoguan.approvals.web.urls")),
    path("customers/", include("xiaoguan.customers.web.urls")),
    path("activities/", include("xiaoguan.activities.web.urls")),
    path("sales/", include("xiaoguan.sales.web.urls")),
    path("catalog/", include("xiaoguan.catalog.web.urls")),
    path("pricing/", include("xiaoguan.pricing.web.urls")),
    path("contracts/", include("xiaoguan.contracts.web.urls")),
    path("orders/", include("xiaoguan.orders.web.urls")),
    path("receivables/", include("xiaoguan.receivables.web.urls")),
    path("api/v1/", api.urls),
]

handler403 = "xiaoguan.core.web.errors.permission_denied"
handler404 = "xiaoguan.core.web.errors.page_not_found"
handler500 = "xiaoguan.core.web.errors.server_error"
