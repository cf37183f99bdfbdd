"""Stock pages: levels with filters and export, alerts, a product's ledger, goods receipt,
count, transfer and warehouses; rights and query counts."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.catalog.models import StockLevel, StockMovement, Warehouse
from xiaoguan.catalog.services.stock import stock_receive, stock_reserve
from xiaoguan.catalog.tests.factories import make_category, make_product
from xiaoguan.catalog.tests.test_stock_support import D, extinguisher, make_warehouse
from xiaoguan.core.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(company):
    actor = company.logistics1
    sh = make_warehouse(actor)
    cd = make_warehouse(actor, "CD", "成都分仓")
    product = extinguisher()
    stock_receive(actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(100))
    stock_receive(actor=actor, warehouse_id=cd.pk, product_id=product.pk, quantity=D(20))
    stock_reserve(
        actor=actor, warehouse_id=sh.pk, product_id=product.pk, quantity=D(30), reference="SO1"
    )
    return sh, cd, product


def rows(response, testid="stock-row"):
    return response.content.decode().count(f'data-testid="{testid}"')


def test_levels_page_lists_and_filters(company, login, stock):
    _sh, cd, _product = stock
    client = login(company.rep_e1)
    response = client.get(reverse("catalog:stock_levels"))
    assert response.status_code == 200 and rows(response) == 2
    body = response.content.decode()
    assert "手提式干粉灭火器" in body and "上海总仓" in body and ">70<" in body.replace(" ", "")
    assert "Goods receipt" not in body  # no stock_manage
    assert rows(client.get(reverse("catalog:stock_levels"), {"warehouse": cd.pk})) == 1
    assert rows(client.get(reverse("catalog:stock_levels"), {"q": "nothing"})) == 0
    other = make_category("阀门", code="VALVE")
    assert rows(client.get(reverse("catalog:stock_levels"), {"category": other.pk})) == 0
    response = client.get(reverse("catalog:stock_levels"), {"sort": "-available"})
    body = response.content.decode().split('data-testid="stock-table"')[1]
    assert body.index("上海总仓") < body.index("成都分仓")
    # an unknown sort or filter is ignored, never a 500
    assert (
        client.get(reverse("catalog:stock_levels"), {"sort": "evil", "warehouse": "x"}).status_code
        == 200
    )


def test_levels_page_query_count_is_constant(company, login, django_assert_max_num_queries):
    actor = company.logistics1
    sh = make_warehouse(actor)
    for i in range(30):
        p = make_product(f"P-{i:02}", f"产品{i}")
        stock_receive(actor=actor, warehouse_id=sh.pk, product_id=p.pk, quantity=D(i + 1))
    client = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:stock_levels"), {"sort": "-reorder"})
    assert rows(response) == 25
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:stock_product", args=[p.pk]))
    assert rows(response, "movement-row") == 1
    with django_assert_max_num_queries(12):
        assert client.get(reverse("catalog:warehouse_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("catalog:stock_alerts")).status_code == 200


def test_export_is_audited(company, login, stock):
    response = login(company.finance1).get(reverse("catalog:stock_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cells = list(book.active.iter_rows(values_only=True))
    assert len(cells) == 3 and "上海总仓" in cells[1] + cells[2]
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert event.detail["what"] == "catalog.stock" and event.detail["rows"] == 2


def test_rights(company, login, stock):
    sh, _cd, product = stock
    marketing = login(company.marketing1)
    assert marketing.get(reverse("catalog:stock_levels")).status_code == 403
    rep = login(company.rep_e1)
    assert rep.get(reverse("catalog:stock_receive")).status_code == 403
    response = rep.post(
        reverse("catalog:stock_receive"),
        {"warehouse": sh.pk, "product": product.pk, "quantity": "5"},
    )
    assert response.status_code == 403
    assert rep.get(reverse("catalog:warehouse_create")).status_code == 403


def test_goods_receipt_page(company, login, stock):
    sh, _cd, product = stock
    client = login(company.logistics1)
    assert client.get(reverse("catalog:stock_receive"), {"product": product.pk}).status_code == 200
    response = client.post(
        reverse("catalog:stock_receive"),
        {"warehouse": sh.pk, "product": product.pk, "quantity": "12", "reference": "RK-9"},
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(warehouse=sh, product=product).on_hand == 112
    for bad in ("0", "-3", "abc", "1.0001"):
        response = client.post(
            reverse("catalog:stock_receive"),
            {"warehouse": sh.pk, "product": product.pk, "quantity": bad},
        )
        assert response.status_code == 200 and "is-invalid" in response.content.decode(), bad
    assert StockLevel.objects.get(warehouse=sh, product=product).on_hand == 112


def test_count_and_transfer_pages_show_refusals(company, login, stock):
    sh, cd, product = stock
    client = login(company.logistics1)
    response = client.post(
        reverse("catalog:stock_adjust"),
        {"warehouse": sh.pk, "product": product.pk, "counted": "10", "reason": "盘点"},
    )
    assert response.status_code == 200
    assert "30 具 are reserved for orders" in response.content.decode()
    response = client.post(
        reverse("catalog:stock_adjust"),
        {"warehouse": sh.pk, "product": product.pk, "counted": "95", "reason": "盘点"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("catalog:stock_transfer"),
        {"from_warehouse": sh.pk, "to_warehouse": cd.pk, "product": product.pk, "quantity": "66"},
    )
    assert response.status_code == 200
    assert "65 具 available" in response.content.decode()
    response = client.post(
        reverse("catalog:stock_transfer"),
        {"from_warehouse": sh.pk, "to_warehouse": cd.pk, "product": product.pk, "quantity": "65"},
    )
    assert response.status_code == 302
    assert StockLevel.objects.get(warehouse=cd, product=product).on_hand == 85


def test_product_ledger_and_reorder_point(company, login, stock):
    sh, _cd, product = stock
    client = login(company.logistics1)
    response = client.get(reverse("catalog:stock_product", args=[product.pk]))
    assert rows(response, "movement-row") == 3
    assert (
        rows(
            client.get(reverse("catalog:stock_product", args=[product.pk]), {"warehouse": sh.pk}),
            "movement-row",
        )
        == 2
    )
    assert client.get(reverse("catalog:stock_product", args=[999999])).status_code == 404
    client.post(
        reverse("catalog:stock_reorder_point", args=[product.pk]),
        {"warehouse": sh.pk, "reorder_point": "80"},
    )
    assert StockLevel.objects.get(warehouse=sh, product=product).reorder_point == 80
    response = client.get(reverse("catalog:stock_alerts"))
    assert rows(response, "alert-row") == 1
    response = client.post(
        reverse("catalog:stock_reorder_point", args=[product.pk]),
        {"warehouse": sh.pk, "reorder_point": "-1"},
        follow=True,
    )
    assert StockLevel.objects.get(warehouse=sh, product=product).reorder_point == 80


def test_warehouse_pages(company, login, stock):
    sh, _cd, _product = stock
    client = login(company.logistics1)
    response = client.get(reverse("catalog:warehouse_list"))
    assert rows(response, "warehouse-row") == 2
    response = client.post(
        reverse("catalog:warehouse_create"),
        {
            "code": "GZ",
            "name": "广州仓",
            "address": "广州市白云区",
            "keeper": company.logistics1.pk,
        },
    )
    assert response.status_code == 302
    gz = Warehouse.objects.get(code="GZ")
    response = client.post(reverse("catalog:warehouse_create"), {"code": "gz", "name": "广州仓"})
    assert response.status_code == 200 and "already used" in response.content.decode()
    response = client.post(
        reverse("catalog:warehouse_edit", args=[gz.pk]), {"code": "GZ", "name": "广州一仓"}
    )
    assert response.status_code == 302
    gz.refresh_from_db()
    assert gz.name == "广州一仓"
    response = client.post(reverse("catalog:warehouse_deactivate", args=[sh.pk]), follow=True)
    assert "still holds stock" in response.content.decode()
    assert Warehouse.objects.get(pk=sh.pk).is_active
    client.post(reverse("catalog:warehouse_deactivate", args=[gz.pk]))
    assert not Warehouse.objects.get(pk=gz.pk).is_active
    client.post(reverse("catalog:warehouse_activate", args=[gz.pk]))
    assert Warehouse.objects.get(pk=gz.pk).is_active
    assert client.get(reverse("catalog:warehouse_edit", args=[999999])).status_code == 404
    assert StockMovement.objects.count() == 3
