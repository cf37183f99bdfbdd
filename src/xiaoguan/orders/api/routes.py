from ninja import Router

from xiaoguan.orders.api import orders, shipping

router = Router(tags=["orders"])
router.add_router("", orders.router)
router.add_router("", shipping.router)
