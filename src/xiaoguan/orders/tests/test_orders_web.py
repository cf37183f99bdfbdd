"""The order pages: list (scope, filters, export, query count), detail, taking orders from a
contract and directly, editing a draft, review, cancel, credit holds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiaoguan.core.models import AuditEvent
from xiaoguan.orders.enums import CreditHoldStatus, OrderStatus
from xiaoguan.orders.models import CreditHold, Order
from xiaoguan.orders.services.orders import order_confirm, order_submit
from xiaoguan.orders.tests.factories import (
    credit_chain,
    customer,
    direct_order,
    goods,
    line,
    set_limit,
    signed,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_orders_in_scope_with_a_fixed_number_of_queries(
    client, company, django_assert_max_num_queries
):
    g = goods(company.gm)
    east = customer(company.rep_e1)
    for _i in range(5):
        direct_order(company.rep_e1, east, [line(g.hydrant, "1")])
    direct_order(company.rep_w1, customer(company.rep_w1, "成都西部消防"), [line(g.hydrant, "1")])
    client.force_login(company.mgr_east)
    url = reverse("orders:order_list")
    with django_assert_max_num_queries(14):
        response = client.get(url, {"status": "draft", "sort": "-total"})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="order-row"') == 5
    client.force_login(company.rep_w1)
    assert client.get(url).content.decode().count('data-testid="order-row"') == 1


def test_the_export_is_audited(client, company):
    g = goods(company.gm)
    direct_order(company.rep_e1, customer(company.rep_e1), [line(g.hydrant, "1")])
    client.force_login(company.mgr_east)
    response = client.get(reverse("orders:order_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(kind="export").exists()


def test_taking_an_order_from_a_contract_shows_what_remains(client, company):
    g = goods(company.gm)
    contract = signed(company.rep_e1, [(g.hydrant, "4", "800")])
    cl = contract.lines.get()
    client.force_login(company.rep_e1)
    url = reverse("orders:order_create_contract")
    page = client.get(url, {"contract": contract.pk})
    assert 'data-testid="order-remaining">4<' in page.content.decode()
    refused = client.post(url, {"contract": contract.pk, f"qty_{cl.pk}": "5"})
    assert refused.status_code == 422
    assert "More is ordered than remains" in refused.content.decode()
    assert not Order.objects.exists()
    done = client.post(
        url, {"contract": contract.pk, f"qty_{cl.pk}": "3", "warehouse": g.warehouse.pk}
    )
    order = Order.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "orders:order_detail", args=[order.pk]
    )
    assert order.ship_to == contract.delivery_place


def test_a_direct_order_page_and_a_stale_edit(client, company):
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    client.force_login(company.rep_e1)
    response = client.post(
        reverse("orders:order_create_direct"),
        {
            "channel": "phone",
            "customer": cust.pk,
            "ship_to": "上海市徐汇区漕溪北路1号",
            "payment_terms": "货到30天",
            "payment_days": "30",
            "line_product": [g.hydrant.pk, ""],
            "line_unit": [g.hydrant.unit_id, ""],
            "line_quantity": ["2", ""],
            "line_unit_price": ["", ""],
            "line_discount": ["", ""],
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert order.total == 1700
    edit = reverse("orders:order_edit", args=[order.pk])
    stale = client.post(
        edit,
        {
            "version": 0,
            "ship_to": "x",
            "payment_terms": "y",
            "line_product": [g.hydrant.pk],
            "line_unit": [g.hydrant.unit_id],
            "line_quantity": ["5"],
        },
    )
    assert stale.status_code == 422
    assert "Someone else changed this record" in stale.content.decode()
    order.refresh_from_db()
    assert order.total == 1700


def test_review_page_confirms_or_returns(client, company):
    g = goods(company.gm)
    order = direct_order(company.rep_e1, customer(company.rep_e1), [line(g.hydrant, "2")])
    order_submit(actor=company.rep_e1, order=order)
    url = reverse("orders:order_review", args=[order.pk])
    client.force_login(company.rep_e1)
    assert client.get(url).status_code == 403
    client.force_login(company.mgr_east)
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="review-check"') == 5
    refused = client.post(url, {"action": "confirm", "confirmation_note": ""})
    assert refused.status_code == 422
    done = client.post(url, {"action": "confirm", "confirmation_note": "电话确认"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    detail = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="order-line-reserved">2<' in detail


def test_cancel_needs_a_reason(client, company):
    g = goods(company.gm)
    order = direct_order(company.rep_e1, customer(company.rep_e1), [line(g.hydrant, "2")])
    client.force_login(company.rep_e1)
    url = reverse("orders:order_cancel", args=[order.pk])
    client.post(url, {"reason": ""})
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    client.post(url, {"reason": "客户取消"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_credit_hold_shown_listed_and_release_requested(client, company):
    credit_chain()
    g = goods(company.gm)
    cust = customer(company.rep_e1)
    set_limit(cust, "100")
    order = direct_order(company.rep_e1, cust, [line(g.hydrant, "2")])
    order_submit(actor=company.rep_e1, order=order)
    order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    hold = CreditHold.objects.get(order=order)
    client.force_login(company.mgr_east)
    detail = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="credit-hold"' in detail and "¥100.00" in detail
    listing = client.get(reverse("orders:credit_hold_list")).content.decode()
    assert order.number in listing
    url = reverse("orders:credit_hold_release", args=[hold.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "月底回款"}).status_code == 302
    hold.refresh_from_db()
    assert hold.status == CreditHoldStatus.IN_APPROVAL
    client.force_login(company.rep_e1)
    assert client.get(reverse("orders:credit_hold_list")).status_code == 403


def test_the_credit_hold_list_reads_a_fixed_number_of_queries(
    client, company, django_assert_max_num_queries
):
    g = goods(company.gm)
    for i in range(4):
        cust = customer(company.rep_e1, f"客户{i}")
        set_limit(cust, "100")
        order = direct_order(company.rep_e1, cust, [line(g.hydrant, "1")])
        order_submit(actor=company.rep_e1, order=order)
        order_confirm(actor=company.mgr_east, order=order, confirmation_note="电话确认")
    client.force_login(company.finance1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orders:credit_hold_list"))
    assert response.content.decode().count('data-testid="credit-hold-row"') == 4
