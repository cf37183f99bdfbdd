"""A document drafted from another (a contract from a quote) is covered by the source's
approved price request when its lines below the range are exactly the approved lines and the
request was filed for the same customer (R-PRC-3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.pricing.errors import PriceBelowRange
from xiaoguan.pricing.services.price_requests import (
    PriceSource,
    price_approval_check,
    price_approval_cover,
    price_request_create,
)
from xiaoguan.pricing.tests.test_price_requests_support import (
    english_fixture,  # noqa: F401  (the english fixture)
    line,
    make_product,
    pricing_setup_fixture,  # noqa: F401  (the pricing_setup fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal
CUSTOMER = 42
QUOTE = 7
CONTRACT = 9


def _approved_quote_request(company, lines):
    """Quote 7 of rep_e1 for customer 42, its request approved by the manager and the GM."""
    owner = company.rep_e1
    request = price_request_create(
        actor=owner,
        subject_kind="quote",
        subject_id=QUOTE,
        subject_label="BJ-2026-000007 办公楼消防",
        customer_id=CUSTOMER,
        customer_name="华东建设",
        owner=owner,
        department=owner.department,
        lines=lines,
        reason="竞品报价低 8%",
    )
    for approver in (company.mgr_east, company.gm):
        task = ApprovalTask.objects.get(
            request__object_id=request.pk,
            request__doc_type="price_request",
            approver=approver,
            status="pending",
        )
        approval_decide(task_id=task.pk, actor=approver, decision="approve")
    request.refresh_from_db()
    return request


def _check(company, lines, *, source=None):
    return price_approval_check(
        subject_kind="contract",
        subject_id=CONTRACT,
        owner=company.rep_e1,
        lines=lines,
        source=source,
    )


def _quote_source(customer_id=CUSTOMER, quote_id=QUOTE):
    return PriceSource(kind="quote", id=quote_id, customer_id=customer_id)


def test_the_same_lines_are_covered_by_the_quotes_approval(company, pricing_setup):
    # given the quote's approval of one line 10 % below a rep's 5 % range
    p = pricing_setup
    below, within = line(p, "2", "100", "90"), line(p, "5", "100", "97")
    request = _approved_quote_request(company, [within, below])
    # when the contract has the same line below the range, within-range lines changed
    covering = _check(company, [line(p, "9", "100", "96"), below], source=_quote_source())
    # then
    assert covering == request
    cover = price_approval_cover(
        subject_kind="contract",
        subject_id=CONTRACT,
        owner=company.rep_e1,
        lines=[below],
        source=_quote_source(),
    )
    assert (cover.request, cover.inherited) == (request, True)


def test_without_the_source_the_quotes_approval_does_not_count(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    _approved_quote_request(company, [below])
    with pytest.raises(PriceBelowRange) as exc:
        _check(company, [below])
    assert exc.value.extra["approval_stale"] is False


@pytest.mark.parametrize(
    "changed",
    [("2", "89.99"), ("3", "90"), ("1", "90")],
    ids=["price", "more", "fewer"],
)
def test_a_changed_line_is_not_covered_and_the_refusal_names_the_approval(
    company, pricing_setup, changed
):
    p = pricing_setup
    request = _approved_quote_request(company, [line(p, "2", "100", "90")])
    quantity, price = changed
    with pytest.raises(PriceBelowRange) as exc:
        _check(company, [line(p, quantity, "100", price)], source=_quote_source())
    assert (
        f"The prices approved with BJ-2026-000007 办公楼消防 ({request.number}) were for "
        "different lines or prices" in exc.value.message
    )
    assert exc.value.extra["approval_stale"] is True


def test_another_product_or_a_dropped_approved_line_is_not_covered(company, pricing_setup):
    p = pricing_setup
    other = make_product(code="MFZ-ABC8", name="干粉灭火器 8kg", model="MFZ/ABC8")
    first, second = line(p, "2", "100", "90"), line(p, "4", "100", "85")
    _approved_quote_request(company, [first, second])
    with pytest.raises(PriceBelowRange):
        _check(company, [line(other, "2", "100", "90"), second], source=_quote_source())
    # the approvers judged the lines together: one of them dropped needs a new request
    with pytest.raises(PriceBelowRange):
        _check(company, [second], source=_quote_source())


def test_a_new_line_below_the_range_is_not_covered(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    _approved_quote_request(company, [below])
    with pytest.raises(PriceBelowRange):
        _check(company, [below, line(p, "1", "200", "150")], source=_quote_source())


def test_an_approval_for_another_customer_or_quote_does_not_cover(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    _approved_quote_request(company, [below])
    with pytest.raises(PriceBelowRange) as exc:
        _check(company, [below], source=_quote_source(customer_id=CUSTOMER + 1))
    # nothing was approved for that customer: no "different lines" hint either
    assert exc.value.extra["approval_stale"] is False
    with pytest.raises(PriceBelowRange):
        _check(company, [below], source=_quote_source(quote_id=QUOTE + 1))
