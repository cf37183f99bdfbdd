"""Shipping pages: a logistics user plans, prepares, ships; the customer's delivery is
confirmed; refusals are shown on the page; lists are scoped and their query counts fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.orders.enums import ShipmentStatus
from xiaoguan.orders.models import Shipment, ShippingPlan
from xiaoguan.orders.tests.test_shipping_support import (  # noqa: F401 - fixture
    D,
    confirmed_order,
    deliver,
    english,
    extinguisher,
    line_of,
    prepare,
    receive,
    ship,
    warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(company):
    ext = extinguisher()
    wh = warehouse(company.logistics1)
    receive(company.logistics1, wh, ext, 200)
    customer = make_customer(company.rep_e1, "宁波港务集团")
    order = confirmed_order(
        company.rep_e1, customer, [(ext, 100, "120.00")], wh=wh, reserver=company.logistics1
    )
    return type("Given", (), {"ext": ext, "wh": wh, "customer": customer, "order": order})


def test_logistics_prepares_and_ships_through_the_pages(company, login, given):
    c = login(company.logistics1)
    url = reverse("orders:shipment_prepare", args=[given.order.pk])
    assert c.get(url).status_code == 200
    line = line_of(given.order, given.ext)
    # more than ordered: the page says so, nothing saved
    r = c.post(
        url,
        {
            "warehouse_id": given.wh.pk,
            "method": "express",
            "carrier": "顺丰",
            f"qty_{line.pk}": "101",
        },
    )
    assert r.status_code == 200
    assert "手提式干粉灭火器" in r.content.decode()
    assert not Shipment.objects.exists()
    r = c.post(
        url,
        {
            "warehouse_id": given.wh.pk,
            "method": "express",
            "carrier": "顺丰",
            f"qty_{line.pk}": "30",
        },
    )
    shipment = Shipment.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("orders:shipment_detail", args=[shipment.pk])
    ship_url = reverse("orders:shipment_ship", args=[shipment.pk])
    r = c.post(ship_url, {"shipped_on": timezone.localdate().isoformat(), "carrier": "顺丰"})
    assert r.status_code == 200
    assert "waybill" in r.content.decode()
    r = c.post(
        ship_url,
        {
            "shipped_on": timezone.localdate().isoformat(),
            "carrier": "顺丰",
            "waybill_no": "SF100200300",
        },
    )
    assert r.status_code == 302
    shipment.refresh_from_db()
    assert (shipment.status, shipment.waybill_no) == (ShipmentStatus.SHIPPED, "SF100200300")
    detail = c.get(reverse("orders:shipment_detail", args=[shipment.pk]))
    assert "SF100200300" in detail.content.decode()


def test_a_rep_confirms_delivery_but_cannot_ship(company, login, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    c = login(company.rep_e1)
    assert c.get(reverse("orders:shipment_ship", args=[s.pk])).status_code == 403
    ship(company.logistics1, s, on=timezone.localdate() - timedelta(days=1))
    url = reverse("orders:shipment_deliver", args=[s.pk])
    r = c.post(
        url,
        {
            "delivered_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "received_by": "王建国",
        },
    )
    assert r.status_code == 200
    assert "cannot be before the shipping date" in r.content.decode()
    r = c.post(url, {"delivered_on": timezone.localdate().isoformat(), "received_by": "王建国"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == ShipmentStatus.DELIVERED


def test_out_of_scope_shipments_do_not_exist(company, login, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    c = login(company.rep_w1)
    assert c.get(reverse("orders:shipment_detail", args=[s.pk])).status_code == 404
    assert c.get(reverse("orders:shipment_prepare", args=[given.order.pk])).status_code in (
        403,
        404,
    )
    r = c.get(reverse("orders:shipment_list"))
    assert s.number not in r.content.decode()


def test_plan_then_board_and_late_page(company, login, given):
    c = login(company.logistics1)
    r = c.post(
        reverse("orders:shipping_plan_create", args=[given.order.pk]),
        {
            "planned_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "method": "freight",
            "carrier": "德邦物流",
            "note": "整车",
        },
    )
    assert r.status_code == 302
    plan = ShippingPlan.objects.get()
    board = c.get(reverse("orders:shipping_board"))
    assert given.order.number in board.content.decode()
    assert "德邦物流" in board.content.decode()
    late = c.get(reverse("orders:shipping_late"))
    assert given.order.number in late.content.decode()
    other = warehouse(company.logistics1, "BJ", "北京仓")
    filtered = c.get(reverse("orders:shipping_board"), {"warehouse": other.pk})
    assert given.order.number not in filtered.content.decode()
    c.post(reverse("orders:shipping_plan_cancel", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_active is False


def test_list_pages_query_counts_do_not_grow(company, login, given, django_assert_max_num_queries):
    for _n in range(6):
        s = prepare(company.logistics1, given.order, given.wh, {given.ext: "5"})
        ship(company.logistics1, s, on=timezone.localdate() - timedelta(days=9))
    c = login(company.logistics1)
    for name in ("orders:shipment_list", "orders:shipping_board", "orders:shipping_late"):
        with django_assert_max_num_queries(16):
            assert c.get(reverse(name)).status_code == 200
    r = c.get(reverse("orders:shipment_list"), {"late": "on"})
    assert r.content.decode().count('data-testid="late-flag"') == 6
    with django_assert_max_num_queries(16):
        assert c.get(reverse("orders:exception_list")).status_code == 200


def test_delivered_list_filter(company, login, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "5"})
    ship(company.logistics1, s)
    deliver(company.rep_e1, s)
    c = login(company.logistics1)
    r = c.get(reverse("orders:shipment_list"), {"status": "delivered"})
    assert s.number in r.content.decode()
    r = c.get(reverse("orders:shipment_list"), {"status": "prepared"})
    assert s.number not in r.content.decode()
    assert D(5) == s.lines.get().quantity


def test_the_order_page_shows_the_shipping_section(company, login, given):
    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "10"})
    page = login(company.logistics1).get(reverse("orders:order_detail", args=[given.order.pk]))
    html = page.content.decode()
    assert 'data-testid="order-shipping"' in html
    assert s.number in html
    assert reverse("orders:shipment_prepare", args=[given.order.pk]) in html
    # a rep sees the section without the logistics actions
    html = login(company.rep_e1).get(reverse("orders:order_detail", args=[given.order.pk]))
    assert s.number in html.content.decode()
    assert reverse("orders:shipment_prepare", args=[given.order.pk]) not in html.content.decode()


def test_the_signed_delivery_note_is_attached_to_the_shipment(company, login, given):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoguan.core.models import Attachment

    s = prepare(company.logistics1, given.order, given.wh, {given.ext: "5"})
    c = login(company.rep_e1)
    detail = reverse("orders:shipment_detail", args=[s.pk])
    r = c.post(
        reverse("attachment_upload"),
        {
            "owner": "orders.shipment",
            "object_id": s.pk,
            "next": detail,
            "file": SimpleUploadedFile("签收单.pdf", b"%PDF-1.4 signed", "application/pdf"),
        },
    )
    assert r.status_code == 302
    assert Attachment.objects.filter(object_id=s.pk, name="签收单.pdf").exists()
    assert "签收单.pdf" in c.get(detail).content.decode()
    # out of scope: the West rep cannot attach to it
    r = login(company.rep_w1).post(
        reverse("attachment_upload"),
        {
            "owner": "orders.shipment",
            "object_id": s.pk,
            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert r.status_code in (403, 404)
    assert Attachment.objects.filter(object_id=s.pk).count() == 1
