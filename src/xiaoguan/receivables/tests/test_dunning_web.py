"""Dunning pages: log an action from the overdue list, the customer's history and panel on the
customer page, the escalation form, and my next steps."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from xiaoguan.org.models import DepartmentTask
from xiaoguan.receivables.models import DunningAction
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment


def test_log_from_the_overdue_list(company, login):
    c = contract(company.rep_e1)
    inst = instalment(c, "3000.00", days_overdue=40)
    client = login(company.rep_e1)
    url = reverse("receivables:dunning_create")
    page = client.get(url, {"customer": c.customer_id, "instalment": inst.pk})
    assert page.status_code == 200
    today = timezone.localdate()
    bad = client.post(
        url, {"customer": c.customer_id, "kind": "phone", "done_on": today, "outcome": ""}
    )
    assert bad.status_code == 200 and not DunningAction.objects.exists()
    r = client.post(
        url,
        {
            "customer": c.customer_id,
            "kind": "phone",
            "done_on": today.isoformat(),
            "contact": "王经理",
            "instalment_id": inst.pk,
            "outcome": "答应下周付一半",
            "promised_on": (today + timedelta(days=7)).isoformat(),
            "promised_amount": "1500",
            "next_step": "下周三再打电话",
            "next_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert r.status_code == 302
    action = DunningAction.objects.get()
    assert action.instalment_id == inst.pk and action.contract_id == c.pk
    history = client.get(reverse("receivables:dunning_customer", args=[c.customer_id]))
    assert "答应下周付一半" in history.content.decode()
    detail = client.get(reverse("customers:detail", args=[c.customer_id]))
    assert 'data-testid="customer-dunning"' in detail.content.decode()
    assert "答应下周付一半" in detail.content.decode()
    lst = client.get(reverse("receivables:dunning_list"))
    assert lst.status_code == 200 and [a.pk for a in lst.context["next_steps"]] == [action.pk]


def test_out_of_scope_customer_is_not_found(company, login):
    west = contract(company.rep_w1)
    client = login(company.rep_e1)
    assert (
        client.get(
            reverse("receivables:dunning_create"), {"customer": west.customer_id}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("receivables:dunning_customer", args=[west.customer_id])).status_code
        == 404
    )
    assert client.get(reverse("receivables:dunning_create")).status_code == 302


def test_escalate_to_legal(company, login):
    c = contract(company.rep_e1)
    instalment(c, "3000.00", days_overdue=200)
    client = login(company.mgr_east)
    url = reverse("receivables:dunning_escalate", args=[c.customer_id])
    assert client.post(url, {"reason": ""}).status_code == 200
    r = client.post(url, {"reason": "恶意拖欠，已失联"})
    assert r.status_code == 302
    assert (
        DepartmentTask.objects.filter(kind="receivables.legal", subject_id=c.customer_id).count()
        == 1
    )
    page = client.get(reverse("receivables:dunning_customer", args=[c.customer_id]))
    assert 'data-testid="customer-legal"' in page.content.decode()
    again = client.get(url)
    assert 'data-testid="legal-open"' in again.content.decode()
