"""Merging a duplicate customer into the one that stays (R-CUS-2), keeping every record and
all history.

What moves from the duplicate to the survivor, in one transaction with both rows locked:

1. the survivor keeps its own values; its blank fields are filled from the duplicate, tags
   are united, the last contact and last deal dates are the later of the two;
2. contacts (the survivor's primary contact stays primary), credit investigations, leads
   converted into the duplicate, owner changes and attachments;
3. the rows of higher apps (visits, follow-ups, trips, opportunities...) through the
   handlers registered on ``customers.registries.register_merge_handler``;
4. as a safety net, every remaining foreign key that still points at the duplicate (found
   through ``Customer._meta``, hidden relations included, history tables excluded: history
   records what was) is re-pointed at the survivor. A link row that would then repeat one the
   survivor already has (a unique constraint, e.g. the same trip listing both) is dropped.

The duplicate is deactivated with ``merged_into`` set; both customers get a history row and
an owner-change row of kind MERGED; one audit event records the counts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import ApplicationError, NotFound
from xiaoguan.core.history import track
from xiaoguan.core.models import Attachment, AuditKind
from xiaoguan.customers import registries
from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Contact, CreditNote, Customer, Lead, OwnerChange
from xiaoguan.customers.services import CUSTOMER_FIELDS
from xiaoguan.org.models import User
from xiaoguan.org.scope import visible

AUDIT_KIND = AuditKind.MERGE
# Judged or set values filled from the duplicate when the survivor has none.
_ADDRESS = ("province", "city", "district")
_FILLED = (
    *[f for f in CUSTOMER_FIELDS if f not in ("name", *_ADDRESS)],
    "customer_class",
    "grade",
    "purchase_potential",
    "purchase_intent",
    "purchase_history",
)


class MergeRefused(ApplicationError):
    code = "customer_merge_refused"
    status = 409

    def default_message(self) -> Any:
        return gettext_lazy("These customers cannot be merged.")


def _lock_pair(*, survivor_id: int, duplicate_id: int, actor: User) -> tuple[Customer, Customer]:
    """Both customers locked (in id order), both in the actor's scope; otherwise not found."""
    ids = sorted({survivor_id, duplicate_id})
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    seen = set(visible(Customer.objects.filter(pk__in=ids), actor).values_list("pk", flat=True))
    if len(locked) != 2 or seen != set(ids):
        raise NotFound()
    return locked[survivor_id], locked[duplicate_id]


def _repoint_generic(*, survivor: Customer, duplicate: Customer) -> dict[str, int]:
    """Every foreign key to Customer still pointing at the duplicate, re-pointed."""
    moved: dict[str, int] = {}
    for rel in Customer._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue
        model = rel.related_model
        if not isinstance(model, type) or not issubclass(model, models.Model):
            continue
        if issubclass(model, HistoricalChanges) or model is Customer.tags.through:
            continue  # history records what was; tags were united above
        fk_name = rel.field.name
        rows = model._base_manager.filter(**{fk_name: duplicate.pk})
        if model is Customer:
            rows = rows.exclude(pk__in=[survivor.pk, duplicate.pk])
        label = model._meta.label_lower
        try:
            with transaction.atomic():
                count = rows.update(**{fk_name: survivor.pk})
        except IntegrityError:
            count = _repoint_one_by_one(model, fk_name, rows, survivor)
        if count:
            moved[label] = moved.get(label, 0) + count
    return moved


def _repoint_one_by_one(
    model: type[models.Model], fk_name: str, rows: Any, survivor: Customer
) -> int:
    count = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{fk_name: survivor.pk})
            count += 1
        except IntegrityError:
            # The survivor already has this link (e.g. both customers on one trip).
            model._base_manager.filter(pk=pk).delete()
    return count


@transaction.atomic
def customer_merge(
    *, survivor: Customer, duplicate: Customer, actor: User, request: Any = None
) -> Customer:
    """Merge ``duplicate`` into ``survivor`` (R-CUS-2): everything the duplicate had moves to
    the survivor, blanks are filled, the duplicate is deactivated and points at the survivor."""
    if not actor.has_right("customers.merge"):
        raise NotFound()
    if survivor.pk == duplicate.pk:
        raise MergeRefused(_("Choose two different customers."))
    survivor, duplicate = _lock_pair(
        survivor_id=survivor.pk, duplicate_id=duplicate.pk, actor=actor
    )
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise MergeRefused(_("One of these customers was merged already."))

    # 1. values: the survivor's, blanks filled from the duplicate
    filled = []
    for key in _FILLED:
        if getattr(survivor, key) in ("", None) and getattr(duplicate, key) not in ("", None):
            setattr(survivor, key, getattr(duplicate, key))
            filled.append(key)
    # The address levels come together, so a city never lands in another province.
    for level, key in enumerate(_ADDRESS):
        same_above = all(getattr(survivor, k) == getattr(duplicate, k) for k in _ADDRESS[:level])
        if same_above and not getattr(survivor, key) and getattr(duplicate, key):
            for k in _ADDRESS[level:]:
                setattr(survivor, k, getattr(duplicate, k))
            filled.extend(_ADDRESS[level:])
            break
    if survivor.credit_limit is None and duplicate.credit_limit is not None:
        survivor.credit_limit = duplicate.credit_limit
        survivor.credit_rating = survivor.credit_rating or duplicate.credit_rating
        survivor.credit_set_by_id = duplicate.credit_set_by_id
        survivor.credit_set_at = duplicate.credit_set_at
        filled.append("credit_limit")
    for key in ("last_contact_at", "last_deal_at"):
        theirs = getattr(duplicate, key)
        if theirs is not None and (
            getattr(survivor, key) is None or theirs > getattr(survivor, key)
        ):
            setattr(survivor, key, theirs)
    if "phone" in filled:
        survivor.phone_normalized = duplicate.phone_normalized
    reason_dup = f"merged into #{survivor.pk}"
    reason_surv = f"merged #{duplicate.pk} into it"
    # The credit code is unique: it leaves the duplicate before the survivor takes it.
    duplicate.is_active = False
    duplicate.merged_into = survivor
    if "credit_code" in filled:
        duplicate.credit_code = ""
    track(duplicate, actor=actor, reason=reason_dup)
    duplicate.save()
    track(survivor, actor=actor, reason=reason_surv)
    survivor.save()
    survivor_tags = set(survivor.tags.values_list("pk", flat=True))
    added_tags = [
        pk for pk in duplicate.tags.values_list("pk", flat=True) if pk not in survivor_tags
    ]
    if added_tags:
        survivor.tags.add(*added_tags)

    # 2. the customer app's own records
    moved: dict[str, int] = {}
    if Contact.objects.filter(customer=survivor, is_primary=True).exists():
        for contact in Contact.objects.filter(customer=duplicate, is_primary=True):
            contact.is_primary = False
            track(contact, actor=actor, reason=reason_dup)
            contact.save(update_fields=["is_primary", "updated_at"])
    for model, fk in (
        (Contact, "customer"),
        (CreditNote, "customer"),
        (Lead, "converted_customer"),
        (OwnerChange, "customer"),
    ):
        count = model._base_manager.filter(**{fk: duplicate}).update(**{fk: survivor})
        if count:
            moved[model._meta.label_lower] = count
    ct = ContentType.objects.get_for_model(Customer)
    count = Attachment.objects.filter(content_type=ct, object_id=duplicate.pk).update(
        object_id=survivor.pk
    )
    if count:
        moved["core.attachment"] = count

    # 3. higher apps, through their handlers; 4. whatever still points at the duplicate
    for handler in registries.merge_handlers():
        handler(source=duplicate, target=survivor, actor=actor)
    for label, count in _repoint_generic(survivor=survivor, duplicate=duplicate).items():
        moved[label] = moved.get(label, 0) + count

    OwnerChange.objects.bulk_create(
        [
            OwnerChange(
                customer=survivor,
                kind=OwnerChangeKind.MERGED,
                from_owner_id=duplicate.owner_id,
                to_owner_id=survivor.owner_id,
                by=actor,
                reason=(
                    _("Merged %(name)s (#%(id)s) into this customer")
                    % {"name": duplicate.name, "id": duplicate.pk}
                )[:200],
            ),
            OwnerChange(
                customer=duplicate,
                kind=OwnerChangeKind.MERGED,
                from_owner_id=duplicate.owner_id,
                to_owner_id=survivor.owner_id,
                by=actor,
                reason=(
                    _("Merged into %(name)s (#%(id)s)") % {"name": survivor.name, "id": survivor.pk}
                )[:200],
            ),
        ]
    )
    audit_event_record(
        kind=AUDIT_KIND,
        actor=actor,
        request=request,
        obj=survivor,
        summary=f"customers.merge: #{duplicate.pk} → #{survivor.pk}",
        detail={
            "survivor": survivor.pk,
            "duplicate": duplicate.pk,
            "filled": filled,
            "tags_added": len(added_tags),
            "moved": moved,
        },
    )
    return survivor
