"""The line editor's price preview with numbers out of range: no preview and no server error
(a quantity like 1e99999 made the amount's rounding fail)."""

import pytest
from django.urls import reverse

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.tests.quote_factories import priced_product


@pytest.mark.parametrize(
    "params",
    [
        {"line-quantity": "1e99999"},
        {"line-quantity": "99999999999999999"},
        {"line-quantity": "1", "line-unit_price": "1e40"},
        {"line-quantity": "1e20", "line-unit_price": "1e20"},
    ],
)
def test_out_of_range_numbers_get_no_preview_and_no_error(company, login, params):
    customer = make_customer(company.rep_e1, "上海安消消防设备有限公司")
    product = priced_product("MFZ-ABC4", "手提式干粉灭火器", price="100.00")
    response = login(company.rep_e1).get(
        reverse("sales:quote_line_preview"),
        {"customer": customer.pk, "line-product": product.pk, **params},
    )
    assert response.status_code == 200
    body = response.content.decode()
    if "line-unit_price" not in params:
        assert "line-preview-price" not in body
