"""Lead conversion (R-CUS-4): one step turns a lead into a customer (or attaches it to an
existing one the user chose among the duplicates), a contact and an opportunity, and closes
the lead — in one transaction, with the lead row locked so a double submit converts once.

It lives in sales because it creates an opportunity (sales may use customers, not the
reverse). Opportunities are made by ``sales.services.opportunities.opportunity_create``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from xiaoguan.customers.enums import LEAD_TRANSITIONS, LeadStatus, OwnerChangeKind
from xiaoguan.customers.errors import ContactInvalid, CustomerDuplicate, CustomerInvalid
from xiaoguan.customers.models import Contact, Customer, Lead, OwnerChange
from xiaoguan.customers.services import (
    ContactData,
    CustomerData,
    contact_create,
    customer_create,
)
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible
from xiaoguan.sales.errors import OpportunityInvalid
from xiaoguan.sales.models import Opportunity
from xiaoguan.sales.services.opportunities import OpportunityData, opportunity_create


class LeadAlreadyConverted(Conflict):
    code = "lead_converted"

    def default_message(self) -> Any:
        return gettext_lazy("This lead is already converted.")


class ConversionRefused(Conflict):
    code = "lead_conversion_refused"

    def default_message(self) -> Any:
        return gettext_lazy("This lead cannot be converted in its current status.")


class ConversionInvalid(ApplicationError):
    code = "conversion_invalid"
    status = 422

    def default_message(self) -> Any:
        return gettext_lazy("Some fields are not valid.")


@dataclass
class ConversionData:
    """The opportunity to open, and either the new customer's details (``customer``) or the
    id of an existing customer to attach the lead to (``attach_customer_id``)."""

    opportunity_name: str
    amount: Decimal | int | str
    expected_close: date
    probability: int | None = None  # None: the first stage's default
    description: str = ""
    customer: CustomerData | None = None
    attach_customer_id: int | None = None


@dataclass(frozen=True)
class ConversionResult:
    lead: Lead
    customer: Customer
    opportunity: Opportunity
    contact: Contact | None
    customer_created: bool


# Field names of the services, as the conversion form and API name them.
CUSTOMER_FIELD_NAMES = {"name": "customer_name", "phone": "customer_phone"}
OPPORTUNITY_FIELD_NAMES = {"name": "opportunity_name", "description": "description"}


def _renamed(exc: ApplicationError, names: dict[str, str]) -> ApplicationError:
    """The same refusal with its fields named as the conversion form names them."""
    fields = {names.get(k, k): v for k, v in exc.fields.items()}
    return type(exc)(exc.message, code=exc.code, fields=fields, extra=exc.extra)


def customer_data_from_lead(lead: Lead) -> CustomerData:
    """What the conversion form proposes for the new customer."""
    return CustomerData(
        name=lead.name,
        phone=lead.phone,
        province=lead.province,
        city=lead.city,
        district=lead.district,
        street=lead.street,
        industry=lead.industry,
        source=lead.source,
        referrer=lead.referrer,
        equipment_demand=lead.demand,
    )


def _lock_lead(lead: Lead | int, actor: User) -> Lead:
    pk = lead if isinstance(lead, int) else lead.pk
    locked = visible(Lead.objects.select_for_update(), actor).filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("Lead not found."))
    return locked


def _customer_for(lead: Lead, actor: User, data: ConversionData) -> tuple[Customer, bool]:
    if data.attach_customer_id:
        customer = (
            visible(Customer.objects.all(), actor)
            .filter(pk=data.attach_customer_id, is_active=True)
            .first()
        )
        if customer is None:
            msg = _("Choose an active customer you can see.")
            raise ConversionInvalid(msg, fields={"attach_customer": msg})
        return customer, False
    try:
        customer = customer_create(actor=actor, data=data.customer or customer_data_from_lead(lead))
    except (CustomerInvalid, CustomerDuplicate) as exc:
        raise _renamed(exc, CUSTOMER_FIELD_NAMES) from None
    # The customer's first owner record says where it came from: a lead.
    reason = (_("Converted from lead %(name)s") % {"name": lead.name})[:200]
    updated = OwnerChange.objects.filter(customer=customer, kind=OwnerChangeKind.CREATED).update(
        kind=OwnerChangeKind.CONVERTED, reason=reason
    )
    if not updated:
        OwnerChange.objects.create(
            customer=customer,
            kind=OwnerChangeKind.CONVERTED,
            from_owner=None,
            to_owner=customer.owner,
            by=actor,
            reason=reason,
        )
    return customer, True


def _contact_for(lead: Lead, customer: Customer, actor: User) -> Contact | None:
    """The lead's contact person on the customer, unless a contact of that name is there."""
    if not lead.contact_name:
        return None
    existing = Contact.objects.filter(customer=customer)
    if existing.filter(name=lead.contact_name).exists():
        return None
    try:
        return contact_create(
            customer=customer,
            actor=actor,
            data=ContactData(
                name=lead.contact_name,
                phone=lead.phone,
                email=lead.email,
                is_primary=not existing.filter(is_primary=True).exists(),
            ),
        )
    except ContactInvalid:
        # A lead entered before a stricter rule: keep the name, drop what no longer passes.
        return contact_create(
            customer=customer, actor=actor, data=ContactData(name=lead.contact_name)
        )


@transaction.atomic
def lead_convert(
    *, actor: User, lead: Lead | int, data: ConversionData, now: datetime | None = None
) -> ConversionResult:
    """Convert a lead: customer (new, or an existing one chosen by the user when the new one
    would duplicate it), contact, opportunity (stage "need confirmed"), lead CONVERTED. A
    lead already converted is refused with ``LeadAlreadyConverted`` (409)."""
    if not (actor.has_right("leads.edit") and actor.has_right("customers.edit")):
        raise PermissionDenied()
    now = now or timezone.now()
    locked = _lock_lead(lead, actor)
    if locked.status == LeadStatus.CONVERTED:
        raise LeadAlreadyConverted()
    if LeadStatus.CONVERTED not in LEAD_TRANSITIONS.get(locked.status, set()):
        raise ConversionRefused(
            _("A disqualified lead must be reopened before it can be converted.")
        )
    customer, created = _customer_for(locked, actor, data)
    contact = _contact_for(locked, customer, actor)
    try:
        opportunity = opportunity_create(
            actor=actor,
            data=OpportunityData(
                customer_id=customer.pk,
                name=data.opportunity_name,
                amount=data.amount,
                expected_close=data.expected_close,
                probability=data.probability,
                description=data.description,
                lead_id=locked.pk,
            ),
        )
    except OpportunityInvalid as exc:
        raise _renamed(exc, OPPORTUNITY_FIELD_NAMES) from None
    locked.status = LeadStatus.CONVERTED
    locked.converted_customer = customer
    locked.converted_at = now
    locked.first_contacted_at = locked.first_contacted_at or now
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(
        update_fields=[
            "status",
            "converted_customer",
            "converted_at",
            "first_contacted_at",
            "updated_at",
        ]
    )
    return ConversionResult(
        lead=locked,
        customer=customer,
        opportunity=opportunity,
        contact=contact,
        customer_created=created,
    )
