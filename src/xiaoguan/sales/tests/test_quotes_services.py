"""Quote services (R-QUO-2, R-QUO-3): entry with prices from the price system, draft edits,
submission bound by the price approval rule (R-PRC-3), approval through the engine, and the
customer's answer feeding the opportunity."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.core.errors import DocumentImmutable, InvalidTransition, NotFound, StaleEdit
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.pricing.errors import PriceBelowRange, PriceMissing
from xiaoguan.pricing.models import DiscountRule
from xiaoguan.pricing.services.price_requests import price_request_create_for_subject
from xiaoguan.sales.enums import QuoteStatus, Stage
from xiaoguan.sales.errors import QuoteEmpty, QuoteExpired, QuoteInvalid
from xiaoguan.sales.models import Opportunity, Quote, QuoteLine
from xiaoguan.sales.services import quotes as services
from xiaoguan.sales.services.quotes import QuoteData, QuoteLineData
from xiaoguan.sales.tests.factories import make_opportunity
from xiaoguan.sales.tests.quote_factories import (
    float_ranges,
    line,
    make_quote,
    priced_product,
    quote_chain,
)


@pytest.fixture
def setup(company):
    quote_chain()
    float_ranges(sales_rep="5", sales_manager="10")
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    ext = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    hydrant = priced_product("SN65", "室内消火栓", price="333.33", unit="套")
    return company, customer, ext, hydrant


def _approve_all(request_subject_model, subject_pk, company):
    """Every pending step of the approval of one document approved by its approver."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(request_subject_model)
    for _ in range(5):
        task = (
            ApprovalTask.objects.filter(
                request__content_type=ct, request__object_id=subject_pk, status="pending"
            )
            .select_related("approver")
            .first()
        )
        if task is None:
            return
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")


def _snapshot():
    return (
        list(Quote.objects.values_list("pk", "status", "version", "total", "title")),
        list(QuoteLine.objects.values_list("pk", "quantity", "unit_price", "amount")),
    )


# --- create ---------------------------------------------------------------------------------


def test_create_prices_lines_from_the_price_system_and_totals_to_the_cent(setup):
    company, customer, ext, hydrant = setup
    # when
    quote = make_quote(
        company.rep_e1,
        customer,
        [
            line(ext, "3", unit_price="97.00"),
            line(hydrant, "7", discount="3.5", spec="DN65 含箱体"),
        ],
    )
    # then
    quote.refresh_from_db()
    today = timezone.localdate()
    assert quote.number.startswith(f"BJ-{today.year}-")
    assert quote.status == QuoteStatus.DRAFT
    assert quote.owner == company.rep_e1
    assert quote.department == company.depts["T-E1"]
    assert quote.price_date == today
    assert quote.valid_until == today + timedelta(days=30)
    rows = list(
        quote.lines.order_by("position").values_list(
            "position", "list_price", "unit_price", "discount", "amount", "spec"
        )
    )
    # 333.33 × 96.5 % = 321.66345 → 321.66; 7 × 321.66 = 2251.62; discount (333.33−321.66)/333.33
    assert rows == [
        (1, Decimal("100.00"), Decimal("97.00"), Decimal("3.00"), Decimal("291.00"), ""),
        (
            2,
            Decimal("333.33"),
            Decimal("321.66"),
            Decimal("3.50"),
            Decimal("2251.62"),
            "DN65 含箱体",
        ),
    ]
    assert quote.list_total == Decimal("2633.31")  # 300 + 2333.31
    assert quote.total == Decimal("2542.62")
    assert quote.discount_total == Decimal("90.69")


def test_list_price_follows_the_customer_class_discount(setup):
    company, customer, ext, _h = setup
    customer.customer_class = "A"
    customer.save(update_fields=["customer_class"])
    DiscountRule.objects.create(kind="customer_class", customer_class="A", percent=Decimal("8"))
    quote = make_quote(company.rep_e1, customer, [line(ext, "2")])
    assert quote.lines.get().list_price == Decimal("92.00")
    assert quote.total == Decimal("184.00")


def test_validity_from_the_data_and_notes_kept(setup):
    company, customer, ext, _h = setup
    until = timezone.localdate() + timedelta(days=5)
    quote = make_quote(
        company.rep_e1, customer, [line(ext)], valid_until=until, payment_terms="预付30%"
    )
    assert quote.valid_until == until
    assert quote.payment_terms == "预付30%"


@pytest.mark.parametrize(
    ("line_kw", "field"),
    [
        ({"quantity": "0"}, "lines.1.quantity"),
        ({"quantity": "-2"}, "lines.1.quantity"),
        ({"quantity": "abc"}, "lines.1.quantity"),
        ({"unit_price": "0"}, "lines.1.unit_price"),
        ({"unit_price": "-5"}, "lines.1.unit_price"),
        ({"discount": "100"}, "lines.1.discount"),
        ({"discount": "-1"}, "lines.1.discount"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(setup, line_kw, field):
    company, customer, ext, _h = setup
    kw = {"quantity": "1", **line_kw}
    quantity = kw.pop("quantity")
    with pytest.raises(QuoteInvalid) as err:
        make_quote(company.rep_e1, customer, [line(ext, quantity, **kw)])
    assert field in err.value.fields
    assert not Quote.objects.exists()
    assert not QuoteLine.objects.exists()


def test_inactive_product_and_foreign_unit_refused(setup):
    company, customer, ext, hydrant = setup
    ext.is_active = False
    ext.save(update_fields=["is_active"])
    with pytest.raises(QuoteInvalid) as err:
        make_quote(
            company.rep_e1,
            customer,
            [
                line(ext),
                QuoteLineData(product_id=hydrant.pk, unit_id=ext.unit_id, quantity="1"),
            ],
        )
    assert set(err.value.fields) == {"lines.1.product", "lines.2.unit"}
    assert not Quote.objects.exists()


def test_alternative_unit_of_the_product_is_accepted(setup):
    from xiaoguan.catalog.tests.factories import make_product
    from xiaoguan.pricing.models import BasePrice

    company, customer, _e, _h = setup
    boxed = make_product("MFZ-ABC2", "2kg干粉灭火器", alt_units={"箱": 4})
    box = boxed.units.get().unit
    BasePrice.objects.create(
        product=boxed, unit=box, price=Decimal("220"), valid_from=date(2020, 1, 1)
    )
    quote = make_quote(
        company.rep_e1,
        customer,
        [QuoteLineData(product_id=boxed.pk, unit_id=box.pk, quantity="2")],
    )
    assert quote.total == Decimal("440.00")


def test_product_without_price_refused(setup):
    from xiaoguan.catalog.tests.factories import make_product

    company, customer, _e, _h = setup
    bare = make_product("JTY-GD", "点型光电感烟火灾探测器", unit="个")
    with pytest.raises(PriceMissing):
        make_quote(company.rep_e1, customer, [line(bare)])
    assert not Quote.objects.exists()


def test_valid_until_before_the_price_date_refused(setup):
    company, customer, ext, _h = setup
    with pytest.raises(QuoteInvalid) as err:
        make_quote(
            company.rep_e1,
            customer,
            [line(ext)],
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    assert "valid_until" in err.value.fields
    assert not Quote.objects.exists()


def test_out_of_scope_customer_refused(setup):
    company, _c, ext, _h = setup
    west = make_customer(company.rep_w1, "成都某消防工程公司")
    with pytest.raises(NotFound):
        make_quote(company.rep_e1, west, [line(ext)])
    assert not Quote.objects.exists()


def test_opportunity_of_another_customer_or_closed_refused(setup):
    company, customer, ext, _h = setup
    other = make_customer(company.rep_e1, "南京某商场")
    opp = make_opportunity(company.rep_e1, other)
    with pytest.raises(QuoteInvalid) as err:
        make_quote(company.rep_e1, customer, [line(ext)], opportunity_id=opp.pk)
    assert "opportunity" in err.value.fields
    assert not Quote.objects.exists()


def test_cost_estimate_only_from_holders_of_the_confidential_right(setup):
    company, customer, ext, _h = setup
    by_rep = make_quote(company.rep_e1, customer, [line(ext)], cost_estimate="1200")
    assert by_rep.cost_estimate is None
    by_director = make_quote(company.director, customer, [line(ext)], cost_estimate="1200")
    assert by_director.cost_estimate == Decimal("1200.00")


# --- update ---------------------------------------------------------------------------------


def _data(quote, **changes):
    base = {
        "customer_id": quote.customer_id,
        "title": quote.title,
        "valid_until": quote.valid_until,
        "opportunity_id": quote.opportunity_id,
        "payment_terms": quote.payment_terms,
        "notes": quote.notes,
    }
    base.update(changes)
    return QuoteData(**base)


def test_update_replaces_the_lines_and_bumps_the_version(setup):
    company, customer, ext, hydrant = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "1")])
    # when
    updated = services.quote_update(
        actor=company.rep_e1,
        quote=quote,
        expected_version=1,
        data=_data(quote, title="改：消防器材"),
        lines=[line(hydrant, "2"), line(ext, "4", unit_price="99")],
    )
    # then
    assert updated.version == 2
    assert updated.title == "改：消防器材"
    assert list(updated.lines.order_by("position").values_list("product_id", "amount")) == [
        (hydrant.pk, Decimal("666.66")),
        (ext.pk, Decimal("396.00")),
    ]
    assert updated.total == Decimal("1062.66")


def test_stale_edit_refused_and_nothing_changed(setup):
    company, customer, ext, hydrant = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "1")])
    services.quote_update(
        actor=company.rep_e1,
        quote=quote,
        expected_version=1,
        data=_data(quote),
        lines=[line(ext, "2")],
    )
    before = _snapshot()
    with pytest.raises(StaleEdit):
        services.quote_update(
            actor=company.rep_e1,
            quote=quote,
            expected_version=1,
            data=_data(quote, title="另一个人的修改"),
            lines=[line(hydrant, "9")],
        )
    assert _snapshot() == before


def test_bad_line_on_update_leaves_the_old_lines(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "1")])
    before = _snapshot()
    with pytest.raises(QuoteInvalid):
        services.quote_update(
            actor=company.rep_e1,
            quote=quote,
            expected_version=1,
            data=_data(quote),
            lines=[line(ext, "0")],
        )
    assert _snapshot() == before


def test_rep_edit_keeps_the_cost_estimate_the_director_set(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.director, customer, [line(ext)], cost_estimate="800")
    updated = services.quote_update(
        actor=company.rep_e1, quote=quote, expected_version=1, data=_data(quote), lines=[line(ext)]
    )
    assert updated.cost_estimate == Decimal("800.00")


# --- submit ---------------------------------------------------------------------------------


def test_submit_without_lines_refused(setup):
    company, customer, _e, _h = setup
    quote = make_quote(company.rep_e1, customer, [])
    with pytest.raises(QuoteEmpty):
        services.quote_submit(actor=company.rep_e1, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_submit_goes_to_the_manager_and_moves_the_opportunity(setup):
    company, customer, ext, _h = setup
    opp = make_opportunity(company.rep_e1, customer)
    quote = make_quote(
        company.rep_e1, customer, [line(ext, "10", discount="5")], opportunity_id=opp.pk
    )
    # when
    services.quote_submit(actor=company.rep_e1, quote=quote)
    # then
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    assert quote.submitted_at is not None
    task = ApprovalTask.objects.get(request__doc_type="quote")
    assert task.approver == company.mgr_east
    opp.refresh_from_db()
    assert opp.stage == Stage.QUOTE


def test_submit_below_the_range_refused_without_an_approved_request(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "10", unit_price="90")])
    with pytest.raises(PriceBelowRange) as err:
        services.quote_submit(actor=company.rep_e1, quote=quote)
    assert err.value.code == "price_below_range"
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    assert quote.submitted_at is None
    assert not ApprovalTask.objects.filter(request__doc_type="quote").exists()


def test_submit_below_the_range_accepted_with_an_approved_request(setup):
    from xiaoguan.pricing.models import PriceRequest

    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "10", unit_price="90")])
    request = price_request_create_for_subject(
        actor=company.rep_e1, subject_kind="quote", subject_id=quote.pk, reason="竞争对手报价88元"
    )
    _approve_all(PriceRequest, request.pk, company)
    request.refresh_from_db()
    assert request.status == "approved"
    # when
    services.quote_submit(actor=company.rep_e1, quote=quote)
    # then
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL


def test_edit_after_the_price_approval_is_refused_at_submit(setup):
    from xiaoguan.pricing.models import PriceRequest

    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "10", unit_price="90")])
    request = price_request_create_for_subject(
        actor=company.rep_e1, subject_kind="quote", subject_id=quote.pk, reason="竞争对手报价88元"
    )
    _approve_all(PriceRequest, request.pk, company)
    services.quote_update(
        actor=company.rep_e1,
        quote=quote,
        expected_version=1,
        data=_data(quote),
        lines=[line(ext, "10", unit_price="85")],
    )
    with pytest.raises(PriceBelowRange):
        services.quote_submit(actor=company.rep_e1, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


def test_expired_quote_cannot_be_submitted(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    Quote.objects.filter(pk=quote.pk).update(
        price_date=date(2024, 1, 1), valid_until=date(2024, 1, 31)
    )
    with pytest.raises(QuoteExpired):
        services.quote_submit(actor=company.rep_e1, quote=quote)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


def test_submitted_quote_cannot_be_edited(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    services.quote_submit(actor=company.rep_e1, quote=quote)
    before = _snapshot()
    with pytest.raises(DocumentImmutable):
        services.quote_update(
            actor=company.rep_e1,
            quote=quote,
            expected_version=1,
            data=_data(quote),
            lines=[line(ext, "3")],
        )
    assert _snapshot() == before


# --- approval callbacks through the engine ----------------------------------------------------


def test_manager_approval_approves_the_quote(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    services.quote_submit(actor=company.rep_e1, quote=quote)
    _approve_all(Quote, quote.pk, company)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert quote.decided_at is not None


def test_major_quote_needs_management_after_the_manager(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "5000")])  # ¥500,000
    services.quote_submit(actor=company.rep_e1, quote=quote)
    first = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    assert first.approver == company.mgr_east
    approval_decide(task_id=first.pk, actor=company.mgr_east, decision="approve")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    second = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    assert second.approver == company.gm
    approval_decide(task_id=second.pk, actor=company.gm, decision="approve")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED


@pytest.mark.parametrize(("decision", "status"), [("reject", "rejected"), ("return", "returned")])
def test_rejection_and_return(setup, decision, status):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    services.quote_submit(actor=company.rep_e1, quote=quote)
    task = ApprovalTask.objects.get(request__doc_type="quote", status="pending")
    approval_decide(task_id=task.pk, actor=company.mgr_east, decision=decision, comment="价格再议")
    quote.refresh_from_db()
    assert quote.status == status
    assert quote.decided_at is not None
    assert quote.is_editable is (status == "returned")


def test_withdraw_makes_it_a_draft_again(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    services.quote_submit(actor=company.rep_e1, quote=quote)
    services.quote_withdraw(actor=company.rep_e1, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT


# --- the customer's answer ------------------------------------------------------------------


def _approved(company, customer, product, **fields):
    quote = make_quote(company.rep_e1, customer, [line(product)], **fields)
    services.quote_submit(actor=company.rep_e1, quote=quote)
    _approve_all(Quote, quote.pk, company)
    quote.refresh_from_db()
    return quote


def test_accept_moves_the_opportunity_to_negotiation(setup):
    company, customer, ext, _h = setup
    opp = make_opportunity(company.rep_e1, customer)
    quote = _approved(company, customer, ext, opportunity_id=opp.pk)
    services.quote_accept(actor=company.rep_e1, quote=quote)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    assert quote.accepted_at is not None
    opp.refresh_from_db()
    assert opp.stage == Stage.NEGOTIATION


def test_draft_cannot_be_accepted_or_lost(setup):
    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext)])
    with pytest.raises(InvalidTransition):
        services.quote_accept(actor=company.rep_e1, quote=quote)
    with pytest.raises(InvalidTransition):
        services.quote_lose(actor=company.rep_e1, quote=quote, lost_reason="price")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


def test_lost_quote_closes_the_opportunity_when_no_other_quote_is_open(setup):
    company, customer, ext, _h = setup
    opp = make_opportunity(company.rep_e1, customer)
    quote = _approved(company, customer, ext, opportunity_id=opp.pk)
    services.quote_lose(
        actor=company.rep_e1, quote=quote, lost_reason="competitor", note="对手低价"
    )
    quote.refresh_from_db()
    assert (quote.status, quote.lost_reason, quote.outcome_note) == (
        "lost",
        "competitor",
        "对手低价",
    )
    opp.refresh_from_db()
    assert opp.stage == Stage.LOST
    assert opp.lost_reason == "competitor"


def test_lost_quote_leaves_the_opportunity_open_while_another_quote_is(setup):
    company, customer, ext, hydrant = setup
    opp = make_opportunity(company.rep_e1, customer)
    quote = _approved(company, customer, ext, opportunity_id=opp.pk)
    make_quote(company.rep_e1, customer, [line(hydrant)], opportunity_id=opp.pk)
    services.quote_lose(actor=company.rep_e1, quote=quote, lost_reason="price")
    opp.refresh_from_db()
    assert opp.stage == Stage.QUOTE


def test_lost_needs_a_reason(setup):
    company, customer, ext, _h = setup
    quote = _approved(company, customer, ext)
    with pytest.raises(QuoteInvalid) as err:
        services.quote_lose(actor=company.rep_e1, quote=quote, lost_reason="")
    assert "lost_reason" in err.value.fields
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.APPROVED


def test_price_subject_loader_gives_the_quote_lines_to_pricing(setup):
    from xiaoguan.pricing.registries import price_subject_load

    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "2", unit_price="80")])
    subject = price_subject_load(kind="quote", subject_id=quote.pk, user=company.rep_e1)
    assert subject.customer_name == "上海安消消防设备有限公司"
    assert [(x.list_price, x.unit_price) for x in subject.lines] == [
        (Decimal("100.00"), Decimal("80.00"))
    ]
    assert price_subject_load(kind="quote", subject_id=quote.pk, user=company.rep_w1) is None
    assert Opportunity.objects.count() == 0


def test_the_history_shows_times_as_dates_not_database_values(setup):
    # given a submitted quote
    from django.utils import translation

    from xiaoguan.core.history import history_rows

    company, customer, ext, _h = setup
    quote = make_quote(company.rep_e1, customer, [line(ext, "10")])
    services.quote_submit(actor=company.rep_e1, quote=quote)
    quote.refresh_from_db()
    # when
    with translation.override("en"):
        rows = history_rows(quote)
        changes = [c for row in rows for c in row["changes"]]
        shown = [c["new"] for c in changes if str(c["field"]) == "submitted"]
    # then the submission time reads like the rest of the page (no ISO timestamp)
    assert shown and "+00:00" not in shown[0]
    assert str(timezone.localtime(quote.submitted_at).year) in shown[0]
