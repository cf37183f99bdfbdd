from ninja import Router

from xiaoguan.contracts.api import amendments, contracts, ledger, templates

router = Router(tags=["contracts"])
router.add_router("/templates", templates.router)
router.add_router("/contracts", contracts.router)
router.add_router("/amendments", amendments.router)
router.add_router("/ledger", ledger.router)
