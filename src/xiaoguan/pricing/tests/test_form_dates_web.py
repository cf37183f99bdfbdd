"""Date fields of the pricing forms keep their value on a Chinese page: an ``<input
type="date">`` only accepts ``YYYY-MM-DD``, and the Chinese input format (``2026/12/27``)
left the field empty, so saving an edited discount rule silently dropped its dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoguan.pricing.enums import DiscountKind
from xiaoguan.pricing.services import promotions
from xiaoguan.pricing.services.prices import (
    PriceChangeData,
    PriceChangeLineData,
    price_change_create,
)
from xiaoguan.pricing.tests import factories as f

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def product(company):
    p = f.product()
    f.base_price(p, "100.00", date(2020, 1, 1))
    return p


def test_discount_rule_edit_shows_and_keeps_its_dates(company, login, product):
    # given a rule valid in a date range
    rule = f.rule(
        DiscountKind.CUSTOMER_CLASS,
        "5.00",
        customer_class="A",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    client = login(company.gm)
    url = reverse("pricing:discount_rule_edit", args=[rule.pk])
    # when management opens it in Chinese
    body = client.get(url, **ZH).content.decode()
    # then both dates are in the inputs, in the format the date input accepts
    assert 'name="valid_from" value="2026-01-01"' in body
    assert 'name="valid_to" value="2026-12-31"' in body


def test_promotion_edit_shows_its_dates(company, login, product):
    today = timezone.localdate()
    promo = promotions.promotion_create(
        actor=company.mgr_east,
        data=promotions.PromotionData(
            name="双十一特价",
            product_id=product.pk,
            unit_id=product.unit_id,
            price="80.00",
            starts_on=today,
            ends_on=today + timedelta(days=10),
        ),
    )
    url = reverse("pricing:promotion_edit", args=[promo.pk])
    body = login(company.mgr_east).get(url, **ZH).content.decode()
    assert f'name="starts_on" value="{today.isoformat()}"' in body
    assert f'name="ends_on" value="{(today + timedelta(days=10)).isoformat()}"' in body


def test_price_change_edit_and_calculator_show_their_dates(company, login, product):
    when = timezone.localdate() + timedelta(days=3)
    change = price_change_create(
        actor=company.mgr_east,
        data=PriceChangeData(reason="原材料涨价", effective_from=when),
        lines=[PriceChangeLineData(product.pk, product.unit_id, "120.00", None)],
    )
    client = login(company.mgr_east)
    body = client.get(reverse("pricing:price_change_edit", args=[change.pk]), **ZH)
    assert f'name="effective_from" value="{when.isoformat()}"' in body.content.decode()
    calc = client.get(reverse("pricing:effective_price"), **ZH).content.decode()
    assert f'name="on" value="{timezone.localdate().isoformat()}"' in calc
