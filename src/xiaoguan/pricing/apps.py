from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "xiaoguan.pricing"
    label = "pricing"
    verbose_name = _("Prices")

    def ready(self) -> None:
        from xiaoguan.pricing.setup import price_requests, prices, promotions

        prices.register()
        promotions.register()
        price_requests.register()
