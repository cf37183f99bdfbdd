"""An exported price list loads again as it is (R-X-5): the export's extra columns (name,
model, category, valid from, margin) are read and ignored by the import instead of refusing the
file as "unknown columns" — in Chinese and in English."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from xiaoguan.pricing.models import BasePrice
from xiaoguan.pricing.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_price_list_loads_again(company, login, language):
    # given two products with prices and costs
    category = f.category()
    for i in range(2):
        product = f.product(code=f"P{i:02d}", name=f"灭火器{i}", model=f"M{i}", category=category)
        f.base_price(product, f"{100 + i}.00", date(2026, 1, 1), cost=f"{60 + i}.00")
    client = login(company.gm)
    # when management exports the list and loads the same file from another day
    export = client.get("/pricing/prices/export/", HTTP_ACCEPT_LANGUAGE=language)
    assert export.status_code == 200
    upload = io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content)
    upload.name = "prices.xlsx"
    response = client.post(
        "/pricing/prices/import/",
        {"file": upload, "valid_from": "2026-03-01"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    # then every price is loaded again, cost included
    assert response.status_code == 302, response.content.decode()[-2000:]
    rows = BasePrice.objects.filter(valid_from=date(2026, 3, 1)).order_by("product__code")
    assert [(b.product.code, b.price, b.cost_price) for b in rows] == [
        ("P00", Decimal("100.00"), Decimal("60.00")),
        ("P01", Decimal("101.00"), Decimal("61.00")),
    ]
