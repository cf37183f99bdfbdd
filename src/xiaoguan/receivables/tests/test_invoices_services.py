"""Invoice records (R-AR-7): request within what is left of the contract, issue with a unique
number, cancel, void; the ledger's invoiced figure and the contract timeline follow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from xiaoguan.receivables.enums import InvoiceStatus
from xiaoguan.receivables.services.invoices import (
    invoice_cancel,
    invoice_issue,
    invoice_request,
    invoice_void,
)
from xiaoguan.receivables.tests.test_overdue_support import contract

TODAY = timezone.localdate


def _req(actor, c, amount, **kw):
    return invoice_request(
        actor=actor, contract_id=c.pk, kind=kw.pop("kind", "vat_special"), amount=amount, **kw
    )


def test_request_issue_void_and_the_ledger(company):
    c = contract(company.rep_e1, total="10000.00")
    a = _req(company.rep_e1, c, "6000.00")
    assert a.number.startswith("KP") and a.status == InvoiceStatus.REQUESTED
    assert a.owner_id == company.rep_e1.pk
    with pytest.raises(ValidationFailed) as exc:
        _req(company.rep_e1, c, "4000.01")
    assert "Only ¥4,000.00" in str(exc.value.message)
    b = _req(company.rep_e1, c, "4000.00", kind="vat_normal", tax_rate="6")
    invoice_issue(
        actor=company.finance1, invoice_id=a.pk, invoice_no="04400000001", issued_on=TODAY()
    )
    c.refresh_from_db()
    assert c.invoiced_amount == Decimal("6000.00")
    # Invoice numbers are unique.
    with pytest.raises(ApplicationError) as exc:
        invoice_issue(
            actor=company.finance1, invoice_id=b.pk, invoice_no="04400000001", issued_on=TODAY()
        )
    assert exc.value.code == "invoice_number_taken"
    invoice_issue(
        actor=company.finance1, invoice_id=b.pk, invoice_no="04400000002", issued_on=TODAY()
    )
    c.refresh_from_db()
    assert c.invoiced_amount == Decimal("10000.00")
    with pytest.raises(ValidationFailed):
        invoice_void(actor=company.finance1, invoice_id=a.pk, reason="")
    invoice_void(actor=company.finance1, invoice_id=a.pk, reason="开票信息错误，红冲")
    c.refresh_from_db()
    assert c.invoiced_amount == Decimal("4000.00")
    # The voided amount may be requested again; the voided number is never reused.
    again = _req(company.rep_e1, c, "6000.00")
    with pytest.raises(ApplicationError):
        invoice_issue(
            actor=company.finance1, invoice_id=again.pk, invoice_no="04400000001", issued_on=TODAY()
        )
    kinds = list(
        ContractEvent.objects.filter(root_id=c.pk, kind=EventKind.INVOICE).values_list(
            "summary", flat=True
        )
    )
    assert len(kinds) == 6  # 3 requested, 2 issued, 1 voided


def test_cancel_frees_the_amount(company):
    c = contract(company.rep_e1, total="1000.00")
    a = _req(company.rep_e1, c, "1000.00")
    with pytest.raises(PermissionDenied):
        invoice_cancel(actor=company.mgr_east, invoice_id=a.pk)
    invoice_cancel(actor=company.rep_e1, invoice_id=a.pk, reason="客户要求改为普票")
    a.refresh_from_db()
    assert a.status == InvoiceStatus.CANCELLED
    _req(company.rep_e1, c, "1000.00", kind="vat_normal")
    with pytest.raises(ApplicationError):
        invoice_issue(actor=company.finance1, invoice_id=a.pk, invoice_no="X1", issued_on=TODAY())


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "10", "kind": "receipt"}, "kind"),
        ({"amount": "10", "tax_rate": "7"}, "tax_rate"),
    ],
)
def test_request_refusals(company, kw, field):
    c = contract(company.rep_e1)
    with pytest.raises(ValidationFailed) as exc:
        _req(company.rep_e1, c, **kw)
    assert field in exc.value.fields


def test_only_signed_contracts_in_scope(company):
    c = contract(company.rep_e1)
    Contract.objects.filter(pk=c.pk).update(status=ContractStatus.TERMINATED)
    with pytest.raises(ValidationFailed):
        _req(company.rep_e1, c, "10")
    west = contract(company.rep_w1)
    with pytest.raises(NotFound):
        _req(company.rep_e1, west, "10")
    with pytest.raises(PermissionDenied):
        _req(company.legal1, west, "10")


def test_issue_refusals(company):
    c = contract(company.rep_e1)
    a = _req(company.rep_e1, c, "10")
    with pytest.raises(PermissionDenied):
        invoice_issue(actor=company.rep_e1, invoice_id=a.pk, invoice_no="1", issued_on=TODAY())
    with pytest.raises(ValidationFailed) as exc:
        invoice_issue(actor=company.finance1, invoice_id=a.pk, invoice_no=" ", issued_on=TODAY())
    assert "invoice_no" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        invoice_issue(
            actor=company.finance1,
            invoice_id=a.pk,
            invoice_no="1",
            issued_on=TODAY() + timedelta(days=1),
        )
    assert "issued_on" in exc.value.fields
    a.refresh_from_db()
    assert a.status == InvoiceStatus.REQUESTED and a.invoice_no == ""
