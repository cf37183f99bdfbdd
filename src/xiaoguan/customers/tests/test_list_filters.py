"""Customer list: filters, sorting, pagination without a full count, saved filters, query
counts and the export of exactly what is filtered (R-CUS-1)."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoguan.customers.models import Customer, SavedFilter
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.customers.web import list_views


def _rows(response) -> int:
    return response.content.decode().count('data-testid="customer-row"')


def _names(response) -> set[str]:
    body = response.content.decode()
    return {c.name for c in Customer.objects.all() if c.name in body}


@pytest.fixture
def east(company):
    now = timezone.now()
    a = make_customer(
        company.rep_e1, "甲消防有限公司", source="referral", industry="retail", tags=["重点"]
    )
    b = make_customer(company.rep_e2, "乙物业有限公司", source="dealer", tags=["老客户"])
    c = make_customer(company.rep_e1, "丙化工有限公司", industry="petrochemical")
    w = make_customer(company.rep_w1, "丁西部有限公司", source="referral")
    Customer.objects.filter(pk=a.pk).update(
        customer_class="A", grade="B", last_contact_at=now - timedelta(days=3)
    )
    Customer.objects.filter(pk=b.pk).update(
        customer_class="B", grade="A", last_contact_at=now - timedelta(days=400)
    )
    Customer.objects.filter(pk=w.pk).update(customer_class="A")
    return {"a": a, "b": b, "c": c, "w": w}


def test_filters_by_class_grade_owner_source_industry_and_tags(company, login, east):
    client = login(company.mgr_east)
    url = reverse("customers:list")
    assert _names(client.get(url, {"customer_class": "A"})) == {"甲消防有限公司"}
    assert _names(client.get(url, {"grade": "A"})) == {"乙物业有限公司"}
    assert _names(client.get(url, {"owner": company.rep_e2.pk})) == {"乙物业有限公司"}
    assert _names(client.get(url, {"source": "referral"})) == {"甲消防有限公司"}
    assert _names(client.get(url, {"industry": "petrochemical"})) == {"丙化工有限公司"}
    tags = {t.name: t.pk for t in east["a"].tags.all() | east["b"].tags.all()}
    assert _names(client.get(url, {"tags": [tags["重点"], tags["老客户"]]})) == {
        "甲消防有限公司",
        "乙物业有限公司",
    }
    assert _names(client.get(url, {"tag": tags["老客户"]})) == {"乙物业有限公司"}
    # an owner outside the manager's scope is not a valid choice: the filter is ignored
    response = client.get(url, {"owner": company.rep_w1.pk, "customer_class": "A"})
    assert _names(response) == {"甲消防有限公司"}  # the valid filters still apply
    assert 'data-testid="customer-filter-errors"' in response.content.decode()


def test_region_filter_is_the_department_subtree_and_scoped(company, login, east):
    url = reverse("customers:list")
    gm = login(company.gm)
    assert _names(gm.get(url, {"region": company.depts["R-E"].pk})) == {
        "甲消防有限公司",
        "乙物业有限公司",
        "丙化工有限公司",
    }
    assert _names(gm.get(url, {"region": company.depts["T-E2"].pk})) == {"乙物业有限公司"}
    # a manager cannot filter on another region (not a choice): the filter is ignored, the
    # scope still holds
    mgr = login(company.mgr_east)
    assert (
        "丁西部有限公司" not in mgr.get(url, {"region": company.depts["R-W"].pk}).content.decode()
    )


def test_last_contact_before_after_and_never(company, login, east):
    client = login(company.mgr_east)
    url = reverse("customers:list")
    today = timezone.localdate()
    recent = (today - timedelta(days=30)).isoformat()
    assert _names(client.get(url, {"contact_after": recent})) == {"甲消防有限公司"}
    assert _names(client.get(url, {"contact_before": recent})) == {"乙物业有限公司"}
    assert _names(client.get(url, {"never_contacted": "on"})) == {"丙化工有限公司"}
    # a period that ends before it starts is refused with a message, not a 500
    response = client.get(url, {"contact_after": recent, "contact_before": "2000-01-01"})
    assert response.status_code == 200
    assert 'data-testid="customer-filter-errors"' in response.content.decode()
    assert client.get(url, {"contact_after": "not-a-date"}).status_code == 200


def test_sorting_is_allow_listed(company, login, east):
    client = login(company.mgr_east)
    url = reverse("customers:list")
    body = client.get(url, {"sort": "-last_contact"}).content.decode()
    assert body.index("甲消防有限公司") < body.index("乙物业有限公司")
    body = client.get(url, {"sort": "last_contact"}).content.decode()
    assert body.index("乙物业有限公司") < body.index("甲消防有限公司")
    assert client.get(url, {"sort": "owner__password"}).status_code == 200


def _many(company, n):
    owners = [company.rep_e1, company.rep_e2, company.mgr_east]
    for i in range(n):
        make_customer(owners[i % 3], f"客户{i:03d}号消防公司", tags=["老客户", f"标签{i % 3}"])


@pytest.mark.parametrize("who", ["rep_e1", "mgr_east"])
def test_query_count_is_constant_on_first_and_deep_pages(
    company, login, who, django_assert_max_num_queries
):
    # given: enough customers for several pages for the rep and the manager
    _many(company, 3 * list_views.PAGE_SIZE + 6)
    client = login(getattr(company, who))
    url = reverse("customers:list")
    client.get(url)  # the session is saved on the first request
    # when / then
    counts = []
    for params in ({}, {"page": 2, "sort": "-created", "customer_class": ""}, {"page": 50}):
        with django_assert_max_num_queries(13) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert _rows(client.get(url)) == list_views.PAGE_SIZE
    assert counts[1] <= counts[0] and counts[2] <= counts[0]


def test_pages_without_a_full_count(company, login):
    _many(company, list_views.PAGE_SIZE + 3)
    client = login(company.mgr_east)
    url = reverse("customers:list")
    first = client.get(url).content.decode()
    assert 'data-testid="page-next"' in first and 'data-testid="customer-count"' in first
    second = client.get(url, {"page": 2})
    assert _rows(second) == 3
    assert 'data-testid="page-next"' not in second.content.decode()
    assert _rows(client.get(url, {"page": "abc"})) == list_views.PAGE_SIZE
    assert _rows(client.get(url, {"page": 99})) == 0


def test_capped_count(company):
    from xiaoguan.customers import selectors

    _many(company, 7)
    qs = selectors.customer_list(user=company.gm)
    page = list_views.list_page(qs, 1, size=3, cap=5)
    assert len(page) == 3 and page.has_next and page.count == 5 and page.count_capped
    page = list_views.list_page(qs, 1, size=3, cap=50)
    assert page.count == 7 and not page.count_capped
    last = list_views.list_page(qs, 3, size=3, cap=5)
    assert len(last) == 1 and not last.has_next and last.count == 5 and last.count_capped


def test_saved_filters_save_use_and_delete(company, login, east):
    client = login(company.mgr_east)
    url = reverse("customers:list")
    query = f"customer_class=A&sort=-created&page=3&evil=1&owner={company.rep_e1.pk}"
    # when: saved
    response = client.post(
        reverse("customers:saved_filter_create"), {"name": "A 类", "query": query}
    )
    # then: only allow-listed keys are kept, the chip is listed
    saved = SavedFilter.objects.get(user=company.mgr_east, page="customers")
    assert response.status_code == 302
    assert "evil" not in saved.query and "page" not in saved.query
    assert 'data-testid="saved-filter"' in client.get(url).content.decode()
    # the same name replaces; an empty name or an empty filter is refused
    client.post(reverse("customers:saved_filter_create"), {"name": "A 类", "query": "grade=A"})
    assert SavedFilter.objects.get(user=company.mgr_east).query == "grade=A"
    client.post(reverse("customers:saved_filter_create"), {"name": " ", "query": "grade=A"})
    client.post(reverse("customers:saved_filter_create"), {"name": "x", "query": "page=2"})
    assert SavedFilter.objects.filter(user=company.mgr_east).count() == 1
    # when: used, the query is validated again by the filter form
    SavedFilter.objects.filter(pk=saved.pk).update(
        query=f"customer_class=A&owner={company.rep_w1.pk}"
    )
    response = client.get(reverse("customers:saved_filter_use", args=[saved.pk]))
    assert response.status_code == 302
    assert "customer_class=A" in response.url and f"owner={company.rep_w1.pk}" not in response.url
    assert _names(client.get(response.url)) == {"甲消防有限公司"}
    # someone else's saved filter does not exist for you
    other = login(company.rep_e1)
    assert other.get(reverse("customers:saved_filter_use", args=[saved.pk])).status_code == 404
    assert other.post(reverse("customers:saved_filter_delete", args=[saved.pk])).status_code == 404
    # deleted by its owner
    client = login(company.mgr_east)
    client.post(reverse("customers:saved_filter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()


def test_export_follows_the_new_filters_scope_and_neutralises_formulas(company, login, east):
    make_customer(company.rep_e1, "=HYPERLINK(1)公司", source="referral")
    make_customer(company.rep_e1, "@SUM(A1)公司", source="referral")
    make_customer(company.rep_e1, "+1公司", source="dealer")
    client = login(company.mgr_east)
    recent = (timezone.localdate() - timedelta(days=30)).isoformat()

    def export(**params):
        response = client.get(reverse("customers:export"), params)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [r[0] for r in list(sheet.iter_rows(values_only=True))[1:]]

    assert export(contact_after=recent) == ["甲消防有限公司"]
    assert set(export(source="referral")) == {
        "甲消防有限公司",
        "'=HYPERLINK(1)公司",
        "'@SUM(A1)公司",
    }
    assert export(q="+1") == ["'+1公司"]
    assert "丁西部有限公司" not in export(active="all")
    assert export(region=company.depts["T-E2"].pk, sort="name") == ["乙物业有限公司"]
