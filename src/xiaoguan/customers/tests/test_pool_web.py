"""The public pool pages: a rep's claim, a manager's bulk assignment, lock, release, the
warnings, the set-up of pools; denied cases and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from xiaoguan.customers.enums import OwnerChangeKind
from xiaoguan.customers.models import Customer, OwnerChange, Pool
from xiaoguan.customers.services import pool as svc
from xiaoguan.customers.tests.factories import make_customer


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pools(company):
    return {
        "east": svc.pool_create(department=company.depts["R-E"], actor=company.director),
        "west": svc.pool_create(department=company.depts["R-W"], actor=company.director),
    }


def in_pool(owner, name):
    customer = make_customer(owner, name)
    return svc.customer_release(customer_id=customer.pk, actor=owner, reason="无需求")


def test_a_rep_sees_only_the_pools_they_belong_to(company, pools, login):
    # given
    east = in_pool(company.rep_e1, "甲消防有限公司")
    west = in_pool(company.rep_w1, "丙消防有限公司")
    # when
    response = login(company.rep_e2).get(reverse("customers:pool_list"))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert east.name in body and west.name not in body
    assert body.count('data-testid="pool-claim"') == 1
    assert 'data-testid="pool-assign-bar"' not in body
    assert "rep_e1" in body  # the previous owner


def test_a_rep_claims_from_the_list_and_lands_on_the_customer(company, pools, login):
    customer = in_pool(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e2)
    response = client.post(reverse("customers:pool_claim", args=[customer.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    customer.refresh_from_db()
    assert customer.owner == company.rep_e2
    detail = client.get(response["Location"])
    assert b'data-testid="pool-section"' in detail.content
    assert detail.content.count(b'data-testid="owner-change-row"') == 3


def test_a_refused_claim_says_why_and_changes_nothing(company, pools, login):
    customer = in_pool(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)  # lost it today: the reclaim ban
    response = client.post(reverse("customers:pool_claim", args=[customer.pk]), follow=True)
    assert response.status_code == 200
    assert b"alert-danger" in response.content or b"alert-warning" in response.content
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_claim_outside_ones_pools_is_not_found(company, pools, login):
    customer = in_pool(company.rep_w1, "丙消防有限公司")
    response = login(company.rep_e1).post(reverse("customers:pool_claim", args=[customer.pk]))
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_manager_assigns_ticked_customers_in_bulk(company, pools, login):
    # given
    a = in_pool(company.rep_e1, "甲消防有限公司")
    b = in_pool(company.rep_e1, "乙消防有限公司")
    c = make_customer(company.rep_e1b, "丁消防有限公司")
    client = login(company.mgr_east)
    page = client.get(reverse("customers:pool_list"))
    assert page.content.count(b'data-testid="pool-select"') == 2
    # when
    response = client.post(
        reverse("customers:pool_assign"),
        {"customers": [a.pk, b.pk, c.pk], "owner": company.rep_e2.pk, "reason": "片区调整"},
    )
    # then
    assert response.status_code == 302
    owners = set(Customer.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("owner", flat=True))
    assert owners == {company.rep_e2.pk}
    assert (
        OwnerChange.objects.filter(kind=OwnerChangeKind.ASSIGNED, by=company.mgr_east).count() == 3
    )


def test_a_rep_cannot_assign(company, pools, login):
    a = in_pool(company.rep_e1, "甲消防有限公司")
    response = login(company.rep_e2).post(
        reverse("customers:pool_assign"), {"customers": [a.pk], "owner": company.rep_e2.pk}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.owner is None


def test_the_owned_view_lists_the_managers_scope(company, pools, login):
    make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_w1, "丙消防有限公司")
    response = login(company.mgr_east).get(reverse("customers:pool_list"), {"view": "owned"})
    body = response.content.decode()
    assert "甲消防有限公司" in body and "丙消防有限公司" not in body


def test_the_pool_list_runs_a_constant_number_of_queries(
    company, pools, login, django_assert_max_num_queries
):
    for i in range(30):
        in_pool(company.rep_e1 if i % 2 else company.rep_e1b, f"消防{i}有限公司")
    client = login(company.mgr_east)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("customers:pool_list"))
    assert response.content.count(b'data-testid="pool-row"') == 25
    client = login(company.rep_e2)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("customers:pool_list"), {"customer_class": "", "page": 2})
    assert response.content.count(b'data-testid="pool-row"') == 5


def test_release_form_needs_a_reason(company, pools, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)
    url = reverse("customers:pool_release", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.owner == company.rep_e1
    response = client.post(url, {"reason": "客户已倒闭"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.owner is None and customer.pool == pools["east"]


def test_a_manager_locks_and_unlocks_with_a_reason(company, pools, login):
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.mgr_east)
    client.post(reverse("customers:pool_lock", args=[customer.pk]), {"reason": ""})
    customer.refresh_from_db()
    assert customer.locked_by is None
    client.post(reverse("customers:pool_lock", args=[customer.pk]), {"reason": "重点工程"})
    customer.refresh_from_db()
    assert customer.locked_by == company.mgr_east
    page = client.get(reverse("customers:detail", args=[customer.pk]))
    assert b'data-testid="pool-status-locked"' in page.content
    client.post(reverse("customers:pool_unlock", args=[customer.pk]), {"reason": "结束"})
    customer.refresh_from_db()
    assert customer.locked_by is None
    # a rep may not lock
    response = login(company.rep_e1).post(
        reverse("customers:pool_lock", args=[customer.pk]), {"reason": "x"}
    )
    assert response.status_code == 403


def test_the_warnings_page_lists_the_reps_customers_about_to_return(company, pools, login):
    due = make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_e1, "乙消防有限公司")
    old = timezone.now() - timedelta(days=26)
    Customer.objects.filter(pk=due.pk).update(customer_class="C", created_at=old)
    response = login(company.rep_e1).get(reverse("customers:pool_warnings"))
    assert response.status_code == 200
    assert response.content.count(b'data-testid="pool-warning-row"') == 1
    assert "甲消防有限公司" in response.content.decode()
    home = login(company.rep_e1).get(reverse("home"))
    assert b'data-testid="pool-panel-count"' in home.content


def test_the_director_sets_up_a_pool_and_its_members(company, login):
    client = login(company.director)
    assert client.get(reverse("customers:pool_manage")).status_code == 200
    response = client.post(
        reverse("customers:pool_manage"), {"department": company.depts["R-E"].pk, "name": ""}
    )
    pool = Pool.objects.get(department=company.depts["R-E"])
    assert response["Location"] == reverse("customers:pool_edit", args=[pool.pk])
    assert pool.members.count() == 4
    response = client.post(
        reverse("customers:pool_edit", args=[pool.pk]),
        {"name": "华东公海", "is_active": "on", "members": [company.rep_e1.pk, company.rep_e2.pk]},
    )
    assert response.status_code == 302
    pool.refresh_from_db()
    assert pool.name == "华东公海"
    assert set(pool.members.values_list("username", flat=True)) == {"rep_e1", "rep_e2"}


def test_a_manager_cannot_set_up_pools(company, login):
    response = login(company.mgr_east).get(reverse("customers:pool_manage"))
    assert response.status_code == 403


def test_the_export_holds_what_the_member_sees(company, pools, login):
    import io

    from openpyxl import load_workbook

    in_pool(company.rep_e1, "=甲消防有限公司")
    in_pool(company.rep_w1, "丙消防有限公司")
    response = login(company.rep_e2).get(reverse("customers:pool_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one East customer
    assert rows[1][0] == "'=甲消防有限公司"  # a formula is neutralised
    assert "rep_e1" in rows[1]
