"""Writes to the customer database (R-CUS-1, R-CUS-2): customers with the duplicate check on
entry, and their contacts. Owner and department come from the acting user, never from input."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiaoguan.core.history import track
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import (
    EmployeeBand,
    Industry,
    OwnerChangeKind,
    Potential,
    PurchaseHistory,
    RevenueBand,
    SourceChannel,
)
from xiaoguan.customers.errors import ContactInvalid, CustomerDuplicate, CustomerInvalid
from xiaoguan.customers.models import Contact, Customer, OwnerChange, Tag
from xiaoguan.customers.normalise import (
    credit_code_is_valid,
    normalise_credit_code,
    normalise_name,
    normalise_phone,
    phone_is_valid,
)
from xiaoguan.customers.pinyin import name_initials
from xiaoguan.customers.selectors import customer_duplicates
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

CUSTOMER_FIELDS = (
    "name",
    "credit_code",
    "province",
    "city",
    "district",
    "street",
    "phone",
    "business_scope",
    "industry",
    "employee_band",
    "revenue_band",
    "equipment_demand",
    "site_count",
    "source",
    "referrer",
    "notes",
    # Scoring inputs of the classification (R-CUS-3)
    "purchase_potential",
    "purchase_intent",
    "purchase_history",
)
_CHOICES = {
    "industry": Industry,
    "employee_band": EmployeeBand,
    "revenue_band": RevenueBand,
    "source": SourceChannel,
    "purchase_potential": Potential,
    "purchase_intent": Potential,
    "purchase_history": PurchaseHistory,
}


@dataclass
class CustomerData:
    """What a user may write on a customer: an allow-list (no owner, no department, no class)."""

    name: str
    credit_code: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    phone: str = ""
    business_scope: str = ""
    industry: str = ""
    employee_band: str = ""
    revenue_band: str = ""
    equipment_demand: str = ""
    site_count: int | None = None
    source: str = ""
    referrer: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    purchase_potential: str = ""
    purchase_intent: str = ""
    purchase_history: str = ""


def _clean(data: CustomerData) -> CustomerData:
    """Trimmed and normalised input, or CustomerInvalid naming each bad field."""
    errors: dict[str, str] = {}
    data.name = " ".join((data.name or "").split())
    if not data.name:
        errors["name"] = _("A customer needs a name.")
    elif len(data.name) > 200:
        errors["name"] = _("At most %(n)s characters.") % {"n": 200}
    data.credit_code = normalise_credit_code(data.credit_code)
    if data.credit_code and not credit_code_is_valid(data.credit_code):
        errors["credit_code"] = _(
            "Not a valid unified social credit code (18 characters, with its check character)."
        )
    data.phone = (data.phone or "").strip()
    if data.phone and not phone_is_valid(data.phone):
        errors["phone"] = _(
            "Not a valid phone number: a mobile number or a landline with its area code."
        )
    for key, choices in _CHOICES.items():
        if getattr(data, key) and getattr(data, key) not in choices.values:
            errors[key] = _("Not one of the allowed values.")
    if data.site_count is not None and data.site_count < 0:
        errors["site_count"] = _("Value out of range.")
    for key in ("province", "city", "district", "street", "referrer"):
        setattr(data, key, (getattr(data, key) or "").strip())
    if not divisions.is_valid_path(data.province, data.city, data.district):
        errors["district" if data.district else "city" if data.city else "province"] = _(
            "Choose the province, city and district from the lists, each inside the one before."
        )
    data.tags = _tag_names(data.tags)
    if any(len(t) > 30 for t in data.tags):
        errors["tags"] = _("A tag has at most 30 characters.")
    if errors:
        raise CustomerInvalid(fields=errors)
    return data


def _tag_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in names or []:
        name = " ".join(str(raw).split())
        if name and name not in out:
            out.append(name)
    return out


def _lock_keys(data: CustomerData) -> None:
    """Serialise entries of the same name, phone or credit code until the transaction ends,
    so two people entering one company at the same moment cannot both pass the duplicate
    check (only the credit code has a unique index). PostgreSQL advisory locks, taken in a
    fixed order; SQLite runs one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {
            f"customer:{kind}:{value}"
            for kind, value in (
                ("name", normalise_name(data.name)),
                ("phone", normalise_phone(data.phone)),
                ("credit", data.credit_code),
            )
            if value
        }
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _ensure_unique(data: CustomerData, *, actor: User, exclude_pk: int | None = None) -> None:
    """Refuse a duplicate (R-CUS-2), naming only the matches the actor may see."""
    _lock_keys(data)
    matches = customer_duplicates(
        name=data.name, credit_code=data.credit_code, phone=data.phone, exclude_pk=exclude_pk
    )
    if not matches:
        return
    seen = set(
        visible(
            Customer.objects.filter(pk__in=[m.customer.pk for m in matches]), actor
        ).values_list("pk", flat=True)
    )
    labels = {"credit_code": _("credit code"), "name": _("name"), "phone": _("phone")}
    shown = [m for m in matches if m.customer.pk in seen]
    hidden_count = len(matches) - len(shown)
    parts = [
        _("%(name)s (owner %(owner)s; same %(what)s)")
        % {
            "name": m.customer.name,
            "owner": m.customer.owner,
            "what": "、".join(str(labels[r]) for r in m.reasons),
        }
        for m in shown
    ]
    if hidden_count:
        parts.append(
            ngettext(
                "%(n)d matching customer exists in another team",
                "%(n)d matching customers exist in another team",
                hidden_count,
            )
            % {"n": hidden_count}
        )
    message = _("This customer seems to exist already: %(matches)s.") % {
        "matches": "; ".join(parts)
    }
    reasons = {r for m in matches for r in m.reasons}
    fields: dict[str, str] = {k: message for k in ("credit_code", "name", "phone") if k in reasons}
    raise CustomerDuplicate(
        message,
        fields=fields,
        extra={
            "matches": [
                {
                    "id": m.customer.pk,
                    "name": m.customer.name,
                    "owner": str(m.customer.owner),
                    "reasons": list(m.reasons),
                }
                for m in shown
            ],
            "hidden_count": hidden_count,
        },
    )


def _apply(customer: Customer, data: CustomerData) -> None:
    from xiaoguan.customers.services.classification import apply_proposal

    for key in CUSTOMER_FIELDS:
        setattr(customer, key, getattr(data, key))
    customer.name_normalized = normalise_name(data.name)
    customer.name_initials = name_initials(data.name)
    customer.phone_normalized = normalise_phone(data.phone)
    apply_proposal(customer)  # the class follows the scoring rule unless overridden (R-CUS-3)


def _set_tags(customer: Customer, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    if {t.pk for t in tags} != set(customer.tags.values_list("pk", flat=True)):
        customer.tags.set(tags)


def _save(customer: Customer) -> None:
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Two people entering the same credit code at once: the constraint decides.
        msg = _("This credit code is already on file.")
        raise CustomerDuplicate(msg, fields={"credit_code": msg}) from None


@transaction.atomic
def customer_create(*, actor: User, data: CustomerData) -> Customer:
    """A new customer owned by the actor in the actor's department; refused if it duplicates
    an existing one (same credit code, normalised name or phone, R-CUS-2)."""
    if actor.department_id is None:
        raise CustomerInvalid(_("Only an employee with a department can own customers."))
    data = _clean(data)
    _ensure_unique(data, actor=actor)
    customer = Customer(owner=actor, department_id=actor.department_id)
    _apply(customer, data)
    track(customer, actor=actor)
    _save(customer)
    if data.tags:
        _set_tags(customer, data.tags)
    # Every change of owner is logged (R-CUS-5), the first one included.
    OwnerChange.objects.create(
        customer=customer, kind=OwnerChangeKind.CREATED, to_owner=actor, by=actor
    )
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, actor: User, data: CustomerData) -> Customer:
    """Change a customer's details; the same checks as on entry, the customer itself aside."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    data = _clean(data)
    _ensure_unique(data, actor=actor, exclude_pk=customer.pk)
    _apply(customer, data)
    track(customer, actor=actor)
    _save(customer)
    _set_tags(customer, data.tags)
    return customer


@transaction.atomic
def customer_deactivate(*, customer: Customer, actor: User, reason: str = "") -> Customer:
    """A customer is never deleted (its history stays): it is deactivated."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_active:
        customer.is_active = False
        track(customer, actor=actor, reason=reason)
        customer.save(update_fields=["is_active", "updated_at"])
    return customer


@transaction.atomic
def customer_reactivate(*, customer: Customer, actor: User) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.is_active:
        customer.is_active = True
        track(customer, actor=actor)
        customer.save(update_fields=["is_active", "updated_at"])
    return customer


def customer_touch(*, customer: Customer | int, at: Any) -> bool:
    """Record a contact with the customer (a visit, R-CUS-6) at ``at``: ``last_contact_at``
    only moves forward. One conditional UPDATE, so concurrent visits cannot move it back;
    no history row (it is not an edit of the customer). True when it moved."""
    pk = customer.pk if isinstance(customer, Customer) else customer
    moved = (
        Customer.objects.filter(pk=pk)
        .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=at))
        .update(last_contact_at=at)
    )
    if moved and isinstance(customer, Customer):
        customer.last_contact_at = at
    return bool(moved)


# --- contacts -------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "title", "phone", "wechat", "email", "birthday", "is_primary", "notes")


@dataclass
class ContactData:
    name: str
    title: str = ""
    phone: str = ""
    wechat: str = ""
    email: str = ""
    birthday: date | None = None
    is_primary: bool = False
    notes: str = ""


def _contact_clean(data: ContactData) -> ContactData:
    errors: dict[str, str] = {}
    data.name = " ".join((data.name or "").split())
    if not data.name:
        errors["name"] = _("A contact needs a name.")
    data.phone = (data.phone or "").strip()
    if data.phone and not phone_is_valid(data.phone):
        errors["phone"] = _(
            "Not a valid phone number: a mobile number or a landline with its area code."
        )
    data.email = (data.email or "").strip()
    if data.email and ("@" not in data.email or len(data.email) > 254):
        errors["email"] = _("Enter a valid e-mail address.")
    if data.birthday is not None and data.birthday > date.today():
        errors["birthday"] = _("A birthday cannot be in the future.")
    if errors:
        raise ContactInvalid(fields=errors)
    return data


def _contact_save(contact: Contact, data: ContactData, *, actor: User) -> Contact:
    for key in CONTACT_FIELDS:
        setattr(contact, key, getattr(data, key))
    track(contact, actor=actor)
    contact.save()
    if contact.is_primary:
        # One primary contact per customer: the newest choice wins.
        others = list(
            Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
                pk=contact.pk
            )
        )
        for other in others:
            other.is_primary = False
            track(other, actor=actor)
            other.save(update_fields=["is_primary", "updated_at"])
    return contact


@transaction.atomic
def contact_create(*, customer: Customer, actor: User, data: ContactData) -> Contact:
    """Add a contact person to a customer (R-CUS-1)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    data = _contact_clean(data)
    return _contact_save(Contact(customer=customer), data, actor=actor)


@transaction.atomic
def contact_update(*, contact: Contact, actor: User, data: ContactData) -> Contact:
    Customer.objects.select_for_update().filter(pk=contact.customer_id).first()
    contact = Contact.objects.get(pk=contact.pk)
    data = _contact_clean(data)
    return _contact_save(contact, data, actor=actor)


@transaction.atomic
def contact_delete(*, contact: Contact, actor: User) -> None:
    """A contact may be removed; its history keeps who removed it."""
    track(contact, actor=actor)
    contact.delete()
