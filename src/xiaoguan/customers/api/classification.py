"""API of the credit file and classification (R-CUS-9, R-CUS-3), mounted at
``/api/v1/customers/credit``: the same scope, rights and messages as the pages. A customer
out of scope is 404; a missing right 403; bad input 422 JSON with the fields."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.customers import selectors
from xiaoguan.customers.models import CreditNote, Customer
from xiaoguan.customers.selectors import classification as sel
from xiaoguan.customers.services import classification as class_services
from xiaoguan.customers.services import credit as credit_services
from xiaoguan.org.models import User

router = Router(tags=["customers: credit file and classification"])


def _customer(user: User, customer_id: int) -> Customer:
    return selectors.customer_get(user=user, customer_id=customer_id)  # 404 when out of scope


class NoteOut(Schema):
    id: int
    investigated_on: date
    content: str
    rating: str
    author: str
    created_at: datetime


def _note_out(n: CreditNote) -> NoteOut:
    return NoteOut(
        id=n.pk,
        investigated_on=n.investigated_on,
        content=n.content,
        rating=n.rating,
        author=str(n.author),
        created_at=n.created_at,
    )


class FactorOut(Schema):
    key: str
    value: str
    points: int
    weight: int
    contribution: float


class CreditFileOut(Schema):
    customer_id: int
    credit_rating: str
    credit_limit: Decimal | None
    credit_set_by: str | None
    credit_set_at: datetime | None
    poor_credit: bool
    customer_class: str
    class_proposed: str
    class_score: int | None
    class_overridden: bool
    class_override_reason: str
    class_breakdown: list[FactorOut]
    grade: str
    notes: list[NoteOut]


def _file_out(c: Customer) -> CreditFileOut:
    return CreditFileOut(
        customer_id=c.pk,
        credit_rating=c.credit_rating,
        credit_limit=c.credit_limit,
        credit_set_by=str(c.credit_set_by) if c.credit_set_by_id else None,
        credit_set_at=c.credit_set_at,
        poor_credit=sel.is_poor_credit(c),
        customer_class=c.customer_class,
        class_proposed=c.class_proposed,
        class_score=c.class_score,
        class_overridden=c.class_overridden_by_id is not None,
        class_override_reason=c.class_override_reason,
        class_breakdown=[
            FactorOut(
                key=r.key,
                value=r.value,
                points=r.points,
                weight=r.weight,
                contribution=r.contribution,
            )
            for r in sel.breakdown_rows(c)
        ],
        grade=c.grade,
        notes=[_note_out(n) for n in sel.credit_notes(customer=c, limit=50)],
    )


@router.get("/{customer_id}", response=CreditFileOut, summary="The credit file of a customer")
def credit_file(request, customer_id: int):
    user = require_rights(request, "customers.view")
    return _file_out(_customer(user, customer_id))


class CreditIn(Schema):
    credit_rating: str = Field("", max_length=3)
    credit_limit: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    reason: str = Field("", max_length=100)

    model_config = {"extra": "forbid"}


@router.put(
    "/{customer_id}",
    response=CreditFileOut,
    summary="Finance sets the credit rating and limit (blank/null clears)",
)
def credit_set(request, customer_id: int, payload: CreditIn):
    user = require_rights(request, "customers.credit")
    customer = _customer(user, customer_id)
    credit_services.credit_set(
        customer=customer,
        actor=user,
        rating=payload.credit_rating,
        limit=payload.credit_limit,
        reason=payload.reason,
    )
    return _file_out(_customer(user, customer_id))


class NoteIn(Schema):
    content: str = Field(..., max_length=5000)
    investigated_on: date | None = None
    rating: str = Field("", max_length=3)

    model_config = {"extra": "forbid"}


@router.post(
    "/{customer_id}/notes", response={201: NoteOut}, summary="Add a credit investigation note"
)
def credit_note_add(request, customer_id: int, payload: NoteIn):
    user = require_rights(request, "customers.view")
    customer = _customer(user, customer_id)
    note = credit_services.credit_note_add(
        customer=customer,
        actor=user,
        content=payload.content,
        investigated_on=payload.investigated_on,
        rating=payload.rating,
    )
    return Status(201, _note_out(note))


class OverrideIn(Schema):
    customer_class: str = Field(..., max_length=1)
    reason: str = Field(..., max_length=500)

    model_config = {"extra": "forbid"}


@router.post(
    "/{customer_id}/class",
    response=CreditFileOut,
    summary="A manager overrides the class, with a reason",
)
def class_override(request, customer_id: int, payload: OverrideIn):
    user = require_rights(request, "customers.classify")
    customer = _customer(user, customer_id)
    class_services.class_override(
        customer=customer,
        actor=user,
        customer_class=payload.customer_class,
        reason=payload.reason,
    )
    return _file_out(_customer(user, customer_id))


@router.post(
    "/{customer_id}/class/clear",
    response=CreditFileOut,
    summary="Clear the override: back to the proposed class",
)
def class_override_clear(request, customer_id: int):
    user = require_rights(request, "customers.classify")
    customer = _customer(user, customer_id)
    class_services.class_override_clear(customer=customer, actor=user)
    return _file_out(_customer(user, customer_id))


class GradeIn(Schema):
    grade: str = Field(..., max_length=1)

    model_config = {"extra": "forbid"}


@router.post("/{customer_id}/grade", response=CreditFileOut, summary="A manager sets the grade")
def grade_set(request, customer_id: int, payload: GradeIn):
    user = require_rights(request, "customers.classify")
    customer = _customer(user, customer_id)
    class_services.grade_set(customer=customer, actor=user, grade=payload.grade)
    return _file_out(_customer(user, customer_id))
