"""Price approval requests (R-PRC-2, R-PRC-3): the float range, the binding of an approval to
the exact lines it approved, filing, approval through the engine, rejection, withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiaoguan.approvals.errors import SelfApprovalRefused
from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services import approval_decide, delegation_create
from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.errors import (
    PriceBelowRange,
    PriceRequestAlreadyApproved,
    PriceRequestInvalid,
    PriceRequestNotNeeded,
    PriceRequestPending,
)
from xiaoguan.pricing.models import PriceRequest, PriceRequestLine
from xiaoguan.pricing.selectors.price_requests import price_fingerprint
from xiaoguan.pricing.services.price_requests import (
    lines_below_range,
    price_approval_check,
    price_request_cancel,
    price_request_create,
)
from xiaoguan.pricing.tests.test_price_requests_support import (
    english_fixture,  # noqa: F401  (the english fixture)
    float_range,
    line,
    make_product,
    pricing_setup_fixture,  # noqa: F401  (the pricing_setup fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = Decimal


def _file(company, lines, *, owner=None, actor=None, subject_id=1, reason="竞品报价低 8%"):
    owner = owner or company.rep_e1
    return price_request_create(
        actor=actor or owner,
        subject_kind="quote",
        subject_id=subject_id,
        subject_label="Q-2026-000001 办公楼消防",
        customer_id=42,
        customer_name="华东建设",
        owner=owner,
        department=owner.department,
        lines=lines,
        reason=reason,
    )


def _decide(request, user, decision="approve", comment=""):
    task = ApprovalTask.objects.get(
        request__object_id=request.pk,
        request__doc_type="price_request",
        approver=user,
        status="pending",
    )
    return approval_decide(task_id=task.pk, actor=user, decision=decision, comment=comment)


def _approve_all(company, request):
    _decide(request, company.mgr_east)
    _decide(request, company.gm)
    request.refresh_from_db()
    return request


# --- the float range ---------------------------------------------------------------------


def test_a_price_exactly_at_the_floor_is_allowed_and_a_cent_below_is_not(company, pricing_setup):
    # given a rep whose range is 5 % and a list price of ¥100.00 (floor ¥95.00)
    p = pricing_setup
    # when / then
    assert lines_below_range(owner=company.rep_e1, lines=[line(p, "10", "100.00", "95.00")]) == []
    below = lines_below_range(owner=company.rep_e1, lines=[line(p, "10", "100.00", "94.99")])
    assert len(below) == 1
    assert below[0].floor_price == D("95.00")
    assert below[0].discount == D("5.01")
    assert below[0].allowed_discount == D("5")
    assert below[0].below_by == D("0.01")


def test_the_floor_is_rounded_to_the_cent(company, pricing_setup):
    # given a list price of ¥33.33 and a 5 % range: 31.6635 → floor ¥31.66
    p = pricing_setup
    assert lines_below_range(owner=company.rep_e1, lines=[line(p, "1", "33.33", "31.66")]) == []
    below = lines_below_range(owner=company.rep_e1, lines=[line(p, "1", "33.33", "31.65")])
    assert [b.floor_price for b in below] == [D("31.66")]


def test_the_widest_range_of_the_users_roles_wins(company, pricing_setup):
    # given a rep who is also a sales manager (10 %)
    p = pricing_setup
    rep = company.rep_e1
    from xiaoguan.org.models import Role

    rep.roles.add(Role.objects.get(code="sales_manager"))
    # when / then: 8 % below is within 10 %
    assert lines_below_range(owner=rep, lines=[line(p, "1", "100.00", "92.00")]) == []
    assert lines_below_range(owner=rep, lines=[line(p, "1", "100.00", "89.99")]) != []


def test_a_role_without_a_range_may_not_go_below_the_effective_price(company, pricing_setup):
    p = pricing_setup
    below = lines_below_range(owner=company.assistant, lines=[line(p, "1", "100.00", "99.99")])
    assert [b.allowed_discount for b in below] == [D("0")]


def test_the_manager_has_a_wider_range_than_the_rep(company, pricing_setup):
    p = pricing_setup
    lines = [line(p, "1", "100.00", "91.00")]
    assert len(lines_below_range(owner=company.rep_e1, lines=lines)) == 1
    assert lines_below_range(owner=company.mgr_east, lines=lines) == []


# --- the check that submit services call -------------------------------------------------


def test_the_check_passes_when_every_line_is_within_the_range(company, pricing_setup):
    p = pricing_setup
    price_approval_check(
        subject_kind="quote", subject_id=1, owner=company.rep_e1, lines=[line(p, "5", "100", "95")]
    )


def test_the_check_refuses_a_line_below_the_range_naming_it(company, pricing_setup):
    p = pricing_setup
    with pytest.raises(PriceBelowRange) as exc:
        price_approval_check(
            subject_kind="quote",
            subject_id=1,
            owner=company.rep_e1,
            lines=[line(p, "5", "100", "95"), line(p, "2", "100", "90")],
        )
    assert exc.value.code == "price_below_range"
    assert exc.value.status == 422
    message = str(exc.value.message)
    assert "干粉灭火器 MFZ/ABC4" in message
    assert "¥90.00" in message
    assert "price approval request" in message
    assert "95.00" not in message  # the floor price is not in the message
    assert exc.value.extra["lines"] == [
        {
            "product_id": p.pk,
            "unit_id": p.unit_id,
            "quantity": "2",
            "unit_price": "90.00",
            "discount": "10.00",
            "below_range_by": "5.00",
        }
    ]


def test_an_approved_request_covers_exactly_its_lines(company, pricing_setup):
    # given an approved request for one line 10 % below
    p = pricing_setup
    within = line(p, "5", "100", "96")
    below = line(p, "2", "100", "90")
    request = _approve_all(company, _file(company, [within, below]))
    assert request.status == ApprovalDocStatus.APPROVED
    # then the same lines pass, in any order, and within-range lines may change
    check = {"subject_kind": "quote", "subject_id": 1, "owner": company.rep_e1}
    price_approval_check(**check, lines=[within, below])
    price_approval_check(**check, lines=[below, within])
    price_approval_check(**check, lines=[below, line(p, "50", "100", "97")])
    price_approval_check(**check, lines=[below])


@pytest.mark.parametrize(
    "changed",
    [
        "quantity",
        "price",
        "new_line_below",
        "product",
    ],
)
def test_any_change_to_an_approved_line_needs_a_new_request(company, pricing_setup, changed):
    p = pricing_setup
    other = make_product(code="SN65", name="室内消火栓", model="SN65")
    below = line(p, "2", "100", "90")
    _approve_all(company, _file(company, [below]))
    lines = {
        "quantity": [line(p, "3", "100", "90")],
        "price": [line(p, "2", "100", "89")],
        "new_line_below": [below, line(p, "1", "100", "94")],
        "product": [line(other, "2", "100", "90")],
    }[changed]
    with pytest.raises(PriceBelowRange) as exc:
        price_approval_check(subject_kind="quote", subject_id=1, owner=company.rep_e1, lines=lines)
    assert "approved prices were for different lines or prices" in str(exc.value.message)
    assert exc.value.extra["approval_stale"] is True


def test_an_approval_of_another_document_does_not_cover_this_one(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    _approve_all(company, _file(company, [below], subject_id=1))
    with pytest.raises(PriceBelowRange):
        price_approval_check(
            subject_kind="quote", subject_id=2, owner=company.rep_e1, lines=[below]
        )
    with pytest.raises(PriceBelowRange):
        price_approval_check(
            subject_kind="contract", subject_id=1, owner=company.rep_e1, lines=[below]
        )


def test_a_pending_or_rejected_request_does_not_cover(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    request = _file(company, [below])
    with pytest.raises(PriceBelowRange) as exc:
        price_approval_check(
            subject_kind="quote", subject_id=1, owner=company.rep_e1, lines=[below]
        )
    assert "waiting for approval" in str(exc.value.message)
    _decide(request, company.mgr_east, "reject", "太低")
    with pytest.raises(PriceBelowRange):
        price_approval_check(
            subject_kind="quote", subject_id=1, owner=company.rep_e1, lines=[below]
        )


def test_the_fingerprint_ignores_order_and_normalises_figures():
    class L:
        def __init__(self, p, u, q, price):
            self.product_id, self.unit_id, self.quantity, self.unit_price = p, u, D(q), D(price)

    a = price_fingerprint(
        subject_kind="quote", subject_id=1, lines=[L(1, 2, "3", "9.5"), L(4, 2, "1", "7")]
    )
    b = price_fingerprint(
        subject_kind="quote", subject_id=1, lines=[L(4, 2, "1.000", "7.00"), L(1, 2, "3.0", "9.50")]
    )
    assert a == b
    assert a != price_fingerprint(
        subject_kind="quote", subject_id=2, lines=[L(1, 2, "3", "9.5"), L(4, 2, "1", "7")]
    )
    assert len(a) == 64


# --- filing --------------------------------------------------------------------------------


def test_filing_stores_the_lines_below_the_range_and_submits_to_the_manager(company, pricing_setup):
    # given a quote with one line within the range and two below
    p = pricing_setup
    lines = [line(p, "5", "100", "96"), line(p, "2", "100", "90"), line(p, "10", "120", "100")]
    # when the rep files a request
    request = _file(company, lines)
    # then
    assert request.status == ApprovalDocStatus.IN_APPROVAL
    assert request.number.startswith("PR-")
    assert request.owner == company.rep_e1
    assert request.department == company.depts["T-E1"]
    assert request.max_discount == D("16.67")
    assert request.amount == D("1180.00")  # 2 × 90 + 10 × 100
    assert request.submitted_at is not None
    rows = list(
        PriceRequestLine.objects.filter(request=request)
        .order_by("pk")
        .values_list("quantity", "effective_price", "floor_price", "requested_price", "discount")
    )
    assert rows == [
        (D("2.000"), D("100.00"), D("95.00"), D("90.00"), D("10.00")),
        (D("10.000"), D("120.00"), D("114.00"), D("100.00"), D("16.67")),
    ]
    approval = ApprovalRequest.objects.get(doc_type="price_request", object_id=request.pk)
    assert approval.requested_by == company.rep_e1
    assert approval.discount == D("16.67")
    assert approval.amount == D("1180.00")
    assert [t.approver for t in approval.tasks.all()] == [company.mgr_east]
    assert [s["name"] for s in approval.plan] == ["销售经理审核", "总经理审批"]


def _nothing_filed():
    assert PriceRequest.objects.count() == 0
    assert PriceRequestLine.objects.count() == 0
    assert ApprovalRequest.objects.filter(doc_type="price_request").count() == 0


def test_filing_is_refused_when_no_line_is_below_the_range(company, pricing_setup):
    p = pricing_setup
    with pytest.raises(PriceRequestNotNeeded) as exc:
        _file(company, [line(p, "5", "100", "95")])
    assert exc.value.code == "price_request_not_needed"
    _nothing_filed()


def test_filing_is_refused_without_a_reason(company, pricing_setup):
    p = pricing_setup
    with pytest.raises(PriceRequestInvalid) as exc:
        _file(company, [line(p, "5", "100", "80")], reason="   ")
    assert "reason" in exc.value.fields
    _nothing_filed()


@pytest.mark.parametrize("bad", [("0", "100", "80"), ("1", "100", "0"), ("-1", "100", "80")])
def test_filing_is_refused_for_zero_or_negative_figures(company, pricing_setup, bad):
    p = pricing_setup
    with pytest.raises(PriceRequestInvalid):
        _file(company, [line(p, *bad)])
    _nothing_filed()


def test_a_second_request_while_one_is_pending_is_refused(company, pricing_setup):
    p = pricing_setup
    first = _file(company, [line(p, "2", "100", "90")])
    with pytest.raises(PriceRequestPending) as exc:
        _file(company, [line(p, "2", "100", "85")])
    assert exc.value.status == 409
    assert list(PriceRequest.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_same_prices_already_approved_are_not_filed_again(company, pricing_setup):
    p = pricing_setup
    _approve_all(company, _file(company, [line(p, "2", "100", "90")]))
    with pytest.raises(PriceRequestAlreadyApproved):
        _file(company, [line(p, "2", "100", "90")])
    assert PriceRequest.objects.count() == 1
    # other prices may be filed: the old approval no longer covers them
    second = _file(company, [line(p, "2", "100", "88")])
    assert second.status == ApprovalDocStatus.IN_APPROVAL


def test_only_quotes_and_contracts_have_price_requests(company, pricing_setup):
    p = pricing_setup
    with pytest.raises(PriceRequestInvalid):
        price_request_create(
            actor=company.rep_e1,
            subject_kind="order",
            subject_id=1,
            subject_label="x",
            customer_id=1,
            customer_name="x",
            owner=company.rep_e1,
            department=company.rep_e1.department,
            lines=[line(p, "1", "100", "50")],
            reason="x",
        )
    _nothing_filed()


# --- approval, rejection, cancellation ------------------------------------------------------


def test_the_manager_then_management_approve_and_the_owner_is_told(company, pricing_setup):
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    _decide(request, company.mgr_east)
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.IN_APPROVAL
    _decide(request, company.gm)
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.APPROVED
    assert request.decided_at is not None
    # the rep filed it: the approval engine tells them, once
    told = Notification.objects.filter(recipient=company.rep_e1)
    assert [n.kind for n in told] == ["approvals.approved"]
    assert request.number in told[0].title


def test_the_owner_is_told_when_someone_else_filed_for_them(company, pricing_setup):
    # given the manager filed the request for the rep's quote
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")], actor=company.mgr_east)
    # when every step approves
    while request.status == ApprovalDocStatus.IN_APPROVAL:
        task = ApprovalTask.objects.filter(
            request__object_id=request.pk, request__doc_type="price_request", status="pending"
        ).first()
        approval_decide(task_id=task.pk, actor=task.approver, decision="approve")
        request.refresh_from_db()
    # then the rep hears it from pricing
    assert request.status == ApprovalDocStatus.APPROVED
    told = Notification.objects.get(recipient=company.rep_e1, kind="pricing.price_request")
    assert told.title == f"Price request {request.number} approved: Q-2026-000001 办公楼消防"
    assert told.url == f"/pricing/price-requests/{request.pk}/"


def test_a_rejected_request_is_closed_and_the_owner_is_told(company, pricing_setup):
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    _decide(request, company.mgr_east, "reject", "价格太低")
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.REJECTED
    assert request.decided_at is not None
    assert [n.kind for n in Notification.objects.filter(recipient=company.rep_e1)] == [
        "approvals.rejected"
    ]
    # a new request may then be filed
    assert _file(company, [line(p, "2", "100", "92")]).status == ApprovalDocStatus.IN_APPROVAL


def test_a_returned_request_can_be_followed_by_a_new_one(company, pricing_setup):
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    _decide(request, company.mgr_east, "return", "请补充竞品报价")
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.RETURNED
    assert _file(company, [line(p, "2", "100", "90")]).status == ApprovalDocStatus.IN_APPROVAL


def test_the_filer_withdraws_a_pending_request(company, pricing_setup):
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    result = price_request_cancel(actor=company.rep_e1, request=request)
    assert result.status == ApprovalDocStatus.CANCELLED
    approval = ApprovalRequest.objects.get(doc_type="price_request", object_id=request.pk)
    assert approval.status == "cancelled"
    assert not ApprovalTask.objects.filter(request=approval, status="pending").exists()


def test_a_cancelled_approval_no_longer_covers_the_prices(company, pricing_setup):
    p = pricing_setup
    below = line(p, "2", "100", "90")
    request = _approve_all(company, _file(company, [below]))
    price_request_cancel(actor=company.rep_e1, request=request, reason="客户取消")
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.CANCELLED
    with pytest.raises(PriceBelowRange):
        price_approval_check(
            subject_kind="quote", subject_id=1, owner=company.rep_e1, lines=[below]
        )


def test_someone_else_cannot_cancel_a_request(company, pricing_setup):
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    with pytest.raises(PermissionDenied):
        price_request_cancel(actor=company.rep_e1b, request=request)
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.IN_APPROVAL


def test_a_rejected_request_cannot_be_cancelled(company, pricing_setup):
    from xiaoguan.core.errors import Conflict

    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "90")])
    _decide(request, company.mgr_east, "reject", "不行")
    with pytest.raises(Conflict):
        price_request_cancel(actor=company.rep_e1, request=request)
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.REJECTED


# --- nobody approves their own prices -------------------------------------------------------


def test_the_owner_is_never_an_approver_of_their_own_request(company, pricing_setup):
    # given the manager files a request for their own quote (their manager is the director)
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "80")], owner=company.mgr_east)
    approval = ApprovalRequest.objects.get(doc_type="price_request", object_id=request.pk)
    assert [t.approver for t in approval.tasks.all()] == [company.director]


def test_the_owner_cannot_approve_on_behalf_of_their_approver(company, pricing_setup):
    # given the manager delegated approvals to the rep who filed the request
    from datetime import timedelta

    from django.utils import timezone

    p = pricing_setup
    today = timezone.localdate()
    delegation_create(
        actor=company.mgr_east,
        to_user=company.rep_e1,
        start_date=today,
        end_date=today + timedelta(days=3),
    )
    request = _file(company, [line(p, "2", "100", "90")])
    task = ApprovalTask.objects.get(
        request__object_id=request.pk, request__doc_type="price_request"
    )
    # when the rep tries to approve their own request on the manager's behalf
    with pytest.raises(SelfApprovalRefused):
        approval_decide(task_id=task.pk, actor=company.rep_e1, decision="approve")
    # then nothing changed
    request.refresh_from_db()
    task.refresh_from_db()
    assert request.status == ApprovalDocStatus.IN_APPROVAL
    assert task.status == "pending"


def test_a_manager_filing_for_a_reps_quote_cannot_approve_it(company, pricing_setup):
    # given the manager files the request for the rep's quote
    p = pricing_setup
    request = _file(company, [line(p, "2", "100", "80")], actor=company.mgr_east)
    approval = ApprovalRequest.objects.get(doc_type="price_request", object_id=request.pk)
    # then the first step falls to someone else than the filer
    assert company.mgr_east not in [t.approver for t in approval.tasks.all()]
    # and the rep (the owner) is never asked
    assert company.rep_e1 not in [t.approver for t in approval.tasks.all()]


def test_changing_the_range_changes_what_is_below_it(company, pricing_setup):
    p = pricing_setup
    lines = [line(p, "1", "100", "93")]
    assert len(lines_below_range(owner=company.rep_e1, lines=lines)) == 1
    float_range("sales_rep", "8")
    assert lines_below_range(owner=company.rep_e1, lines=lines) == []


# --- the price subject registry -------------------------------------------------------------


def test_a_kind_is_registered_once_and_an_unknown_kind_loads_nothing(monkeypatch, company):
    from xiaoguan.pricing import registries

    monkeypatch.setattr(registries, "_loaders", {})

    def loader(subject_id, user):
        return None

    registries.register_price_subject("quote", loader)
    registries.register_price_subject("quote", loader)  # the same loader again is harmless
    with pytest.raises(ValueError):
        registries.register_price_subject("quote", lambda subject_id, user: None)
    assert registries.price_subject_kinds() == ["quote"]
    assert registries.price_subject_load(kind="contract", subject_id=1, user=company.gm) is None
