"""The contract ledger (R-CON-6): scope, current versions only, filters, flags, sorting,
totals, pagination, export, the denied case and the query count.

Contracts are written as rows here (``ledger_contract``): the ledger only reads, and these
tests need contracts in every state on chosen dates, which the services reach only through
a whole approval flow (that flow is tested with the services)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
from xiaoguan.contracts.selectors import ledger as selectors
from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.customers.tests.factories import make_customer

URL = reverse("contracts:ledger")
EXPORT = reverse("contracts:ledger_export")


def ledger_contract(
    owner,
    customer,
    number: str,
    *,
    status: str = "signed",
    total: str = "1000.00",
    collected: str = "0.00",
    shipped: str = "0.00",
    signed_on: date | None = None,
    delivery_date: date | None = None,
    end_on: date | None = None,
    title: str = "消防器材采购合同",
    version_no: int = 1,
    is_current: bool = True,
    root: Contract | None = None,
    lines: list[tuple] | None = None,
    **fields,
) -> Contract:
    """A contract version as the services leave it, with ``lines`` of
    (product, quantity, unit price) and a 30 / 70 payment schedule."""
    today = timezone.localdate()
    if signed_on is None and status in ("signed", "completed", "terminated", "superseded"):
        signed_on = today - timedelta(days=30)
    contract = Contract.objects.create(
        number=number,
        version_no=version_no,
        is_current=is_current,
        root=root,
        amends=root,
        customer=customer,
        owner=owner,
        department=owner.department,
        title=title,
        status=status,
        total=Decimal(total),
        list_total=Decimal(fields.pop("list_total", total)),
        price_date=today - timedelta(days=40),
        signed_on=signed_on,
        delivery_date=delivery_date,
        end_on=end_on,
        collected_amount=Decimal(collected),
        shipped_amount=Decimal(shipped),
        **fields,
    )
    for position, (product, quantity, price) in enumerate(lines or [], start=1):
        quantity, price = Decimal(quantity), Decimal(price)
        ContractLine.objects.create(
            contract=contract,
            position=position,
            product=product,
            unit=product.unit,
            quantity=quantity,
            list_price=price,
            unit_price=price,
            discount=Decimal(0),
            amount=(quantity * price).quantize(Decimal("0.01")),
        )
    if contract.total > 0:
        first = (contract.total * Decimal("0.3")).quantize(Decimal("0.01"))
        PaymentTerm.objects.create(
            contract=contract,
            position=1,
            label="预付款",
            trigger="signing",
            percent=Decimal(30),
            amount=first,
        )
        PaymentTerm.objects.create(
            contract=contract,
            position=2,
            label="到货款",
            trigger="delivery",
            days_after=10,
            percent=Decimal(70),
            amount=contract.total - first,
        )
    return contract


@pytest.fixture
def book(company):
    """East: rep_e1 has three contracts (one amended: v1 superseded, v2 current), rep_e2 one;
    West: rep_w1 one. Today-relative dates make one expiring and one overdue."""
    today = timezone.localdate()
    c = company
    c.acme = make_customer(c.rep_e1, "杭州安盛消防工程有限公司")
    c.bolt = make_customer(c.rep_e2, "宁波博远物业管理有限公司")
    c.west = make_customer(c.rep_w1, "成都西蜀置业有限公司")
    c.k1 = ledger_contract(
        c.rep_e1,
        c.acme,
        "HT-2026-000001",
        total="10000.00",
        collected="3000.00",
        shipped="10000.00",
        delivery_date=today - timedelta(days=5),
        end_on=today + timedelta(days=10),
    )
    c.k2 = ledger_contract(
        c.rep_e1,
        c.acme,
        "HT-2026-000002",
        total="5000.00",
        shipped="1000.00",
        delivery_date=today - timedelta(days=1),
        end_on=today + timedelta(days=200),
        title="火灾报警系统合同",
    )
    c.k3v1 = ledger_contract(
        c.rep_e1, c.acme, "HT-2026-000003", status="superseded", total="800.00", is_current=False
    )
    c.k3 = ledger_contract(
        c.rep_e1,
        c.acme,
        "HT-2026-000003",
        status="signed",
        total="900.00",
        collected="900.00",
        version_no=2,
        root=c.k3v1,
        delivery_date=today + timedelta(days=20),
    )
    c.k4 = ledger_contract(c.rep_e2, c.bolt, "HT-2026-000004", status="draft", total="2500.50")
    c.k5 = ledger_contract(
        c.rep_w1,
        c.west,
        "HT-2026-000005",
        total="7000.00",
        delivery_date=today - timedelta(days=3),
        end_on=today + timedelta(days=5),
    )
    return c


def numbers(response) -> list[str]:
    return [row.contract.number for row in response.context["page"]]


def test_rep_sees_only_the_current_versions_of_own_contracts(book, login):
    # given / when
    response = login(book.rep_e1).get(URL)
    # then
    assert response.status_code == 200
    assert sorted(numbers(response)) == ["HT-2026-000001", "HT-2026-000002", "HT-2026-000003"]
    versions = {row.contract.number: row.contract.version_no for row in response.context["page"]}
    assert versions["HT-2026-000003"] == 2
    assert "v2" in response.content.decode()


def test_manager_sees_the_region_and_director_everything(book, login, client):
    assert sorted(numbers(login(book.mgr_east).get(URL))) == [
        "HT-2026-000001",
        "HT-2026-000002",
        "HT-2026-000003",
        "HT-2026-000004",
    ]
    assert len(numbers(login(book.director).get(URL))) == 5


def test_west_rep_never_sees_east_contracts(book, login):
    response = login(book.rep_w1).get(URL)
    assert numbers(response) == ["HT-2026-000005"]
    assert "杭州安盛" not in response.content.decode()


def test_user_without_the_right_is_refused(book, login):
    # given: HR has no contracts.view
    assert not book.hr1.has_right("contracts.view")
    # when / then
    assert login(book.hr1).get(URL).status_code == 403
    assert login(book.hr1).get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT).exists()


def test_totals_row_sums_the_filtered_set(book, login):
    response = login(book.mgr_east).get(URL)
    totals = response.context["totals"]
    assert totals.count == 4
    assert totals.total == Decimal("18400.50")  # 10000 + 5000 + 900 + 2500.50
    assert totals.collected == Decimal("3900.00")
    assert totals.outstanding == Decimal("14500.50")
    html = response.content.decode()
    assert "¥18,400.50" in html and "¥14,500.50" in html


def test_outstanding_is_total_minus_collected(book, login):
    response = login(book.rep_e1).get(URL)
    row = {r.contract.number: r.contract for r in response.context["page"]}
    assert row["HT-2026-000001"].outstanding == Decimal("7000.00")
    assert row["HT-2026-000003"].outstanding == Decimal("0.00")


def test_expiring_and_overdue_flags(book, login):
    # given: k1 ends in 10 days (expiring) and is fully shipped (not overdue); k2 is past its
    # delivery date with 1,000 of 5,000 shipped (overdue); k3 delivers in 20 days.
    response = login(book.rep_e1).get(URL)
    flags = {r.contract.number: (r.expiring, r.overdue) for r in response.context["page"]}
    assert flags == {
        "HT-2026-000001": (True, False),
        "HT-2026-000002": (False, True),
        "HT-2026-000003": (False, False),
    }
    # when filtering by a flag: the same rule
    assert numbers(login(book.rep_e1).get(URL, {"flag": "expiring"})) == ["HT-2026-000001"]
    assert numbers(login(book.rep_e1).get(URL, {"flag": "overdue"})) == ["HT-2026-000002"]
    # both flags: contracts with either
    both = login(book.rep_e1).get(URL, {"flag": ["expiring", "overdue"], "sort": "number"})
    assert numbers(both) == ["HT-2026-000001", "HT-2026-000002"]


def test_expiring_follows_the_policy(book, login):
    from xiaoguan.core import policy

    # given: only contracts ending within 3 days are expiring
    policy.policy_set(key="contracts.expiring_days", raw="3", actor=book.gm)
    # when / then: k1 ends in 10 days
    assert numbers(login(book.rep_e1).get(URL, {"flag": "expiring"})) == []
    assert numbers(login(book.director).get(URL, {"flag": "expiring"})) == []
    policy.policy_set(key="contracts.expiring_days", raw="10", actor=book.gm)
    got = login(book.director).get(URL, {"flag": "expiring", "sort": "number"})
    assert numbers(got) == ["HT-2026-000001", "HT-2026-000005"]


def test_unsigned_contracts_are_never_flagged(book, login):
    today = timezone.localdate()
    ledger_contract(
        book.rep_e1,
        book.acme,
        "HT-2026-000010",
        status="approved",
        delivery_date=today - timedelta(days=2),
        end_on=today + timedelta(days=2),
    )
    assert "HT-2026-000010" not in numbers(login(book.rep_e1).get(URL, {"flag": "overdue"}))
    assert "HT-2026-000010" not in numbers(login(book.rep_e1).get(URL, {"flag": "expiring"}))


def test_status_filter_takes_several_statuses(book, login):
    response = login(book.director).get(URL, {"status": ["draft", "signed"], "sort": "number"})
    assert numbers(response) == [
        "HT-2026-000001",
        "HT-2026-000002",
        "HT-2026-000003",
        "HT-2026-000004",
        "HT-2026-000005",
    ]
    assert numbers(login(book.director).get(URL, {"status": "draft"})) == ["HT-2026-000004"]


def test_search_by_number_subject_or_customer(book, login):
    c = login(book.director)
    assert numbers(c.get(URL, {"q": "000002"})) == ["HT-2026-000002"]
    assert numbers(c.get(URL, {"q": "报警"})) == ["HT-2026-000002"]
    assert numbers(c.get(URL, {"q": "西蜀"})) == ["HT-2026-000005"]
    assert numbers(c.get(URL, {"customer": "博远"})) == ["HT-2026-000004"]


def test_owner_and_department_filters_stay_inside_the_scope(book, login):
    # given: the East manager filters by a West rep and the West region
    c = login(book.mgr_east)
    # then: the page refuses the choice (shown, ignored) and still shows no West row
    for params in ({"owner": book.rep_w1.pk}, {"department": book.depts["R-W"].pk}):
        response = c.get(URL, params)
        assert 'data-testid="ledger-filter-errors"' in response.content.decode()
        assert "HT-2026-000005" not in numbers(response)
    # and the selector itself narrows to nothing, not to everything
    for filters in ({"owner": book.rep_w1.pk}, {"department": book.depts["R-W"].pk}):
        assert not selectors.ledger_list(user=book.mgr_east, filters=filters).exists()
    # and the own team narrows as expected
    assert numbers(c.get(URL, {"department": book.depts["T-E2"].pk})) == ["HT-2026-000004"]
    assert sorted(numbers(c.get(URL, {"owner": book.rep_e1.pk}))) == [
        "HT-2026-000001",
        "HT-2026-000002",
        "HT-2026-000003",
    ]


def test_signed_date_and_amount_ranges(book, login):
    today = timezone.localdate()
    Contract.objects.filter(pk=book.k1.pk).update(signed_on=today - timedelta(days=100))
    c = login(book.director)
    got = c.get(URL, {"signed_from": (today - timedelta(days=50)).isoformat(), "sort": "number"})
    assert numbers(got) == ["HT-2026-000002", "HT-2026-000003", "HT-2026-000005"]
    got = c.get(URL, {"amount_min": "900", "amount_max": "5000", "sort": "total"})
    assert numbers(got) == ["HT-2026-000003", "HT-2026-000004", "HT-2026-000002"]


def test_invalid_filters_are_shown_and_ignored(book, login):
    today = timezone.localdate()
    response = login(book.director).get(
        URL,
        {
            "signed_from": (today - timedelta(days=3650)).isoformat(),
            "signed_to": (today - timedelta(days=4000)).isoformat(),
            "amount_min": "-5",
            "status": "no-such-status",
        },
    )
    # then: the valid "signed from" applies (the draft has no signing date), the rest not
    assert response.status_code == 200
    assert len(numbers(response)) == 4
    assert 'data-testid="ledger-filter-errors"' in response.content.decode()


def test_sorting_is_allow_listed(book, login):
    c = login(book.director)
    assert numbers(c.get(URL, {"sort": "-total"}))[:2] == ["HT-2026-000001", "HT-2026-000005"]
    # k1 and k5 both have 7,000 outstanding; the newer one first on a tie
    assert numbers(c.get(URL, {"sort": "-outstanding"}))[:3] == [
        "HT-2026-000005",
        "HT-2026-000001",
        "HT-2026-000002",
    ]
    # an unknown key (e.g. a confidential column) falls back to the default order
    response = c.get(URL, {"sort": "list_total"})
    assert response.status_code == 200 and response.context["sort"] == selectors.DEFAULT_SORT


def test_pagination_counts_from_the_totals(company, login):
    customer = make_customer(company.rep_e1, "温州瓯江消防器材有限公司")
    for i in range(30):
        ledger_contract(company.rep_e1, customer, f"HT-2026-{i:06d}", total="100.00")
    c = login(company.rep_e1)
    first = c.get(URL, {"sort": "number"})
    page = first.context["page"]
    assert len(page.rows) == 25 and page.has_next and page.count == 30 and page.num_pages == 2
    second = c.get(URL, {"sort": "number", "page": 2})
    assert numbers(second) == [f"HT-2026-{i:06d}" for i in range(25, 30)]
    assert not second.context["page"].has_next
    assert c.get(URL, {"page": "x"}).context["page"].number == 1


@pytest.mark.parametrize("who", ["rep_e1", "mgr_east", "director"])
def test_query_count_is_constant(company, login, django_assert_max_num_queries, who):
    # given: 30 contracts of three customers, so the page is full and a next page exists
    customers = [make_customer(company.rep_e1, f"苏州测试{i}号消防有限公司") for i in range(3)]
    for i in range(30):
        ledger_contract(company.rep_e1, customers[i % 3], f"HT-2026-{i:06d}")
    c = login(company.users[who])
    c.get(URL)
    # when / then: session, user, roles, owner and department choices, the page, the
    # totals (count and sums: no separate count), the unread count of the top bar; the
    # policy value of the "expiring" flag is cached after the first request
    for params in ({}, {"page": 2}, {"status": "signed", "flag": "expiring", "q": "HT"}):
        with django_assert_max_num_queries(8):
            assert c.get(URL, params).status_code == 200


def test_export_is_the_filtered_set_and_audited(book, login):
    from openpyxl import load_workbook

    # when
    response = login(book.mgr_east).get(EXPORT, {"status": "signed", "sort": "number"})
    # then
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["HT-2026-000001", "HT-2026-000002", "HT-2026-000003"]
    header = rows[0]
    assert rows[1][header.index("outstanding")] == 7000
    assert "effective price" not in header and "amount at effective prices" not in header
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert event.actor_id == book.mgr_east.pk and event.detail["rows"] == 3
    assert event.detail["what"] == "contracts.ledger"


def test_export_larger_than_the_cap_is_refused(book, login, monkeypatch):
    from xiaoguan.contracts.web import ledger_views

    # given: a cap of 2 rows; the director sees 5
    monkeypatch.setattr(ledger_views, "EXPORT_MAX_ROWS", 2)
    # when
    response = login(book.director).get(EXPORT, {"status": "signed"})
    # then: back to the ledger with a message, nothing exported
    assert response.status_code == 302 and response["Location"].startswith(URL)
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT).exists()
    followed = login(book.director).get(response["Location"])
    assert "narrow the filter" in followed.content.decode() or "缩小" in followed.content.decode()


def test_page_renders_at_phone_width_markup(book, login):
    html = login(book.rep_e1).get(URL).content.decode()
    # the number, customer and amount are always visible; the rest collapses on a phone
    assert 'data-testid="ledger-total"' in html and "d-md-none" in html
