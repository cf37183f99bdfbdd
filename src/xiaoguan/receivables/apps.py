from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "xiaoguan.receivables"
    label = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from xiaoguan.orders.registries import register_credit_exposure
        from xiaoguan.receivables.selectors.exposure import customer_exposure
        from xiaoguan.receivables.setup import collection, receipts, reports

        register_credit_exposure(customer_exposure)

        receipts.register()
        collection.register()
        reports.register()
