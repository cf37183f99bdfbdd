"""Pages and API of the price list, the calculator, price changes, promotions and the policy;
confidential fields (cost, margin, discount policy) absent for a rep, present for management,
and never usable to filter or sort."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services
from xiaoguan.pricing.enums import ApprovalDocStatus, DiscountKind
from xiaoguan.pricing.models import DiscountRule, FloatRange, PriceChange, Promotion
from xiaoguan.pricing.tests import factories as f

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(company):
    cat = f.category()
    products = []
    for i in range(12):
        p = f.product(code=f"P{i:02d}", name=f"灭火器{i}", model=f"M{i}", category=cat)
        f.base_price(p, f"{100 + i}.00", date(2026, 1, 1), cost=f"{987 + i}.55")
        products.append(p)
    f.rule(DiscountKind.CUSTOMER_CLASS, "8", customer_class="A", note="A类秘密折扣")
    f.rule(DiscountKind.QUANTITY, "3", min_quantity=100)
    return products


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

        return Api()

    return make


# --- price list: confidentiality -------------------------------------------------------------


def test_price_list_hides_cost_from_a_rep(login, company, catalog, django_assert_max_num_queries):
    c = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        r = c.get("/pricing/prices/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "P00" in body and "¥100.00" in body
    assert "987.55" not in body and "col-cost" not in body and "col-margin" not in body


def test_price_list_shows_cost_to_management(login, company, catalog):
    body = login(company.gm).get("/pricing/prices/").content.decode()
    assert "¥987.55" in body and "col-margin" in body


def test_price_list_cannot_be_sorted_or_filtered_by_cost(login, company, catalog):
    c = login(company.rep_e1)
    by_code = c.get("/pricing/prices/").content.decode()
    for query in ("?sort=cost_price", "?sort=-cost_price", "?cost_price__gt=990", "?sort=margin"):
        assert c.get("/pricing/prices/" + query).content.decode().count("price-row") == (
            by_code.count("price-row")
        )
    # Sorting by cost falls back to code order (P00 first), not cost order
    body = c.get("/pricing/prices/?sort=-cost_price").content.decode()
    assert body.index("P00") < body.index("P11")


def test_price_list_denied_without_right(login, company, catalog):
    assert login(company.hr1).get("/pricing/prices/").status_code == 403
    assert login(company.hr1).get("/pricing/prices/export/").status_code == 403


def _sheet(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in wb.active.iter_rows(values_only=True)]


def test_export_without_cost_for_rep_is_audited_with_filters(login, company, catalog):
    r = login(company.rep_e1).get("/pricing/prices/export/?q=P01")
    rows = _sheet(r)
    assert len(rows) == 2
    assert "987.55" not in json.dumps(rows, default=str) and "988.55" not in json.dumps(
        rows, default=str
    )
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert event.actor_id == company.rep_e1.pk
    assert "q=P01" in event.detail["what"]
    assert event.detail["rows"] == 1


def test_export_with_cost_for_management(login, company, catalog):
    rows = _sheet(login(company.gm).get("/pricing/prices/export/?q=P01"))
    assert rows[1][7] == 988.55 or str(rows[1][7]) == "988.55"


# --- calculator ------------------------------------------------------------------------------


def test_calculator_shows_steps_percent_only_to_confidential(login, company, catalog):
    customer = make_customer(company.rep_e1, "上海某大厦")
    Customer.objects.filter(pk=customer.pk).update(customer_class="A")
    p = catalog[0]
    url = (
        f"/pricing/prices/effective/?customer={customer.pk}&product={p.pk}&unit={p.unit_id}"
        f"&quantity=100&on=2026-06-01"
    )
    body = login(company.rep_e1).get(url).content.decode()
    # 100 × .92 = 92.00 × .97 = 89.24
    assert "¥89.24" in body and "¥92.00" in body
    assert "8.00%" not in body and "3.00%" not in body
    body = login(company.gm).get(url).content.decode()
    assert "¥89.24" in body and "8.00%" in body


def test_calculator_customer_out_of_scope_is_404(login, company, catalog):
    other = make_customer(company.rep_w1, "成都某广场")
    p = catalog[0]
    url = f"/pricing/prices/effective/?customer={other.pk}&product={p.pk}&unit={p.unit_id}&quantity=1&on=2026-06-01"
    r = login(company.rep_e1).get(url)
    assert r.status_code in (200, 404)
    # Not among the choices: the form refuses it, and no price is shown
    assert "effective-result" not in r.content.decode()


def test_calculator_missing_price_is_a_message(login, company, catalog):
    p = catalog[0]
    url = f"/pricing/prices/effective/?customer_class=C&product={p.pk}&unit={p.unit_id}&quantity=1&on=2025-01-01"
    body = login(company.rep_e1).get(url).content.decode()
    assert "effective-error" in body and "灭火器0" in body


# --- API -------------------------------------------------------------------------------------


def test_api_prices_without_confidential_fields_for_rep(api, company, catalog):
    r = api(company.rep_e1).get("/api/v1/pricing/prices/", page_size=5)
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 12
    item = data["items"][0]
    assert item["product_code"] == "P00" and item["price"] == "100.00"
    assert "cost_price" not in item and "margin" not in item
    assert "987.55" not in r.content.decode()


def test_api_prices_with_confidential_fields_for_management(api, company, catalog):
    item = api(company.gm).get("/api/v1/pricing/prices/", q="P00").json()["items"][0]
    assert item["cost_price"] == "987.55"


def test_api_price_list_read_is_an_audited_export(api, company, catalog):
    from xiaoguan.core.models import AuditEvent, AuditKind

    api(company.gm).get("/api/v1/pricing/prices/", page_size=5, q="P0")
    event = AuditEvent.objects.filter(kind=AuditKind.EXPORT).latest("pk")
    assert event.actor_id == company.gm.pk
    assert event.detail["what"] == "pricing.prices" and event.detail["via"] == "api"
    assert event.detail["rows"] == 5 and event.detail["confidential"] is True
    assert event.detail["filters"] == {"q": "P0"}


def test_api_prices_ignore_cost_sort(api, company, catalog):
    data = api(company.rep_e1).get("/api/v1/pricing/prices/", sort="-cost_price").json()
    assert [i["product_code"] for i in data["items"][:2]] == ["P00", "P01"]


def test_api_prices_denied_without_right(api, company, catalog):
    assert api(company.hr1).get("/api/v1/pricing/prices/").status_code == 403


def test_api_effective_price(api, company, catalog):
    customer = make_customer(company.rep_e1, "上海某大厦")
    Customer.objects.filter(pk=customer.pk).update(customer_class="A")
    p = catalog[0]
    params = {
        "product_id": p.pk,
        "unit_id": p.unit_id,
        "quantity": "100",
        "customer_id": customer.pk,
        "on": "2026-06-01",
    }
    r = api(company.rep_e1).get("/api/v1/pricing/prices/effective", **params)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["price"] == "89.24" and data["base_price"] == "100.00"
    assert [s["price"] for s in data["steps"]] == ["100.00", "92.00", "89.24"]
    assert all("percent" not in s for s in data["steps"])
    mgr = api(company.gm).get("/api/v1/pricing/prices/effective", **params).json()
    assert [s.get("percent") for s in mgr["steps"]] == [None, "8.00", "3.00"]


def test_api_effective_price_refusals(api, company, catalog):
    other = make_customer(company.rep_w1, "成都某广场")
    p = catalog[0]
    base = {"product_id": p.pk, "unit_id": p.unit_id, "quantity": "1", "on": "2026-06-01"}
    r = api(company.rep_e1).get("/api/v1/pricing/prices/effective", customer_id=other.pk, **base)
    assert r.status_code == 404
    mine = make_customer(company.rep_e1, "上海某大厦")
    r = api(company.rep_e1).get(
        "/api/v1/pricing/prices/effective", customer_id=mine.pk, **{**base, "on": "2025-01-01"}
    )
    assert r.status_code == 422 and r.json()["code"] == "price_missing"
    r = api(company.rep_e1).get(
        "/api/v1/pricing/prices/effective", customer_id=mine.pk, **{**base, "quantity": "0"}
    )
    assert r.status_code == 422
    assert (
        api(company.hr1).get("/api/v1/pricing/prices/effective", customer_id=mine.pk, **base)
    ).status_code == 403


# --- price changes pages ---------------------------------------------------------------------


def test_price_change_form_creates_a_draft(login, company, catalog):
    c = login(company.mgr_east)
    p = catalog[0]
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    r = c.post(
        "/pricing/changes/new/",
        {
            "reason": "涨价",
            "effective_from": day,
            "line-1-product": p.pk,
            "line-1-unit": p.unit_id,
            "line-1-new_price": "123.45",
            "line-2-product": "",
            "line-2-new_price": "",
        },
    )
    change = PriceChange.objects.get()
    assert r.status_code == 302 and r.url == f"/pricing/changes/{change.pk}/"
    assert change.lines.get().new_price == D("123.45")
    body = c.get(r.url).content.decode()
    assert "¥123.45" in body and "¥100.00" in body


def test_price_change_form_bad_line_shows_message_and_saves_nothing(login, company, catalog):
    c = login(company.mgr_east)
    p = catalog[0]
    r = c.post(
        "/pricing/changes/new/",
        {
            "reason": "涨价",
            "effective_from": timezone.localdate().isoformat(),
            "line-1-product": p.pk,
            "line-1-unit": p.unit_id,
            "line-1-new_price": "-1",
        },
    )
    assert r.status_code == 200
    assert "line-errors" in r.content.decode()
    assert PriceChange.objects.count() == 0


def test_price_change_pages_denied_to_rep_and_out_of_scope_is_404(login, company, catalog):
    assert login(company.rep_e1).get("/pricing/changes/").status_code == 403
    assert login(company.rep_e1).get("/pricing/changes/new/").status_code == 403
    from xiaoguan.pricing.services.prices import (
        PriceChangeData,
        PriceChangeLineData,
        price_change_create,
    )

    p = catalog[0]
    change = price_change_create(
        actor=company.mgr_east,
        data=PriceChangeData("x", timezone.localdate()),
        lines=[PriceChangeLineData(p.pk, p.unit_id, "1")],
    )
    assert login(company.mgr_west).get(f"/pricing/changes/{change.pk}/").status_code == 404
    r = login(company.mgr_west).post(f"/pricing/changes/{change.pk}/submit/")
    assert r.status_code == 404
    assert PriceChange.objects.get().status == ApprovalDocStatus.DRAFT


def test_price_change_list_query_count(login, company, catalog, django_assert_max_num_queries):
    from xiaoguan.pricing.services.prices import (
        PriceChangeData,
        PriceChangeLineData,
        price_change_create,
    )

    p = catalog[0]
    for _i in range(5):
        price_change_create(
            actor=company.mgr_east,
            data=PriceChangeData("x", timezone.localdate()),
            lines=[PriceChangeLineData(p.pk, p.unit_id, "1")],
        )
    c = login(company.mgr_east)
    with django_assert_max_num_queries(12):
        r = c.get("/pricing/changes/")
    assert r.content.decode().count("price-change-row") == 5


# --- policy pages ----------------------------------------------------------------------------


def test_discount_rules_page_confidential_only(login, company, catalog):
    assert login(company.rep_e1).get("/pricing/discounts/").status_code == 403
    assert login(company.mgr_east).get("/pricing/discounts/").status_code == 403
    body = login(company.finance1).get("/pricing/discounts/").content.decode()
    assert "8.00%" in body and "discount-add" not in body
    # finance sees but cannot change
    r = login(company.finance1).post(
        "/pricing/discounts/", {"kind": "quantity", "min_quantity": "5", "percent": "50"}
    )
    assert r.status_code == 404
    assert DiscountRule.objects.count() == 2


def test_management_adds_and_edits_a_rule_with_history(login, company, catalog):
    c = login(company.gm)
    r = c.post(
        "/pricing/discounts/",
        {"kind": "customer_class", "customer_class": "B", "percent": "5", "is_active": "on"},
    )
    assert r.status_code == 302
    rule = DiscountRule.objects.get(customer_class="B")
    r = c.post(
        f"/pricing/discounts/{rule.pk}/edit/",
        {"kind": "customer_class", "customer_class": "B", "percent": "6", "is_active": "on"},
    )
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.percent == D("6")
    body = c.get(f"/pricing/discounts/{rule.pk}/edit/").content.decode()
    assert "change-history-row" in body
    assert AuditEvent.objects.filter(kind=AuditKind.POLICY_CHANGED).count() == 2


def test_bad_rule_refused(login, company, catalog):
    c = login(company.gm)
    r = c.post(
        "/pricing/discounts/", {"kind": "customer_class", "customer_class": "", "percent": "5"}
    )
    assert r.status_code == 200
    r = c.post("/pricing/discounts/", {"kind": "quantity", "percent": "100"})
    assert r.status_code == 200
    assert DiscountRule.objects.count() == 2


def test_float_ranges_page(login, company):
    from xiaoguan.org.models import Role

    assert login(company.director).get("/pricing/float-ranges/").status_code == 403
    c = login(company.gm)
    rep = Role.objects.get(code="sales_rep")
    mgr = Role.objects.get(code="sales_manager")
    r = c.post("/pricing/float-ranges/", {f"role-{rep.pk}": "5", f"role-{mgr.pk}": "10"})
    assert r.status_code == 302
    assert FloatRange.objects.get(role=rep).max_discount == D("5")
    r = c.post("/pricing/float-ranges/", {f"role-{rep.pk}": "abc"})
    assert r.status_code == 200
    assert FloatRange.objects.get(role=rep).max_discount == D("5")
    body = c.get("/pricing/float-ranges/").content.decode()
    assert "10.00%" in body


# --- promotions ------------------------------------------------------------------------------


def test_promotions_pages(login, company, catalog):
    p = catalog[0]
    c = login(company.mgr_east)
    start = timezone.localdate()
    r = c.post(
        "/pricing/promotions/new/",
        {
            "name": "春季促销",
            "product": p.pk,
            "unit": p.unit_id,
            "price": "80.00",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=30)).isoformat(),
        },
    )
    promo = Promotion.objects.get()
    assert r.status_code == 302 and promo.status == ApprovalDocStatus.DRAFT
    # Drafts are not visible to a rep; approved ones are
    assert login(company.rep_e1).get(f"/pricing/promotions/{promo.pk}/").status_code == 404
    Promotion.objects.filter(pk=promo.pk).update(status=ApprovalDocStatus.APPROVED)
    assert login(company.rep_e1).get(f"/pricing/promotions/{promo.pk}/").status_code == 200
    assert login(company.rep_e1).get("/pricing/promotions/new/").status_code == 403
    assert login(company.hr1).get("/pricing/promotions/").status_code == 403


def test_promotion_bad_dates_refused(login, company, catalog):
    p = catalog[0]
    r = login(company.mgr_east).post(
        "/pricing/promotions/new/",
        {
            "name": "x",
            "product": p.pk,
            "unit": p.unit_id,
            "price": "80",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
        },
    )
    assert r.status_code == 200 and Promotion.objects.count() == 0


def test_api_promotions(api, company, catalog):
    p = catalog[0]
    Promotion.objects.create(
        number="CX-1",
        name="已批",
        product=p,
        unit=p.unit,
        price=D("50"),
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 1, 1),
        status=ApprovalDocStatus.APPROVED,
        owner=company.gm,
        department=company.depts["HQ"],
    )
    draft = Promotion.objects.create(
        number="CX-2",
        name="草稿",
        product=p,
        unit=p.unit,
        price=D("50"),
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 1, 1),
        owner=company.mgr_east,
        department=company.depts["R-E"],
    )
    data = api(company.rep_e1).get("/api/v1/pricing/promotions/").json()
    assert [i["name"] for i in data["items"]] == ["已批"]
    assert api(company.rep_e1).get(f"/api/v1/pricing/promotions/{draft.pk}").status_code == 404
    assert api(company.mgr_east).get(f"/api/v1/pricing/promotions/{draft.pk}").status_code == 200


# --- price list import (management) ----------------------------------------------------------


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["产品编码", "单位", "基准价", "成本价"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "prices.xlsx"
    return buf


def test_price_import_loads_all_or_nothing(login, company, catalog):
    from xiaoguan.pricing.models import BasePrice

    assert login(company.director).get("/pricing/prices/import/").status_code == 403
    c = login(company.gm)
    r = c.post(
        "/pricing/prices/import/",
        {"file": _xlsx([["P00", "", 150, 90], ["NOPE", "", 1, None]]), "valid_from": "2026-03-01"},
    )
    assert r.status_code == 200 and "NOPE" in r.content.decode()
    assert not BasePrice.objects.filter(valid_from=date(2026, 3, 1)).exists()
    r = c.post(
        "/pricing/prices/import/",
        {
            "file": _xlsx([["P00", "具", 150, 90], ["P01", None, 151.5, None]]),
            "valid_from": "2026-03-01",
        },
    )
    assert r.status_code == 302
    rows = BasePrice.objects.filter(valid_from=date(2026, 3, 1)).order_by("product__code")
    assert [(b.product.code, b.price, b.cost_price) for b in rows] == [
        ("P00", D("150.00"), D("90.00")),
        ("P01", D("151.50"), None),
    ]
    assert AuditEvent.objects.filter(kind=AuditKind.IMPORT, actor_id=company.gm.pk).count() == 1


def test_promotion_list_query_count(login, company, catalog, django_assert_max_num_queries):
    for i, p in enumerate(catalog[:6]):
        Promotion.objects.create(
            number=f"CX-Q{i}",
            name=f"促销{i}",
            product=p,
            unit=p.unit,
            price=D("50"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2030, 1, 1),
            status=ApprovalDocStatus.APPROVED,
            owner=company.gm,
            department=company.depts["HQ"],
        )
    c = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        r = c.get("/pricing/promotions/")
    assert r.content.decode().count("promotion-row") == 6


def test_price_change_cost_only_for_confidential(login, company, catalog):
    from xiaoguan.pricing.services.prices import (
        PriceChangeData,
        PriceChangeLineData,
        price_change_create,
    )

    p = catalog[0]
    change = price_change_create(
        actor=company.director,
        data=PriceChangeData("成本变化", timezone.localdate()),
        lines=[PriceChangeLineData(p.pk, p.unit_id, "130", "876.54")],
    )
    assert "¥876.54" in login(company.gm).get(f"/pricing/changes/{change.pk}/").content.decode()
    # A sales manager who could see it (all-scope role added for the test) sees no cost
    from xiaoguan.org.models import Role

    company.mgr_west.roles.add(Role.objects.get(code="sales_director"))
    Role.objects.filter(code="sales_director").update(
        rights=[
            r for r in Role.objects.get(code="sales_director").rights if r != "pricing.confidential"
        ]
    )
    body = login(company.mgr_west).get(f"/pricing/changes/{change.pk}/").content.decode()
    assert "876.54" not in body and "¥130.00" in body
