from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "xiaoguan.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from xiaoguan.activities.setup import reports, trips, visits

        visits.register()
        trips.register()
        reports.register()
