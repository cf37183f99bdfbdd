from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "xiaoguan.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from xiaoguan.catalog.setup import products, stock

        products.register()
        stock.register()
