"""The extension point through which a document type joins the approval engine (R-X-1).

A higher app registers its type once, in ``AppConfig.ready()``::

    register_document_type(DocumentType(
        code="contract", label=_("Contract"), model=Contract,
        get_title=lambda c: c.number, get_amount=lambda c: c.total,
        url_for=lambda c: reverse("contracts:detail", args=[c.pk]),
        on_approved=contract_on_approved, on_rejected=..., on_returned=...,
    ))

Callbacks are called INSIDE the decision's transaction as
``callback(subject=..., request=..., actor=...)``: if one raises, the decision is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

Callback = Callable[..., Any]


def _none(_subject: Any) -> Decimal | None:
    return None


def _owner(subject: Any) -> Any:
    return subject.owner


def _department(subject: Any) -> Any:
    return subject.department


def _no_url(_subject: Any) -> str:
    return ""


@dataclass(frozen=True)
class DefaultStep:
    """A step of the chain a new installation gets for a document type (management edits it
    on the chains page). ``rule`` is an ``ApproverRule`` value; ``role`` a role code for the
    role rule. A step whose role nobody holds is left out."""

    name: str
    rule: str
    role: str = ""
    min_amount: Decimal | None = None
    min_discount: Decimal | None = None


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: Any
    model: type[models.Model]
    get_title: Callable[[Any], str] = str
    get_amount: Callable[[Any], Decimal | None] = _none
    get_discount: Callable[[Any], Decimal | None] = _none  # percent, e.g. Decimal("12.5")
    get_owner: Callable[[Any], Any] = _owner
    get_department: Callable[[Any], Any] = _department
    url_for: Callable[[Any], str] = _no_url
    on_approved: Callback | None = None
    on_rejected: Callback | None = None
    on_returned: Callback | None = None
    on_cancelled: Callback | None = None
    # The default chain; empty means "the requester's manager, then management for large
    # amounts" (approvals.services.chains.default_chains_ensure).
    default_chain: tuple[DefaultStep, ...] = ()


_types: dict[str, DocumentType] = {}


def register_document_type(doc_type: DocumentType) -> DocumentType:
    existing = _types.get(doc_type.code)
    if existing is not None and existing.model is not doc_type.model:
        raise ValueError(f"Approval document type {doc_type.code!r} is registered twice")
    _types[doc_type.code] = doc_type
    return doc_type


def document_type(code: str) -> DocumentType | None:
    return _types.get(code)


def document_types() -> list[DocumentType]:
    return sorted(_types.values(), key=lambda t: t.code)


def document_type_choices() -> list[tuple[str, Any]]:
    return [(t.code, t.label) for t in document_types()]
