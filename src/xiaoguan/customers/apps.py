from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "xiaoguan.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from xiaoguan.core.navigation import NavItem
        from xiaoguan.core.navigation import register as register_nav
        from xiaoguan.customers.models import Contact
        from xiaoguan.org import rights, scope

        group = _("Customers")
        rights.register(
            rights.Right(
                "customers.view",
                _("See customers and their contacts"),
                group,
                (
                    "management",
                    "sales_director",
                    "sales_manager",
                    "sales_rep",
                    "sales_assistant",
                    "finance",
                    "after_sales",
                    "legal",
                ),
            )
        )
        rights.register(
            rights.Right(
                "customers.edit",
                _("Add and edit customers and contacts"),
                group,
                ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant"),
            )
        )
        scope.register(Contact, owner="customer__owner", department="customer__department")
        register_nav(
            NavItem(
                key="customers",
                label=_("Customers"),
                url_name="customers:list",
                icon="building",
                right="customers.view",
                order=100,
                section=_("Customers"),
            )
        )

        # The parts of issue 3 register their own rights, rules, pages and jobs.
        from xiaoguan.customers.setup import classification, data, leads, pool

        pool.register()
        classification.register()
        leads.register()
        data.register()
        from xiaoguan.customers.setup import list as list_part

        list_part.register()
