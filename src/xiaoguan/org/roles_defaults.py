"""Built-in roles (SPEC.md §1) and their default rights, kept in step with the registry."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from xiaoguan.org.enums import DataScope

# code: (name, data scope). Names are stored in Chinese (the default language) and
# editable; the English originals are marked for translation.
BUILT_IN_ROLES: dict[str, tuple[str, str]] = {
    "management": (gettext_noop("Management"), DataScope.ALL),
    "sales_director": (gettext_noop("Sales director"), DataScope.ALL),
    "sales_manager": (gettext_noop("Sales manager"), DataScope.SUBTREE),
    "sales_rep": (gettext_noop("Sales rep"), DataScope.OWN),
    "sales_assistant": (gettext_noop("Sales assistant"), DataScope.DEPARTMENT),
    "legal": (gettext_noop("Legal"), DataScope.ALL),
    "finance": (gettext_noop("Finance"), DataScope.ALL),
    "logistics": (gettext_noop("Warehouse and logistics"), DataScope.ALL),
    "after_sales": (gettext_noop("After-sales service"), DataScope.ALL),
    "marketing": (gettext_noop("Marketing"), DataScope.DEPARTMENT),
    "hr": (gettext_noop("HR and training"), DataScope.ALL),
    "dealer": (gettext_noop("Dealer"), DataScope.OWN),
    "production": (gettext_noop("Production"), DataScope.DEPARTMENT),
    "technical": (gettext_noop("Technical"), DataScope.DEPARTMENT),
}


def sync_default_roles(sender=None, **kwargs) -> None:
    """Create missing built-in roles; give them rights registered since the last run."""
    if getattr(sender, "label", "org") != "org":
        return
    from django.utils import translation

    from xiaoguan.org import rights
    from xiaoguan.org.models import KnownRight, Role

    using = kwargs.get("using", "default")
    with transaction.atomic(using=using), translation.override("zh-hans"):
        known = set(KnownRight.objects.using(using).values_list("code", flat=True))
        new_rights = [r for r in rights.all_rights() if r.code not in known]
        for code, (name, scope) in BUILT_IN_ROLES.items():
            role, _created = Role.objects.using(using).get_or_create(
                code=code,
                defaults={"name": translation.gettext(name), "scope": scope, "is_system": True},
            )
            additions = [
                r.code for r in new_rights if code in r.default_roles and r.code not in role.rights
            ]
            if additions:
                role.rights = [*role.rights, *additions]
                role.save(update_fields=["rights"])
        KnownRight.objects.using(using).bulk_create(
            [KnownRight(code=r.code) for r in new_rights], ignore_conflicts=True
        )
