"""Registrations of the list part of customers: customers as attachment owners and the
attachments section of the customer page."""

from __future__ import annotations

from typing import Any


def _can_view(user: Any, customer: Any) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("customers.view")) and can_see(customer, user)


def _can_edit(user: Any, customer: Any) -> bool:
    from xiaoguan.org.scope import can_see

    return bool(user.has_right("customers.edit")) and can_see(customer, user)


def _section_context(customer: Any, user: Any) -> dict[str, Any]:
    from xiaoguan.core import attachments, policy

    can_edit = bool(user.has_right("customers.edit"))  # the customer is already in scope
    return {
        "attachments": {
            "items": list(
                attachments.attachments_for(user=user, obj=customer, already_checked=True)
            ),
            "owner": attachments.owner_key(type(customer)),
            "object_id": customer.pk,
            "can_edit": can_edit,
            "max_mb": policy.value(attachments.MAX_SIZE_KEY),
            "extensions": sorted(attachments.allowed_extensions()),
        }
    }


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from xiaoguan.core import attachments
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.registries import DetailSection, register_detail_section

    attachments.register_owner(
        Customer, can_view=_can_view, can_edit=_can_edit, label=_("customer")
    )
    register_detail_section(
        DetailSection(
            key="attachments",
            order=90,
            template="customers/list_attachments.html",
            context=_section_context,
            right="customers.view",
            column="side",
        )
    )
