from ninja import Router

from xiaoguan.catalog.api import products, stock

router = Router(tags=["catalog"])
router.add_router("/products", products.router)
router.add_router("/categories", products.categories_router)
router.add_router("/units", products.units_router)
router.add_router("/stock", stock.router)
