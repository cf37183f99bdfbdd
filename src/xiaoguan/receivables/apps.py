from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "xiaoguan.receivables"
    label = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from xiaoguan.orders.registries import register_credit_exposure
        from xiaoguan.receivables.selectors.exposure import customer_exposure
        from xiaoguan.receivables.setup import collection, contract_sections, receipts, reports

        register_credit_exposure(customer_exposure)

        receipts.register()
        collection.register()
        reports.register()
        contract_sections.register()
