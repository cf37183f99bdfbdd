from ninja import Router

from xiaoguan.receivables.api import collection, receipts, reports

router = Router(tags=["receivables"])
router.add_router("", receipts.router)
router.add_router("", collection.router)
router.add_router("", reports.router)
