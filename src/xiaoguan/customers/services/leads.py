"""Writes of the leads part (R-CUS-4): create, edit, assign, contact, qualify, disqualify,
reopen, and the referral follow-up reminders. Owner and department come from the actor (the
creator owns a lead until someone assigns it), never from input. Conversion into a customer
and an opportunity lives in ``sales.services.conversion`` (it creates an opportunity)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from xiaoguan.core.errors import ApplicationError, PermissionDenied
from xiaoguan.core.history import track
from xiaoguan.core.notifications import notify
from xiaoguan.customers import divisions
from xiaoguan.customers.enums import (
    LEAD_TRANSITIONS,
    DisqualifyReason,
    Industry,
    LeadStatus,
    SourceChannel,
)
from xiaoguan.customers.models import Lead
from xiaoguan.customers.normalise import normalise_name, normalise_phone, phone_is_valid
from xiaoguan.customers.selectors import leads as lead_selectors
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible


class LeadInvalid(ApplicationError):
    code = "lead_invalid"
    status = 422

    def default_message(self) -> Any:
        return gettext_lazy("Some fields are not valid.")


class LeadStateRefused(ApplicationError):
    """The lead's status does not allow this step (e.g. editing a converted lead)."""

    code = "lead_state"
    status = 409

    def default_message(self) -> Any:
        return gettext_lazy("This step is not possible in the lead's current status.")


LEAD_FIELDS = (
    "name",
    "contact_name",
    "phone",
    "email",
    "province",
    "city",
    "district",
    "street",
    "industry",
    "source",
    "referrer",
    "demand",
    "notes",
)


@dataclass
class LeadData:
    """What a user (or the importer) may write on a lead: an allow-list (no owner, no
    department, no status, no dates)."""

    name: str
    source: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    industry: str = ""
    referrer: str = ""
    demand: str = ""
    notes: str = ""


def _clean(data: LeadData) -> LeadData:
    errors: dict[str, str] = {}
    data.name = " ".join((data.name or "").split())
    if not data.name:
        errors["name"] = _("A lead needs a company or person name.")
    elif len(data.name) > 200:
        errors["name"] = _("At most %(n)s characters.") % {"n": 200}
    data.contact_name = " ".join((data.contact_name or "").split())[:100]
    data.phone = (data.phone or "").strip()
    if data.phone and not phone_is_valid(data.phone):
        errors["phone"] = _(
            "Not a valid phone number: a mobile number or a landline with its area code."
        )
    data.email = (data.email or "").strip()
    if data.email and ("@" not in data.email or len(data.email) > 254):
        errors["email"] = _("Enter a valid e-mail address.")
    if not data.source:
        errors["source"] = _("Choose where the lead came from.")
    elif data.source not in SourceChannel.values:
        errors["source"] = _("Not one of the allowed values.")
    if data.industry and data.industry not in Industry.values:
        errors["industry"] = _("Not one of the allowed values.")
    for key in ("province", "city", "district", "street", "referrer"):
        setattr(data, key, (getattr(data, key) or "").strip())
    if not divisions.is_valid_path(data.province, data.city, data.district):
        errors["district" if data.district else "city" if data.city else "province"] = _(
            "Choose the province, city and district from the lists, each inside the one before."
        )
    data.demand = (data.demand or "").strip()
    data.notes = (data.notes or "").strip()
    if errors:
        raise LeadInvalid(fields=errors)
    return data


def lead_clean(data: LeadData) -> LeadData:
    """Validate and normalise lead input without saving (the importer's dry run); raises
    LeadInvalid naming each bad field. ``lead_create`` runs the same checks."""
    return _clean(data)


def _apply(lead: Lead, data: LeadData) -> None:
    for key in LEAD_FIELDS:
        setattr(lead, key, getattr(data, key))
    lead.name_normalized = normalise_name(data.name)
    lead.phone_normalized = normalise_phone(data.phone)


def _require(actor: User, right: str) -> None:
    if not actor.has_right(right):
        raise PermissionDenied()


def _lock(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().select_related("owner").get(pk=lead.pk)


def _move(lead: Lead, to: str) -> None:
    if to not in LEAD_TRANSITIONS.get(lead.status, set()):
        if lead.status == LeadStatus.CONVERTED:
            raise LeadStateRefused(_("This lead is already converted."))
        raise LeadStateRefused(
            _("A lead that is %(status)s cannot become %(to)s.")
            % {"status": lead.get_status_display(), "to": LeadStatus(to).label}
        )
    lead.status = to


@transaction.atomic
def lead_create(*, actor: User, data: LeadData) -> Lead:
    """A new lead owned by its creator in the creator's department (a marketing user or an
    assistant keeps it until a manager assigns it). Possible duplicates are not refused: the
    pages and the API show them (``selectors.leads.lead_duplicates``)."""
    _require(actor, "leads.edit")
    if actor.department_id is None:
        raise LeadInvalid(_("Only an employee with a department can own leads."))
    data = _clean(data)
    lead = Lead(owner=actor, department_id=actor.department_id, created_by=actor)
    _apply(lead, data)
    track(lead, actor=actor)
    lead.save()
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, actor: User, data: LeadData) -> Lead:
    """Change a lead's details; a converted lead is closed and cannot change."""
    _require(actor, "leads.edit")
    lead = _lock(lead)
    if lead.status == LeadStatus.CONVERTED:
        raise LeadStateRefused(_("This lead is already converted."))
    data = _clean(data)
    _apply(lead, data)
    track(lead, actor=actor)
    lead.save()
    return lead


def _assign_target(actor: User, to_user: User | int) -> User:
    pk = to_user if isinstance(to_user, int) else to_user.pk
    target = lead_selectors.assignable_users(user=actor).filter(pk=pk).first()
    if target is None or not target.has_right("leads.edit"):
        raise LeadInvalid(
            _("Choose an active employee in your team who works on leads."),
            fields={"owner": _("Choose an active employee in your team who works on leads.")},
        )
    return target


@transaction.atomic
def lead_assign(
    *, leads: Iterable[Lead], actor: User, to_user: User | int, now: datetime | None = None
) -> list[Lead]:
    """Give leads to a rep in the assigner's scope (one or many at once; ``to_user`` a user
    or its id); the new owner is notified. Converted leads cannot move; every lead must be in the actor's scope."""
    _require(actor, "leads.assign")
    now = now or timezone.now()
    target = _assign_target(actor, to_user)
    ids = sorted({lead.pk for lead in leads})
    if not ids:
        raise LeadInvalid(_("Choose at least one lead."))
    locked = list(
        visible(Lead.objects.select_for_update(), actor).filter(pk__in=ids).order_by("pk")
    )
    if len(locked) != len(ids):
        raise LeadInvalid(_("Some of the chosen leads are not yours to assign."))
    if any(lead.status == LeadStatus.CONVERTED for lead in locked):
        raise LeadStateRefused(_("A converted lead cannot be assigned."))
    moved = []
    for lead in locked:
        if lead.owner_id == target.pk:
            continue
        lead.owner = target
        lead.department_id = target.department_id
        lead.assigned_at = now
        lead.reminded_at = None
        track(lead, actor=actor, reason="assigned")
        lead.save(update_fields=["owner", "department", "assigned_at", "reminded_at", "updated_at"])
        moved.append(lead)
    if moved and target.pk != actor.pk:
        if len(moved) == 1:
            url = reverse("customers:lead_detail", args=[moved[0].pk])
            title = _("Lead assigned to you: %(name)s") % {"name": moved[0].name}
        else:
            url = reverse("customers:lead_list") + f"?owner={target.pk}&open=1"
            title = ngettext(
                "%(n)d lead assigned to you",
                "%(n)d leads assigned to you",
                len(moved),
            ) % {"n": len(moved)}
        notify(
            recipient=target,
            kind="leads.assigned",
            title=title,
            url=url,
            body=_("Assigned by %(who)s.") % {"who": actor},
        )
    return moved


@transaction.atomic
def lead_mark_contacted(*, lead: Lead, actor: User, now: datetime | None = None) -> Lead:
    """The first contact with the lead happened (stops the referral follow-up clock)."""
    _require(actor, "leads.edit")
    lead = _lock(lead)
    _move(lead, LeadStatus.CONTACTED)
    lead.first_contacted_at = lead.first_contacted_at or now or timezone.now()
    track(lead, actor=actor)
    lead.save(update_fields=["status", "first_contacted_at", "updated_at"])
    return lead


@transaction.atomic
def lead_qualify(*, lead: Lead, actor: User, now: datetime | None = None) -> Lead:
    """The lead has a real need: ready to convert. Qualifying implies a contact."""
    _require(actor, "leads.edit")
    lead = _lock(lead)
    _move(lead, LeadStatus.QUALIFIED)
    lead.first_contacted_at = lead.first_contacted_at or now or timezone.now()
    track(lead, actor=actor)
    lead.save(update_fields=["status", "first_contacted_at", "updated_at"])
    return lead


@transaction.atomic
def lead_disqualify(*, lead: Lead, actor: User, reason: str, note: str = "") -> Lead:
    """Close a lead that will not buy; the reason is mandatory (a note too for "other")."""
    _require(actor, "leads.edit")
    note = " ".join((note or "").split())
    errors: dict[str, str] = {}
    if reason not in DisqualifyReason.values:
        errors["reason"] = _("Choose why the lead is disqualified.")
    elif reason == DisqualifyReason.OTHER and not note:
        errors["note"] = _("Say why in the note.")
    if len(note) > 200:
        errors["note"] = _("At most %(n)s characters.") % {"n": 200}
    if errors:
        raise LeadInvalid(next(iter(errors.values())), fields=errors)
    lead = _lock(lead)
    _move(lead, LeadStatus.DISQUALIFIED)
    lead.disqualify_reason = reason
    lead.disqualify_note = note
    track(lead, actor=actor, reason=note)
    lead.save(update_fields=["status", "disqualify_reason", "disqualify_note", "updated_at"])
    return lead


@transaction.atomic
def lead_reopen(*, lead: Lead, actor: User) -> Lead:
    """A disqualified lead becomes new again (its history keeps the old reason)."""
    _require(actor, "leads.edit")
    lead = _lock(lead)
    _move(lead, LeadStatus.NEW)
    lead.disqualify_reason = ""
    lead.disqualify_note = ""
    track(lead, actor=actor)
    lead.save(update_fields=["status", "disqualify_reason", "disqualify_note", "updated_at"])
    return lead


# --- referral follow-up reminders (R-CUS-4, R-X-4) -------------------------------------


def _manager_of(lead: Lead) -> User | None:
    owner = lead.owner
    if owner.manager_id and owner.manager_id != owner.pk:
        return owner.manager
    head = lead.department.head if lead.department_id else None
    return head if head is not None and head.pk != owner.pk else None


def leads_referral_remind(*, now: datetime | None = None) -> int:
    """Remind owners of referral leads half-way to the deadline, and tell the owner and the
    manager at the breach. Idempotent: each reminder has a dedupe key per lead and per
    assignment (a reassigned lead starts a new clock). Returns the notifications made."""
    now = now or timezone.now()
    made = 0
    for lead in lead_selectors.referrals_due_reminder(now=now):
        stamp = int(lead.followup_start.timestamp())  # type: ignore[attr-defined]
        deadline = timezone.localtime(lead.followup_deadline)  # type: ignore[attr-defined]
        note = notify(
            recipient=lead.owner,
            kind="leads.referral_reminder",
            title=_("Referral lead to contact before %(deadline)s: %(name)s")
            % {"deadline": deadline.strftime("%Y-%m-%d %H:%M"), "name": lead.name},
            url=reverse("customers:lead_detail", args=[lead.pk]),
            dedupe_key=f"leads.referral.remind:{lead.pk}:{stamp}",
        )
        if note is not None:
            made += 1
            Lead.objects.filter(pk=lead.pk).update(reminded_at=now)
    for lead in lead_selectors.referrals_breached_open(now=now):
        stamp = int(lead.followup_start.timestamp())  # type: ignore[attr-defined]
        url = reverse("customers:lead_detail", args=[lead.pk])
        manager = _manager_of(lead)
        for recipient in (manager, lead.owner):
            if recipient is None:
                continue
            note = notify(
                recipient=recipient,
                kind="leads.referral_breach",
                title=_("Referral lead not contacted in time: %(name)s (owner %(owner)s)")
                % {"name": lead.name, "owner": lead.owner},
                url=url,
                dedupe_key=f"leads.referral.breach:{lead.pk}:{stamp}",
            )
            made += note is not None
    return made
