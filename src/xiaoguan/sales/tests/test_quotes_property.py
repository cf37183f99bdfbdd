"""Property: whatever the lines, a quote's totals add up to the cent (R-QUO-2): the total is the
sum of the line amounts, and the amount at effective prices minus the discount is the total."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.services.quotes import QuoteLineData
from xiaoguan.sales.tests.quote_factories import make_quote, priced_product

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5000"), places=3)
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2)
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2)
line_specs = st.lists(
    st.tuples(st.integers(0, 2), quantities, st.one_of(st.none(), prices), discounts),
    min_size=1,
    max_size=8,
)


def _catalog(company):
    """Three products and a customer, made once per test (hypothesis runs many examples)."""
    made = company.__dict__.setdefault("quote_catalog", {})
    if not made:
        made["products"] = [
            priced_product("P-A", "手提式干粉灭火器", price="99.99"),
            priced_product("P-B", "室内消火栓", price="333.33"),
            priced_product("P-C", "点型光电感烟火灾探测器", price="0.07"),
        ]
        made["customer"] = make_customer(company.rep_e1, "上海某大厦")
    return made["products"], made["customer"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=line_specs)
def test_totals_add_up_to_the_cent(company, specs):
    products = (
        [
            priced_product("P-A", "手提式干粉灭火器", price="99.99"),
            priced_product("P-B", "室内消火栓", price="333.33"),
            priced_product("P-C", "点型光电感烟火灾探测器", price="0.07"),
        ]
        if not hasattr(company, "_products")
        else company._products
    )
    company.__dict__["_products"] = products
    customer = company.__dict__.get("_customer") or make_customer(company.rep_e1, "上海某大厦")
    company.__dict__["_customer"] = customer
    lines = [
        QuoteLineData(
            product_id=products[i].pk,
            unit_id=products[i].unit_id,
            quantity=qty,
            unit_price=price,
            discount=discount,
        )
        for i, qty, price, discount in specs
    ]
    try:
        quote = make_quote(company.rep_e1, customer, lines)
    except Exception as exc:  # a discount that rounds the price to 0 is refused, as it must be
        assert getattr(exc, "code", "") == "quote_invalid"
        return
    amounts = list(quote.lines.values_list("amount", flat=True))
    assert quote.total == sum(amounts, Decimal("0.00"))
    assert quote.list_total - quote.discount_total == quote.total
    for row in quote.lines.all():
        expected = (row.quantity * row.unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert row.amount == expected
