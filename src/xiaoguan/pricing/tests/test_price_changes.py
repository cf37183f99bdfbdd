"""Price changes through the approval engine, and the management price list load."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.core.errors import Conflict, PermissionDenied, StaleEdit
from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.errors import PriceChangeInvalid
from xiaoguan.pricing.models import BasePrice, PriceChange
from xiaoguan.pricing.selectors.prices import effective_price
from xiaoguan.pricing.services.prices import (
    BasePriceRow,
    PriceChangeData,
    PriceChangeLineData,
    base_prices_load,
    price_change_cancel,
    price_change_create,
    price_change_submit,
    price_change_update,
    price_change_withdraw,
)
from xiaoguan.pricing.tests import factories as f

D = Decimal
pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def product(company):
    p = f.product()
    f.base_price(p, "100.00", date(2026, 1, 1), cost="60.00")
    return p


def make_change(actor, product, price="120.00", when=None, cost=None):
    return price_change_create(
        actor=actor,
        data=PriceChangeData(
            reason="原材料涨价", effective_from=when or today() + timedelta(days=3)
        ),
        lines=[PriceChangeLineData(product.pk, product.unit_id, price, cost)],
    )


def task_of(change, user):
    return ApprovalTask.objects.get(
        request__object_id=change.pk,
        request__doc_type="price_change",
        approver=user,
        status="pending",
    )


def test_create_records_old_price_and_number(company, product):
    change = make_change(company.mgr_east, product)
    assert change.status == ApprovalDocStatus.DRAFT
    assert change.number.startswith("TJ-")
    line = change.lines.get()
    assert (line.old_price, line.new_price, line.new_cost) == (D("100.00"), D("120.00"), None)


def test_approved_change_takes_effect_on_its_day(company, product):
    default_chains_ensure()
    when = today() + timedelta(days=3)
    change = make_change(company.mgr_east, product, when=when)
    price_change_submit(actor=company.mgr_east, change=change)
    assert BasePrice.objects.count() == 1  # nothing in force before approval
    approval_decide(task_id=task_of(change, company.gm).pk, actor=company.gm, decision="approve")
    change.refresh_from_db()
    assert change.status == ApprovalDocStatus.APPROVED and change.decided_at
    row = BasePrice.objects.get(valid_from=when)
    assert (row.price, row.cost_price, row.change_id) == (D("120.00"), D("60.00"), change.pk)
    p = {
        "product_id": product.pk,
        "unit_id": product.unit_id,
        "quantity": D(1),
        "customer_class": "C",
    }
    assert effective_price(**p, on_date=when - timedelta(days=1)).price == D("100.00")
    assert effective_price(**p, on_date=when).price == D("120.00")


def test_change_whose_day_passed_takes_effect_today(company, product):
    default_chains_ensure()
    change = make_change(company.mgr_east, product, when=today())
    price_change_submit(actor=company.mgr_east, change=change)
    PriceChange.objects.filter(pk=change.pk).update(effective_from=today() - timedelta(days=5))
    approval_decide(task_id=task_of(change, company.gm).pk, actor=company.gm, decision="approve")
    assert BasePrice.objects.get(change=change).valid_from == today()


def test_rejected_change_writes_nothing(company, product):
    default_chains_ensure()
    change = make_change(company.mgr_east, product)
    price_change_submit(actor=company.mgr_east, change=change)
    approval_decide(
        task_id=task_of(change, company.gm).pk, actor=company.gm, decision="reject", comment="不行"
    )
    change.refresh_from_db()
    assert change.status == ApprovalDocStatus.REJECTED
    assert BasePrice.objects.count() == 1


def test_returned_change_can_be_edited_and_resubmitted(company, product):
    default_chains_ensure()
    change = make_change(company.mgr_east, product)
    price_change_submit(actor=company.mgr_east, change=change)
    approval_decide(
        task_id=task_of(change, company.gm).pk, actor=company.gm, decision="return", comment="改"
    )
    change.refresh_from_db()
    assert change.status == ApprovalDocStatus.RETURNED
    change = price_change_update(
        actor=company.mgr_east,
        change=change,
        expected_version=change.version,
        data=PriceChangeData(reason="改后", effective_from=change.effective_from),
        lines=[PriceChangeLineData(product.pk, product.unit_id, "110.00")],
    )
    price_change_submit(actor=company.mgr_east, change=change)
    approval_decide(task_id=task_of(change, company.gm).pk, actor=company.gm, decision="approve")
    assert BasePrice.objects.get(change=change).price == D("110.00")


def test_approval_by_someone_without_the_policy_right_is_refused(company, product):
    """Even if management changes the chain to the manager, a change needs management."""
    from xiaoguan.approvals.services import approval_chain_create

    approval_chain_create(
        actor=company.gm,
        doc_type="price_change",
        name="错误",
        steps=[{"name": "上级", "rule": "owner_manager", "mode": "any"}],
    )
    change = make_change(company.mgr_east, product)
    price_change_submit(actor=company.mgr_east, change=change)
    task = task_of(change, company.director)
    with pytest.raises(PermissionDenied):
        approval_decide(task_id=task.pk, actor=company.director, decision="approve")
    change.refresh_from_db()
    assert change.status == ApprovalDocStatus.IN_APPROVAL
    assert BasePrice.objects.count() == 1
    task.refresh_from_db()
    assert task.status == "pending"


def test_withdraw_and_cancel(company, product):
    default_chains_ensure()
    change = make_change(company.mgr_east, product)
    price_change_submit(actor=company.mgr_east, change=change)
    change = price_change_withdraw(actor=company.mgr_east, change=change)
    assert change.status == ApprovalDocStatus.DRAFT
    change = price_change_cancel(actor=company.mgr_east, change=change)
    assert change.status == ApprovalDocStatus.CANCELLED
    with pytest.raises(Conflict):
        price_change_submit(actor=company.mgr_east, change=change)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (("P", "U", "120"), "lines.1.product"),
        ((None, None, "0"), "lines.1.new_price"),
        ((None, None, "-5"), "lines.1.new_price"),
        ((None, None, "1.001"), "lines.1.new_price"),
        ((None, None, "abc"), "lines.1.new_price"),
        ((None, 999999, "10"), "lines.1.unit"),
    ],
)
def test_bad_lines_are_refused_and_nothing_saved(company, product, line, field):
    pid = product.pk if line[0] is None else line[0]
    uid = product.unit_id if line[1] is None else line[1]
    with pytest.raises(PriceChangeInvalid) as exc:
        price_change_create(
            actor=company.mgr_east,
            data=PriceChangeData(reason="x", effective_from=today()),
            lines=[PriceChangeLineData(pid, uid, line[2])],
        )
    assert field in exc.value.fields
    assert PriceChange.objects.count() == 0


def test_bad_header_is_refused(company, product):
    for data, field in [
        (PriceChangeData(reason="", effective_from=today()), "reason"),
        (PriceChangeData(reason="x", effective_from=None), "effective_from"),
        (PriceChangeData(reason="x", effective_from=today() - timedelta(days=1)), "effective_from"),
    ]:
        with pytest.raises(PriceChangeInvalid) as exc:
            price_change_create(
                actor=company.mgr_east,
                data=data,
                lines=[PriceChangeLineData(product.pk, product.unit_id, "1")],
            )
        assert field in exc.value.fields
    with pytest.raises(PriceChangeInvalid):
        price_change_create(actor=company.mgr_east, data=PriceChangeData("x", today()), lines=[])
    dup = [PriceChangeLineData(product.pk, product.unit_id, "1")] * 2
    with pytest.raises(PriceChangeInvalid):
        price_change_create(actor=company.mgr_east, data=PriceChangeData("x", today()), lines=dup)
    assert PriceChange.objects.count() == 0


def test_rep_cannot_propose_and_manager_cannot_set_cost(company, product):
    with pytest.raises(PermissionDenied):
        make_change(company.rep_e1, product)
    with pytest.raises(PermissionDenied):
        make_change(company.mgr_east, product, cost="50.00")
    change = make_change(company.director, product, cost="50.00")
    assert change.lines.get().new_cost == D("50.00")
    assert PriceChange.objects.count() == 1


def test_stale_edit_and_foreign_change(company, product):
    change = make_change(company.mgr_east, product)
    with pytest.raises(StaleEdit):
        price_change_update(
            actor=company.mgr_east,
            change=change,
            expected_version=change.version - 1,
            data=PriceChangeData("y", change.effective_from),
            lines=[PriceChangeLineData(product.pk, product.unit_id, "1")],
        )
    from xiaoguan.core.errors import NotFound

    with pytest.raises(NotFound):
        price_change_submit(actor=company.mgr_west, change=change)
    assert PriceChange.objects.get().version == change.version


def test_base_prices_load_needs_policy_and_is_audited(company, product):
    rows = [BasePriceRow(product.pk, product.unit_id, "130.00", "70.00")]
    with pytest.raises(PermissionDenied):
        base_prices_load(actor=company.director, rows=rows, valid_from=date(2026, 2, 1))
    assert base_prices_load(actor=company.gm, rows=rows, valid_from=date(2026, 2, 1)) == 1
    row = BasePrice.objects.get(valid_from=date(2026, 2, 1))
    assert (row.price, row.cost_price) == (D("130.00"), D("70.00"))
    event = AuditEvent.objects.get(kind=AuditKind.IMPORT)
    assert event.actor_id == company.gm.pk and event.detail["rows"] == 1
    # A bad row refuses the whole load
    bad = [*rows, BasePriceRow(product.pk, 999999, "1")]
    with pytest.raises(PriceChangeInvalid):
        base_prices_load(actor=company.gm, rows=bad, valid_from=date(2026, 3, 1))
    assert not BasePrice.objects.filter(valid_from=date(2026, 3, 1)).exists()
