"""A contract drafted from a quote is edited on the page like any draft: its customer and
price date come from the quote and cannot be changed (the fields are disabled), and saving the
other terms works — the disabled fields keep the contract's values instead of failing as
"required"."""

from __future__ import annotations

from django.urls import reverse

from xiaoguan.contracts.models import Contract
from xiaoguan.contracts.tests.test_contracts_web import _post, given  # noqa: F401  (fixture)
from xiaoguan.customers.tests.factories import make_customer


def test_a_contract_from_a_quote_can_be_saved_and_keeps_its_customer(
    company,
    login,
    given,  # noqa: F811
):
    from xiaoguan.contracts.tests.test_contracts_quotes import accepted_quote

    cat, customer = given
    quote = accepted_quote(company.rep_e1, customer, cat)
    client = login(company.rep_e1)
    client.post(reverse("contracts:contract_from_quote", args=[quote.pk]))
    contract = Contract.objects.get(quote=quote)
    other = make_customer(company.rep_e1, "上海另一家物业管理有限公司")
    # when the rep fills in the terms (a browser posts nothing for a disabled field; a forged
    # post of another customer and price date is ignored)
    data = _post(customer, cat, version=contract.version, title="从报价生成的合同")
    data.pop("customer")
    data.pop("price_date")
    forged = {**data, "customer": other.pk, "price_date": "2020-01-01"}
    response = client.post(reverse("contracts:contract_edit", args=[contract.pk]), data)
    # then the draft is saved with the quote's customer and price date
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "从报价生成的合同"
    assert contract.delivery_place == "上海市浦东新区世纪大道100号"
    assert (contract.customer_id, contract.price_date) == (customer.pk, quote.price_date)
    forged["version"] = contract.version
    assert client.post(reverse("contracts:contract_edit", args=[contract.pk]), forged).status_code
    contract.refresh_from_db()
    assert (contract.customer_id, contract.price_date) == (customer.pk, quote.price_date)
