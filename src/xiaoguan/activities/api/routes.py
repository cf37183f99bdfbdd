from ninja import Router

from xiaoguan.activities.api import reports, trips, visits

router = Router(tags=["activities"])
router.add_router("/visits", visits.router)
router.add_router("/trips", trips.router)
router.add_router("/reports", reports.router)
