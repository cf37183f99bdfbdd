"""Registrations of the products part of catalog (rights, navigation), called from
``AppConfig.ready()``. Products are master data, not owned records: no data scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Every employee sees the catalog; production and technical staff too (they answer quotes'
# questions about products).
VIEW_ROLES = (
    "management",
    "sales_director",
    "sales_manager",
    "sales_rep",
    "sales_assistant",
    "legal",
    "finance",
    "logistics",
    "after_sales",
    "marketing",
    "hr",
    "production",
    "technical",
)
MANAGE_ROLES = ("management", "sales_director")


def register() -> None:
    from xiaoguan.core.navigation import NavItem
    from xiaoguan.core.navigation import register as register_nav
    from xiaoguan.org import rights

    group = _("Products and prices")
    rights.register(
        rights.Right(
            "catalog.view",
            _("See the product catalog (products, categories, units)"),
            group,
            VIEW_ROLES,
        )
    )
    rights.register(
        rights.Right(
            "catalog.manage",
            _("Add and edit products, categories and units; import products"),
            group,
            MANAGE_ROLES,
        )
    )
    section = _("Products and prices")
    register_nav(
        NavItem(
            key="products",
            label=_("Products"),
            url_name="catalog:product_list",
            icon="box-seam",
            right="catalog.view",
            order=390,
            section=section,
        )
    )
    register_nav(
        NavItem(
            key="catalog_setup",
            label=_("Categories and units"),
            url_name="catalog:setup",
            icon="diagram-3",
            right="catalog.view",
            order=391,
            section=section,
        )
    )
