from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "xiaoguan.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from xiaoguan.contracts.setup import amendments, contracts, ledger, templates

        templates.register()
        contracts.register()
        amendments.register()
        ledger.register()
