from ninja import Router

from xiaoguan.sales.api import conversion, inquiries, opportunities, quotes

router = Router(tags=["sales"])
router.add_router("/opportunities", opportunities.router)
router.add_router("/conversion", conversion.router)
router.add_router("/inquiries", inquiries.router)
router.add_router("/quotes", quotes.router)
