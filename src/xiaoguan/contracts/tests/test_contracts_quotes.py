"""An accepted quote becomes a draft contract without retyping (R-QUO-3, R-CON-1): customer,
opportunity, lines with the quote's prices, its payment terms in the notes; one contract per
quote unless the earlier one was cancelled or rejected."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from xiaoguan.contracts.enums import ContractSource, ContractStatus, EventKind
from xiaoguan.contracts.errors import ContractExistsForQuote, QuoteNotAccepted
from xiaoguan.contracts.models import Contract, ContractEvent
from xiaoguan.contracts.services.contracts import (
    contract_cancel,
    contract_create_from_quote,
    contract_update,
)
from xiaoguan.contracts.tests.test_contracts_support import (
    PRICE_DAY,
    catalog,
    complete_data,
    line,
    terms_30_60_10,
)
from xiaoguan.core.errors import NotFound
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.pricing.tests.factories import base_price
from xiaoguan.sales.enums import QuoteStatus
from xiaoguan.sales.models import Quote, QuoteLine

_numbers = iter(range(1, 100_000))


def accepted_quote(owner: Any, customer: Any, cat: Any, status: str = QuoteStatus.ACCEPTED):
    """A quote as the quote services leave it once the customer accepted it (rows)."""
    quote = Quote.objects.create(
        number=f"BJ-2026-{next(_numbers):06d}",
        owner=owner,
        department=owner.department,
        customer=customer,
        title="消防栓及灭火器采购",
        price_date=PRICE_DAY,
        valid_until=PRICE_DAY + timedelta(days=30),
        delivery_lead_days=20,
        payment_terms="合同签订后付30%，发货前付60%，质保金10%。",
        list_total=Decimal("14800.00"),
        discount_total=Decimal("1000.00"),
        total=Decimal("13800.00"),
        status=status,
    )
    QuoteLine.objects.create(
        quote=quote,
        position=1,
        product=cat.extinguisher,
        unit=cat.extinguisher.unit,
        quantity=Decimal("100"),
        list_price=Decimal("120.00"),
        unit_price=Decimal("110.00"),
        discount=Decimal("8.33"),
        amount=Decimal("11000.00"),
    )
    QuoteLine.objects.create(
        quote=quote,
        position=2,
        product=cat.hydrant,
        unit=cat.hydrant.unit,
        quantity=Decimal("4"),
        list_price=Decimal("950.00"),
        unit_price=Decimal("700.00"),
        discount=Decimal("26.32"),
        amount=Decimal("2800.00"),
    )
    return quote


@pytest.fixture
def given(company):
    cat = catalog()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    return cat, customer


def test_an_accepted_quote_becomes_a_draft_without_retyping(company, given):
    cat, customer = given
    quote = accepted_quote(company.rep_e1, customer, cat)
    contract = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    assert contract.source == ContractSource.QUOTE
    assert (contract.customer, contract.quote, contract.title) == (customer, quote, quote.title)
    assert contract.price_date == PRICE_DAY
    assert contract.delivery_date == timezone.localdate() + timedelta(days=20)
    rows = list(
        contract.lines.order_by("position").values_list(
            "product_id", "quantity", "list_price", "unit_price", "amount"
        )
    )
    # the quote's effective price of the hydrant (950) stands, not today's base price (850)
    assert rows == [
        (
            cat.extinguisher.pk,
            Decimal("100"),
            Decimal("120.00"),
            Decimal("110.00"),
            Decimal("11000.00"),
        ),
        (cat.hydrant.pk, Decimal("4"), Decimal("950.00"), Decimal("700.00"), Decimal("2800.00")),
    ]
    assert contract.total == Decimal("13800.00")
    assert "合同签订后付30%" in contract.notes
    assert (contract.installation_required, contract.warranty_months) == (True, 24)
    assert contract.inspection_cycle_months == 12
    assert ContractEvent.objects.get(contract=contract).kind == EventKind.CREATED


def test_quote_prices_survive_an_edit_of_the_draft(company, given):
    cat, customer = given
    base_price(cat.hydrant, "999.00", PRICE_DAY + timedelta(days=1))
    quote = accepted_quote(company.rep_e1, customer, cat)
    contract = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    contract = contract_update(
        actor=company.rep_e1,
        contract=contract,
        expected_version=contract.version,
        data=complete_data(customer, price_date=timezone.localdate()),
        lines=[line(cat.hydrant, "4", "700.00"), line(cat.detector, "10")],
        terms=terms_30_60_10(),
    )
    assert contract.price_date == PRICE_DAY
    assert list(contract.lines.order_by("position").values_list("list_price", flat=True)) == [
        Decimal("950.00"),
        Decimal("260.00"),
    ]


def test_one_contract_per_quote_unless_cancelled(company, given):
    cat, customer = given
    quote = accepted_quote(company.rep_e1, customer, cat)
    first = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    with pytest.raises(ContractExistsForQuote) as exc:
        contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    assert exc.value.extra["contract_id"] == first.pk
    assert Contract.objects.count() == 1
    contract_cancel(actor=company.rep_e1, contract=first)
    second = contract_create_from_quote(actor=company.rep_e1, quote_id=quote.pk)
    assert second.pk != first.pk
    assert second.status == ContractStatus.DRAFT


def test_only_an_accepted_quote_in_scope(company, given):
    cat, customer = given
    approved = accepted_quote(company.rep_e1, customer, cat, status=QuoteStatus.APPROVED)
    with pytest.raises(QuoteNotAccepted):
        contract_create_from_quote(actor=company.rep_e1, quote_id=approved.pk)
    accepted = accepted_quote(company.rep_e1, customer, cat)
    with pytest.raises(NotFound):
        contract_create_from_quote(actor=company.rep_w1, quote_id=accepted.pk)
    assert Contract.objects.count() == 0
