from ninja import Router

from xiaoguan.catalog.api import products

router = Router(tags=["catalog"])
router.add_router("/products", products.router)
