from ninja import Router

from xiaoguan.sales.api import conversion, opportunities

router = Router(tags=["sales"])
router.add_router("/opportunities", opportunities.router)
router.add_router("/conversion", conversion.router)
