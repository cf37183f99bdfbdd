"""``/api/v1/``: every app's router on one NinjaAPI, OpenAPI docs at ``/api/v1/docs``."""

from xiaoguan.activities.api.routes import router as activities_router
from xiaoguan.approvals.api.routes import router as approvals_router
from xiaoguan.catalog.api.routes import router as catalog_router
from xiaoguan.contracts.api.routes import router as contracts_router
from xiaoguan.core.api import build_api
from xiaoguan.customers.api.routes import router as customers_router
from xiaoguan.orders.api.routes import router as orders_router
from xiaoguan.org.api.auth import api_auth
from xiaoguan.org.api.routes import router as org_router
from xiaoguan.pricing.api.routes import router as pricing_router
from xiaoguan.receivables.api.routes import router as receivables_router
from xiaoguan.sales.api.routes import router as sales_router

api = build_api(
    title="Xiaoguan API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    docs_url="/docs",
)
api.add_router("/org", org_router)
api.add_router("/approvals", approvals_router)
api.add_router("/customers", customers_router)
api.add_router("/activities", activities_router)
api.add_router("/sales", sales_router)
api.add_router("/catalog", catalog_router)
api.add_router("/pricing", pricing_router)
api.add_router("/contracts", contracts_router)
api.add_router("/orders", orders_router)
api.add_router("/receivables", receivables_router)
