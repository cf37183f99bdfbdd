from ninja import Router

from xiaoguan.pricing.api import price_requests, prices, promotions

router = Router(tags=["pricing"])
router.add_router("/prices", prices.router)
router.add_router("/promotions", promotions.router)
router.add_router("/price-requests", price_requests.router)
