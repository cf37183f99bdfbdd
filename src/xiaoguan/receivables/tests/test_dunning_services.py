"""Dunning (R-AR-3): logging actions with their refusals, the next steps due, the escalation
to legal (by hand, once per customer while open), and the idempotent reminders job."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoguan.core import policy
from xiaoguan.core.errors import NotFound, PermissionDenied, ValidationFailed
from xiaoguan.core.models import Notification
from xiaoguan.org.department_tasks import department_task_complete
from xiaoguan.org.models import DepartmentTask
from xiaoguan.receivables.models import DunningAction
from xiaoguan.receivables.selectors.dunning import customer_dunning_panel, next_steps_due
from xiaoguan.receivables.services.dunning import (
    LEGAL_TASK_KIND,
    DunningData,
    collection_send_reminders,
    dunning_action_log,
    legal_escalate,
)
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment


def _data(customer, **kw):
    values = {
        "customer_id": customer.pk,
        "kind": "phone",
        "done_on": timezone.localdate(),
        "outcome": "财务说月底付款",
        "contact": "张会计",
    }
    values.update(kw)
    return DunningData(**values)


def test_log_an_action_on_an_instalment(company):
    c = contract(company.rep_e1)
    inst = instalment(c, "3000.00")
    today = timezone.localdate()
    action = dunning_action_log(
        actor=company.mgr_east,
        data=_data(
            c.customer,
            instalment_id=inst.pk,
            promised_on=today + timedelta(days=10),
            promised_amount="1500.00",
            next_step="到期未付则发催款函",
            next_on=today + timedelta(days=11),
        ),
    )
    assert action.contract_id == c.pk  # taken from the instalment
    assert action.owner_id == company.rep_e1.pk  # the instalment's owner
    assert action.recorded_by_id == company.mgr_east.pk
    assert action.promised_amount == Decimal("1500.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "  "}, "outcome"),
        ({"kind": "email"}, "kind"),
        ({"done_on": timezone.localdate() + timedelta(days=1)}, "done_on"),
        ({"promised_amount": "0"}, "promised_amount"),
        ({"promised_amount": "100"}, "promised_on"),
        ({"promised_on": timezone.localdate() - timedelta(days=3)}, "promised_on"),
        ({"next_on": timezone.localdate()}, "next_step"),
        ({"next_step": "x", "next_on": timezone.localdate() - timedelta(days=1)}, "next_on"),
    ],
)
def test_refusals_name_their_field(company, changes, field):
    c = contract(company.rep_e1)
    with pytest.raises(ValidationFailed) as exc:
        dunning_action_log(actor=company.rep_e1, data=_data(c.customer, **changes))
    assert field in exc.value.fields
    assert not DunningAction.objects.exists()


def test_instalment_of_another_customer_refused(company):
    c = contract(company.rep_e1)
    other = instalment(contract(company.rep_e1), "100.00")
    with pytest.raises(ValidationFailed) as exc:
        dunning_action_log(actor=company.rep_e1, data=_data(c.customer, instalment_id=other.pk))
    assert "instalment_id" in exc.value.fields


def test_scope_and_right(company):
    west = contract(company.rep_w1)
    with pytest.raises(NotFound):
        dunning_action_log(actor=company.rep_e1, data=_data(west.customer))
    with pytest.raises(PermissionDenied):
        dunning_action_log(actor=company.assistant, data=_data(west.customer))


def test_next_steps_due_drop_when_followed_up(company):
    c = contract(company.rep_e1)
    today = timezone.localdate()
    first = dunning_action_log(
        actor=company.rep_e1,
        data=_data(c.customer, next_step="再打电话", next_on=today),
    )
    assert list(next_steps_due(user=company.rep_e1)) == [first]
    assert list(next_steps_due(user=company.mgr_east)) == []  # recorded by someone else
    dunning_action_log(actor=company.rep_e1, data=_data(c.customer, kind="letter"))
    assert list(next_steps_due(user=company.rep_e1)) == []


def test_escalate_by_hand_once_while_open(company):
    c = contract(company.rep_e1)
    instalment(c, "8000.00", days_overdue=100)
    with pytest.raises(ValidationFailed) as exc:
        legal_escalate(actor=company.rep_e1, customer_id=c.customer_id, reason="")
    assert "reason" in exc.value.fields
    task = legal_escalate(
        actor=company.rep_e1, customer_id=c.customer_id, reason="恶意拖欠，拒接电话"
    )
    assert task.kind == LEGAL_TASK_KIND
    assert task.department == company.depts["LEG"]
    assert "8,000.00" in task.description and "100" in task.description
    with pytest.raises(ValidationFailed) as exc:
        legal_escalate(actor=company.mgr_east, customer_id=c.customer_id, reason="再次")
    assert "already with the legal department" in str(exc.value.message)
    panel = customer_dunning_panel(customer=c.customer, user=company.rep_e1)
    assert panel["legal_task"] == task
    assert panel["dunning_overdue"] == Decimal("8000.00")
    # Legal records what it did; the owner hears of it, and a new escalation is possible.
    department_task_complete(
        actor=company.legal1,
        task_id=task.pk,
        response="已处理",
        data={"action_taken": "已发律师函"},
    )
    assert Notification.objects.filter(
        recipient=company.rep_e1, kind="receivables.legal_done"
    ).exists()
    legal_escalate(actor=company.rep_e1, customer_id=c.customer_id, reason="仍未付款")


def test_reminders_are_sent_once(company):
    today = timezone.localdate()
    c = contract(company.rep_e1)
    soon = instalment(c, "1000.00", days_overdue=-5, position=1)
    late = instalment(c, "2000.00", days_overdue=1, position=2)
    instalment(c, "500.00", days_overdue=-30, position=3)  # not yet in the window
    dunning_action_log(
        actor=company.mgr_east, data=_data(c.customer, next_step="上门拜访", next_on=today)
    )
    first = collection_send_reminders(today=today)
    assert first["due_soon"] == 1
    assert first["overdue"] == 2  # the owner and the owner's manager
    assert first["next_steps"] == 1
    again = collection_send_reminders(today=today)
    assert again == {"due_soon": 0, "overdue": 0, "next_steps": 0, "escalated": 0}
    notes = Notification.objects.filter(kind__startswith="receivables.")
    assert notes.filter(recipient=company.rep_e1, kind="receivables.due_soon").count() == 1
    assert notes.filter(recipient=company.mgr_east, kind="receivables.overdue").count() == 1
    assert notes.filter(recipient=company.mgr_east, kind="receivables.dunning_next").count() == 1
    assert soon.pk and late.pk


def test_automatic_escalation_after_the_policy_days(company):
    policy.policy_set(
        key="receivables.legal_escalation_days", raw=90, actor=company.gm, reason="test"
    )
    c = contract(company.rep_e1)
    instalment(c, "100.00", days_overdue=91)
    young = contract(company.rep_e1)
    instalment(young, "100.00", days_overdue=60)
    assert collection_send_reminders()["escalated"] == 1
    assert collection_send_reminders()["escalated"] == 0
    tasks = DepartmentTask.objects.filter(kind=LEGAL_TASK_KIND)
    assert [t.subject_id for t in tasks] == [c.customer_id]
