"""The overdue list page (R-AR-3): scope (a rep sees own, a manager the team), the per rep /
per team sums, the last dunning action, filters, the query count and the audited export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.receivables.services.dunning import DunningData, dunning_action_log
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment

URL = reverse("receivables:overdue_list")


@pytest.fixture
def book(company):
    e1 = contract(company.rep_e1, title="E1")
    e1b = contract(company.rep_e1b, title="E1B")
    west = contract(company.rep_w1, title="W")
    rows = {
        "e1_old": instalment(e1, "3000.00", days_overdue=120),
        "e1_new": instalment(e1, "1000.00", days_overdue=3, position=2),
        "e1b": instalment(e1b, "500.00", days_overdue=40),
        "west": instalment(west, "900.00", days_overdue=10),
        "future": instalment(e1, "700.00", days_overdue=-3, position=3),
    }
    dunning_action_log(
        actor=company.rep_e1,
        data=DunningData(
            customer_id=e1.customer_id,
            kind="letter",
            done_on=timezone.localdate() - timedelta(days=2),
            outcome="已寄催款函",
            next_step="电话确认",
            next_on=timezone.localdate() + timedelta(days=3),
        ),
    )
    return rows


def _customers(response) -> list[str]:
    return [i.customer.name for i in response.context["page"]]


def test_rep_sees_own_manager_the_team(company, login, book, django_assert_max_num_queries):
    client = login(company.rep_e1)
    client.get(URL)  # caches warm (policy, navigation)
    with django_assert_max_num_queries(10):
        r = client.get(URL)
    assert r.status_code == 200
    pks = [i.pk for i in r.context["page"]]
    assert pks == [book["e1_old"].pk, book["e1_new"].pk]  # oldest first, no future one
    row = r.context["page"][0]
    assert row.days_overdue == 120 and row.last_kind == "letter" and row.next_step == "电话确认"
    login(company.mgr_east)
    r = login(company.mgr_east).get(URL, {"dimension": "rep"})
    assert {i.pk for i in r.context["page"]} == {
        book["e1_old"].pk,
        book["e1_new"].pk,
        book["e1b"].pk,
    }
    groups = {g.name: g.outstanding for g in r.context["groups"]}
    assert groups == {"rep_e1": 4000, "rep_e1b": 500}
    r = login(company.finance1).get(URL, {"dimension": "team"})
    assert len(r.context["page"]) == 4
    teams = {g.name: g.count for g in r.context["groups"]}
    assert teams == {"华东一组": 3, "西部区": 1}


def test_filters_and_sort(company, login, book):
    c = login(company.finance1)
    r = c.get(URL, {"days_min": 30})
    assert {i.pk for i in r.context["page"]} == {book["e1_old"].pk, book["e1b"].pk}
    r = c.get(URL, {"sort": "-outstanding"})
    assert r.context["page"][0].pk == book["e1_old"].pk
    r = c.get(URL, {"no_action": "on"})
    assert book["e1_old"].pk not in {i.pk for i in r.context["page"]}
    r = c.get(URL, {"owner": company.rep_e1b.pk})
    assert [i.pk for i in r.context["page"]] == [book["e1b"].pk]
    r = c.get(URL, {"days_min": "abc", "sort": "nonsense"})
    assert r.status_code == 200 and len(r.context["page"]) == 4


def test_export_is_audited_and_scoped(company, login, book):
    r = login(company.rep_e1).get(reverse("receivables:overdue_export"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.filter(kind=AuditKind.EXPORT).latest("pk")
    assert event.actor_id == company.rep_e1.pk


def test_roles_without_the_right(company, login):
    assert login(company.logistics1).get(URL).status_code == 403
