"""The merge page (R-CUS-2): reached from the customer page, scoped, managers only."""

import pytest

from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _twins(company, owner_a, owner_b):
    a = make_customer(owner_a, "杭州安盾消防设备有限公司")
    b = make_customer(owner_b, "安盾临时名")
    Customer.objects.filter(pk=b.pk).update(
        name="杭州安盾消防设备有限责任公司", name_normalized=a.name_normalized
    )
    return a, Customer.objects.get(pk=b.pk)


def test_the_customer_page_links_a_manager_to_the_merge(company, login):
    a, _b = _twins(company, company.rep_e1, company.rep_e2)
    page = login(company.mgr_east).get(f"/customers/{a.pk}/")
    assert b'data-testid="customer-merge-link"' in page.content
    rep_page = login(company.rep_e1).get(f"/customers/{a.pk}/")
    assert b'data-testid="customer-merge-link"' not in rep_page.content


def test_manager_compares_and_merges(company, login):
    a, b = _twins(company, company.rep_e1, company.rep_e2)
    client = login(company.mgr_east)
    listing = client.get(f"/customers/{a.pk}/merge/")
    assert listing.status_code == 200 and b'data-testid="merge-candidate"' in listing.content
    compare = client.get(f"/customers/{a.pk}/merge/?other={b.pk}")
    assert b'data-testid="merge-compare"' in compare.content
    # when the manager keeps b
    response = client.post(f"/customers/{a.pk}/merge/", {"other": b.pk, "survivor": b.pk})
    # then
    assert response.status_code == 302 and response["Location"] == f"/customers/{b.pk}/"
    a.refresh_from_db()
    assert a.merged_into_id == b.pk and not a.is_active
    merged_page = client.get(f"/customers/{a.pk}/")
    assert b'data-testid="customer-merged-into"' in merged_page.content


def test_merge_out_of_scope_is_404_and_reps_are_refused(company, login):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    w = make_customer(company.rep_w1, "成都乙有限公司")
    client = login(company.mgr_east)
    assert client.get(f"/customers/{w.pk}/merge/").status_code == 404
    assert client.get(f"/customers/{a.pk}/merge/?other={w.pk}").status_code == 404
    assert (
        client.post(f"/customers/{a.pk}/merge/", {"other": w.pk, "survivor": a.pk}).status_code
        == 404
    )
    w.refresh_from_db()
    assert w.is_active and w.merged_into is None
    assert login(company.rep_e1).get(f"/customers/{a.pk}/merge/").status_code == 403


def test_a_survivor_outside_the_pair_is_refused(company, login):
    a, b = _twins(company, company.rep_e1, company.rep_e2)
    c = make_customer(company.rep_e1, "杭州丙有限公司")
    response = login(company.mgr_east).post(
        f"/customers/{a.pk}/merge/", {"other": b.pk, "survivor": c.pk}
    )
    assert response.status_code == 200
    assert not Customer.objects.filter(merged_into__isnull=False).exists()


def test_the_duplicate_warning_on_the_edit_form_links_to_the_merge(company, login):
    # given two customers; the manager edits one to the other's phone
    a = make_customer(company.rep_e1, "杭州甲有限公司", phone="0571-88886666")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    response = login(company.mgr_east).post(
        f"/customers/{b.pk}/edit/", {"name": "杭州乙有限公司", "phone": "0571-88886666"}
    )
    assert response.status_code == 200
    assert f"/customers/{b.pk}/merge/?other={a.pk}".encode() in response.content
