"""The search pickers' suggestions (org:employee_picker, customers:picker,
orders:contract_picker) under the
access-control harness: the walk in test_access.py reaches them with no query (they answer
nothing); here each role searches for the out-of-scope canaries by name."""

from __future__ import annotations

import pytest
from django.urls import reverse
from security.test_access import ALL_ROLES, MARKER, NARROW, canaries  # noqa: F401

PICKERS = {
    "org:employee_picker": {"q": MARKER},
    "customers:picker": {"q": MARKER, "inactive": "1"},
    "orders:contract_picker": {"q": MARKER},
}
RIGHTS = {"customers:picker": "customers.view", "orders:contract_picker": "orders.edit"}


@pytest.mark.parametrize("username", ALL_ROLES)
def test_pickers_never_suggest_a_record_outside_the_scope(client, canaries, company, username):  # noqa: F811
    user = company.users[username]
    client.force_login(user)
    for name, params in PICKERS.items():
        response = client.get(reverse(name), params)
        if name in RIGHTS and not user.has_right(RIGHTS[name]):
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        labels = [item["label"] for item in response.json()["items"]]
        if username in NARROW:
            assert not any(MARKER in label for label in labels), (name, labels)


@pytest.mark.parametrize("username", ["gm", "director"])
def test_the_canaries_are_found_by_those_who_may_see_them(client, canaries, company, username):  # noqa: F811
    client.force_login(company.users[username])
    employees = client.get(reverse("org:employee_picker"), {"q": MARKER}).json()["items"]
    customers = client.get(reverse("customers:picker"), {"q": MARKER}).json()["items"]
    assert f"{MARKER}-EMP" in [e["label"] for e in employees]
    assert f"{MARKER}-CUSTOMER" in [c["label"] for c in customers]
    # the signed canary contracts (something left to order) are found by title and customer
    contracts = client.get(reverse("orders:contract_picker"), {"q": MARKER}).json()["items"]
    assert any(f"{MARKER}-RECEIPT-CONTRACT" in c["label"] for c in contracts), contracts
    by_customer = client.get(reverse("orders:contract_picker"), {"q": f"{MARKER}-CUSTOMER"})
    assert by_customer.json()["items"], "found by the customer's name"


def test_signed_out_visitors_are_sent_to_the_login_page(client, canaries):  # noqa: F811
    for name, params in PICKERS.items():
        response = client.get(reverse(name), params)
        assert response.status_code == 302 and "/login/" in response["Location"]
