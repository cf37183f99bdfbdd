"""The payment schedule of the contract PDF: a retention instalment is marked 质保金 once, not
twice when its own name already says so."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xiaoguan.contracts.models import PaymentTerm
from xiaoguan.contracts.tests.test_pdf import signed  # noqa: F401  (fixture)


def _text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


@pytest.mark.parametrize(
    ("label", "shown", "absent"),
    [
        ("质保金", "质保金", "质保金（质保金）"),
        ("尾款", "尾款（质保金）", None),
    ],
)
def test_retention_instalment_is_marked_once(signed, login, label, shown, absent):  # noqa: F811
    company, contract = signed
    # given the last instalment is the retention
    last = PaymentTerm.objects.filter(contract=contract).order_by("-position").first()
    PaymentTerm.objects.filter(pk=last.pk).update(label=label, is_retention=True)
    # when the contract is printed
    response = login(company.rep_e1).get(reverse("contracts:contract_pdf", args=[contract.pk]))
    # then the schedule names it as retention exactly once
    text = _text(response)
    assert shown in text
    if absent:
        assert absent not in text
