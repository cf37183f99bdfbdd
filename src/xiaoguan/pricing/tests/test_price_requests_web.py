"""Price approval request pages: list (scoped, query count), detail (floor prices only for
``pricing.confidential``), filing from a document, withdrawal, and the denied cases."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoguan.pricing.enums import ApprovalDocStatus
from xiaoguan.pricing.models import PriceRequest
from xiaoguan.pricing.tests.test_price_requests_support import (  # noqa: F401  (fixtures)
    line,
    pricing_setup_fixture,
    subjects_fixture,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _rows(response) -> int:
    return len(re.findall(rb'data-testid="price-request-row"', response.content))


def _plain(owner, n: int, **kw) -> PriceRequest:
    """A request row written directly (list set-up; filing is tested in the services)."""
    values = {
        "owner": owner,
        "department": owner.department,
        "number": f"PR-T-{owner.pk}-{n}",
        "subject_kind": "quote",
        "subject_id": 5000 + n,
        "subject_label": f"Q-{n} 办公楼消防",
        "customer_id": 1,
        "customer_name": "华东建设",
        "reason": "竞品",
        "max_discount": D("12.50"),
        "amount": D("12345.60"),
        "fingerprint": "0" * 64,
        "status": ApprovalDocStatus.IN_APPROVAL,
    }
    values.update(kw)
    return PriceRequest.objects.create(**values)


def _new_url(doc) -> str:
    return reverse("pricing:price_request_new") + f"?subject_kind=quote&subject_id={doc.pk}"


def test_the_list_shows_only_the_scope_and_is_denied_without_the_right(company, login):
    mine = _plain(company.rep_e1, 1)
    _plain(company.rep_w1, 2)
    url = reverse("pricing:price_request_list")
    page = login(company.rep_e1).get(url)
    assert page.status_code == 200
    assert _rows(page) == 1
    assert mine.number.encode() in page.content
    assert "¥12,345.60".encode() in page.content
    assert _rows(login(company.mgr_east).get(url)) == 1
    assert _rows(login(company.director).get(url)) == 2
    assert _rows(login(company.gm).get(url, {"status": "open", "q": "Q-2"})) == 1
    assert login(company.hr1).get(url).status_code == 403
    assert login(company.logistics1).get(url).status_code == 403


def test_list_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(30):
        _plain(company.rep_e1, i)
    client = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pricing:price_request_list"))
    assert _rows(response) == 25
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pricing:price_request_list"), {"page": 2})
    assert _rows(response) == 5


def _filed(company, login, subjects, pricing_setup):
    p = pricing_setup
    doc = subjects.add(
        owner=company.rep_e1, lines=[line(p, "5", "100", "96"), line(p, "2", "100", "90")]
    )
    response = login(company.rep_e1).post(_new_url(doc), {"reason": "竞品报价低 8%"})
    assert response.status_code == 302
    return doc, PriceRequest.objects.get()


def test_filing_from_a_document_takes_the_lines_from_the_document(
    company, login, subjects, pricing_setup
):
    # given a quote of the rep with one line 10 % below the list price
    p = pricing_setup
    doc = subjects.add(
        owner=company.rep_e1, lines=[line(p, "5", "100", "96"), line(p, "2", "100", "90")]
    )
    client = login(company.rep_e1)
    # when the rep opens the filing page
    page = client.get(_new_url(doc))
    # then it shows the line below the range, without the floor price
    assert page.status_code == 200
    content = page.content.decode()
    assert "¥90.00" in content
    assert "¥95.00" not in content
    assert 'data-testid="floor-column"' not in content
    # when the rep submits a reason
    response = client.post(_new_url(doc), {"reason": "竞品报价低 8%"})
    # then the request is filed for exactly that line
    request = PriceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pricing:price_request_detail", args=[request.pk])
    assert request.subject_id == doc.pk
    assert request.status == ApprovalDocStatus.IN_APPROVAL
    assert list(request.lines.values_list("requested_price", flat=True)) == [D("90.00")]


def test_the_director_sees_the_floor_price_on_the_filing_page(
    company, login, subjects, pricing_setup
):
    p = pricing_setup
    doc = subjects.add(owner=company.rep_e1, lines=[line(p, "2", "100", "90")])
    page = login(company.director).get(_new_url(doc))
    assert page.status_code == 200
    assert b'data-testid="floor-column"' in page.content
    assert "¥95.00".encode() in page.content


def test_filing_without_a_reason_shows_the_error_and_files_nothing(
    company, login, subjects, pricing_setup
):
    p = pricing_setup
    doc = subjects.add(owner=company.rep_e1, lines=[line(p, "2", "100", "90")])
    page = login(company.rep_e1).post(_new_url(doc), {"reason": ""})
    assert page.status_code == 200
    assert b"is-invalid" in page.content
    assert not PriceRequest.objects.exists()


def test_a_document_within_the_range_needs_no_request(company, login, subjects, pricing_setup):
    p = pricing_setup
    doc = subjects.add(owner=company.rep_e1, lines=[line(p, "2", "100", "95")])
    client = login(company.rep_e1)
    page = client.get(_new_url(doc))
    assert b'data-testid="price-request-not-needed"' in page.content
    assert b'data-testid="price-request-form"' not in page.content
    page = client.post(_new_url(doc), {"reason": "x"})
    assert page.status_code == 200
    assert not PriceRequest.objects.exists()


def test_filing_is_denied_out_of_scope_without_the_right_or_a_document(
    company, login, subjects, pricing_setup
):
    p = pricing_setup
    west = subjects.add(owner=company.rep_w1, lines=[line(p, "2", "100", "90")])
    assert login(company.rep_e1).get(_new_url(west)).status_code == 404
    assert login(company.rep_e1).post(_new_url(west), {"reason": "x"}).status_code == 404
    assert login(company.finance1).get(_new_url(west)).status_code == 403
    base = reverse("pricing:price_request_new")
    client = login(company.rep_e1)
    assert client.get(base).status_code == 404
    assert client.get(base + "?subject_kind=order&subject_id=1").status_code == 404
    assert client.get(base + "?subject_kind=quote&subject_id=x").status_code == 404
    assert client.get(base + "?subject_kind=quote&subject_id=999999").status_code == 404
    assert not PriceRequest.objects.exists()


def test_a_pending_request_is_shown_and_a_second_is_refused(
    company, login, subjects, pricing_setup
):
    doc, _request = _filed(company, login, subjects, pricing_setup)
    client = login(company.rep_e1)
    page = client.get(_new_url(doc))
    assert b'data-testid="price-request-pending"' in page.content
    page = client.post(_new_url(doc), {"reason": "again"})
    assert page.status_code == 200
    assert PriceRequest.objects.count() == 1


def test_detail_shows_floor_prices_only_to_confidential_roles(
    company, login, subjects, pricing_setup, django_assert_max_num_queries
):
    _doc, request = _filed(company, login, subjects, pricing_setup)
    url = reverse("pricing:price_request_detail", args=[request.pk])
    with django_assert_max_num_queries(25):
        rep_page = login(company.rep_e1).get(url)
    assert rep_page.status_code == 200
    content = rep_page.content.decode()
    assert "¥95.00" not in content
    assert 'data-testid="floor-column"' not in content
    assert 'data-testid="price-request-current"' in content
    assert "5.00" in content  # below the range by 5.00 %
    manager_page = login(company.mgr_east).get(url).content.decode()
    assert "¥95.00" not in manager_page
    director_page = login(company.director).get(url).content.decode()
    assert "¥95.00" in director_page
    assert 'data-testid="floor-column"' in director_page


def test_detail_says_when_the_document_changed_since_the_request(
    company, login, subjects, pricing_setup
):
    doc, request = _filed(company, login, subjects, pricing_setup)
    doc.lines[1] = line(pricing_setup, "3", "100", "90")
    page = login(company.rep_e1).get(reverse("pricing:price_request_detail", args=[request.pk]))
    assert b'data-testid="price-request-stale"' in page.content


def test_detail_is_not_found_out_of_scope(company, login):
    west = _plain(company.rep_w1, 1)
    url = reverse("pricing:price_request_detail", args=[west.pk])
    assert login(company.rep_e1).get(url).status_code == 404
    assert login(company.mgr_east).get(url).status_code == 404
    assert login(company.mgr_west).get(url).status_code == 200
    assert login(company.hr1).get(url).status_code == 403


def test_the_filer_withdraws_and_others_cannot(company, login, subjects, pricing_setup):
    _doc, request = _filed(company, login, subjects, pricing_setup)
    url = reverse("pricing:price_request_cancel", args=[request.pk])
    # the manager sees it but is not the filer
    response = login(company.mgr_east).post(url)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.IN_APPROVAL
    # a colleague outside the scope gets not found
    assert login(company.rep_w1).post(url).status_code == 404
    # GET is not allowed
    assert login(company.rep_e1).get(url).status_code == 405
    # the filer withdraws it
    assert login(company.rep_e1).post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == ApprovalDocStatus.CANCELLED
