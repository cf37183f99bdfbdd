"""Visits and follow-ups (R-CUS-6): the rules of the services, checked on the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.activities.enums import VisitResult, VisitStatus
from xiaoguan.activities.errors import FollowUpInvalid, VisitInvalid
from xiaoguan.activities.models import FollowUp, Visit
from xiaoguan.activities.services import visits as services
from xiaoguan.core.errors import Conflict, PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.customers.models import Customer
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import make_customer


def _data(**kw):
    base = {
        "kind": "onsite",
        "visited_at": timezone.now() - timedelta(hours=1),
        "result": VisitResult.PROGRESS,
        "feedback": "客户对喷淋系统改造有兴趣",
    }
    base.update(kw)
    return services.VisitData(**base)


@pytest.fixture
def customer(company):
    return make_customer(company.rep_e1, "上海申安物业管理有限公司")


def test_record_an_unplanned_visit_moves_the_last_contact(company, customer):
    contact = contact_create(
        customer=customer, actor=company.rep_e1, data=ContactData(name="王经理")
    )
    at = timezone.now() - timedelta(hours=2)
    visit = services.visit_record(
        actor=company.rep_e1, customer=customer, data=_data(visited_at=at, contact_ids=[contact.pk])
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.owner == company.rep_e1
    assert visit.department == company.rep_e1.department
    assert list(visit.contacts.all()) == [contact]
    assert Customer.objects.get(pk=customer.pk).last_contact_at == at


def test_a_visit_in_the_future_is_refused_and_nothing_is_saved(company, customer):
    with pytest.raises(VisitInvalid) as exc:
        services.visit_record(
            actor=company.rep_e1,
            customer=customer,
            data=_data(visited_at=timezone.now() + timedelta(hours=2)),
        )
    assert "visited_at" in exc.value.fields
    assert not Visit.objects.exists()
    assert Customer.objects.get(pk=customer.pk).last_contact_at is None


def test_contacts_of_another_customer_are_refused(company, customer):
    other = make_customer(company.rep_e1, "杭州西湖酒店有限公司")
    stranger = contact_create(customer=other, actor=company.rep_e1, data=ContactData(name="李"))
    with pytest.raises(VisitInvalid) as exc:
        services.visit_record(
            actor=company.rep_e1, customer=customer, data=_data(contact_ids=[stranger.pk])
        )
    assert "contacts" in exc.value.fields
    assert not Visit.objects.exists()


def test_last_contact_only_moves_forward(company, customer):
    recent = timezone.now() - timedelta(hours=1)
    services.visit_record(actor=company.rep_e1, customer=customer, data=_data(visited_at=recent))
    services.visit_record(
        actor=company.rep_e1,
        customer=customer,
        data=_data(visited_at=timezone.now() - timedelta(days=10)),
    )
    assert Customer.objects.get(pk=customer.pk).last_contact_at == recent


def test_a_customer_out_of_scope_cannot_be_visited(company):
    west = make_customer(company.rep_w1, "成都蓉城化工有限公司")
    with pytest.raises(VisitInvalid):
        services.visit_record(actor=company.rep_e1, customer=west, data=_data())
    with pytest.raises(VisitInvalid):
        services.visit_plan(actor=company.rep_e1, customer=west, planned_for=timezone.localdate())


def test_result_and_coordinates_are_checked(company, customer):
    with pytest.raises(VisitInvalid) as exc:
        services.visit_record(
            actor=company.rep_e1,
            customer=customer,
            data=_data(result="", latitude="95", longitude="121.5"),
        )
    assert {"result", "latitude"} <= set(exc.value.fields)
    with pytest.raises(VisitInvalid) as exc:
        services.visit_record(actor=company.rep_e1, customer=customer, data=_data(latitude="31.2"))
    assert "latitude" in exc.value.fields
    visit = services.visit_record(
        actor=company.rep_e1,
        customer=customer,
        data=_data(latitude="31.230416", longitude="121.473701"),
    )
    assert str(visit.latitude) == "31.230416"


def test_plan_record_and_cancel(company, customer):
    today = timezone.localdate()
    with pytest.raises(VisitInvalid):
        services.visit_plan(
            actor=company.rep_e1, customer=customer, planned_for=today - timedelta(days=1)
        )
    plan = services.visit_plan(
        actor=company.rep_e1, customer=customer, planned_for=today, purpose="灭火器更换"
    )
    assert plan.status == VisitStatus.PLANNED
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=company.rep_e1b, visit=plan, data=_data())
    visit = services.visit_record(actor=company.rep_e1, visit=plan, data=_data())
    assert visit.pk == plan.pk and visit.status == VisitStatus.DONE
    with pytest.raises(Conflict):
        services.visit_cancel(actor=company.rep_e1, visit=visit)
    other = services.visit_plan(actor=company.rep_e1, customer=customer, planned_for=today)
    services.visit_cancel(actor=company.rep_e1, visit=other)
    assert Visit.objects.get(pk=other.pk).status == VisitStatus.CANCELLED
    with pytest.raises(Conflict):
        services.visit_record(actor=company.rep_e1, visit=other, data=_data())


def test_a_followup_comes_out_of_the_record(company, customer):
    due = timezone.localdate() + timedelta(days=7)
    visit = services.visit_record(
        actor=company.rep_e1,
        customer=customer,
        data=_data(followup_title="发送消防设施年检报价", followup_due=due),
    )
    f = FollowUp.objects.get()
    assert (f.visit, f.customer, f.owner, f.due_date) == (visit, customer, company.rep_e1, due)
    with pytest.raises(VisitInvalid) as exc:
        services.visit_record(
            actor=company.rep_e1, customer=customer, data=_data(followup_title="只有标题")
        )
    assert "followup_due" in exc.value.fields
    assert Visit.objects.count() == 1  # nothing half-saved


def test_followup_create_and_complete(company, customer):
    today = timezone.localdate()
    with pytest.raises(FollowUpInvalid):
        services.followup_create(
            actor=company.rep_e1, customer=customer, title="x", due_date=today - timedelta(days=1)
        )
    with pytest.raises(FollowUpInvalid):
        services.followup_create(actor=company.rep_e1, customer=customer, title=" ", due_date=today)
    f = services.followup_create(
        actor=company.rep_e1, customer=customer, title="回访灭火器使用情况", due_date=today
    )
    with pytest.raises(PermissionDenied):
        services.followup_complete(actor=company.rep_e1b, followup=f, outcome="ok")
    with pytest.raises(FollowUpInvalid):
        services.followup_complete(actor=company.rep_e1, followup=f, outcome="")
    services.followup_complete(actor=company.rep_e1, followup=f, outcome="客户满意")
    f.refresh_from_db()
    assert f.done_at is not None and f.done_note == "客户满意"
    with pytest.raises(Conflict):
        services.followup_complete(actor=company.rep_e1, followup=f, outcome="again")


def test_reminders_are_idempotent(company, customer):
    today = timezone.localdate()
    f1 = services.followup_create(
        actor=company.rep_e1, customer=customer, title="今天到期", due_date=today
    )
    f2 = services.followup_create(
        actor=company.rep_e1, customer=customer, title="已逾期", due_date=today
    )
    FollowUp.objects.filter(pk=f2.pk).update(due_date=today - timedelta(days=3))
    services.followup_create(
        actor=company.rep_e1, customer=customer, title="下周", due_date=today + timedelta(days=7)
    )
    services.visit_plan(actor=company.rep_e1, customer=customer, planned_for=today)
    assert services.visits_remind(today=today) == 3
    assert services.visits_remind(today=today) == 0
    notes = Notification.objects.filter(recipient=company.rep_e1)
    assert notes.count() == 3
    assert {n.dedupe_key for n in notes} >= {
        f"activities.followup:{f1.pk}:{today.isoformat()}",
        f"activities.followup:{f2.pk}:{today.isoformat()}",
    }
    # The next day the still-open ones are reminded again.
    tomorrow = today + timedelta(days=1)
    assert services.visits_remind(today=tomorrow) == 2


def test_merge_handler_moves_visits(company, customer):
    other = make_customer(company.rep_e1, "重复客户有限公司")
    services.visit_record(actor=company.rep_e1, customer=other, data=_data())
    services.followup_create(
        actor=company.rep_e1, customer=other, title="t", due_date=timezone.localdate()
    )
    services.visits_merge_customer(source=other, target=customer, actor=company.rep_e1)
    assert Visit.objects.get().customer == customer
    assert FollowUp.objects.get().customer == customer
    assert Customer.objects.get(pk=customer.pk).last_contact_at is not None
