from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "xiaoguan.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from xiaoguan.sales.setup import conversion, inquiries, opportunities, quotes

        opportunities.register()
        conversion.register()
        inquiries.register()
        quotes.register()
        from xiaoguan.sales import reports_figures  # the weekly report's sales figures

        reports_figures.register()
