from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "xiaoguan.orders"
    label = "orders"
    verbose_name = _("Orders and shipping")

    def ready(self) -> None:
        from xiaoguan.orders.setup import orders, shipping

        orders.register()
        shipping.register()
