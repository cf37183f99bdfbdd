"""Invoice pages: a rep requests, finance issues and voids; the list filtered by contract."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from xiaoguan.receivables.enums import InvoiceStatus
from xiaoguan.receivables.models import InvoiceRecord
from xiaoguan.receivables.tests.test_overdue_support import contract


def test_request_issue_void(company, login, django_assert_max_num_queries):
    c = contract(company.rep_e1, total="5000.00")
    other = contract(company.rep_e1, total="100.00")
    rep = login(company.rep_e1)
    url = reverse("receivables:invoice_create")
    assert rep.get(url, {"contract": c.pk}).status_code == 200
    r = rep.post(
        url, {"contract_id": c.pk, "kind": "vat_special", "amount": "6000", "tax_rate": "13"}
    )
    assert r.status_code == 200 and "left to invoice" in r.content.decode()
    r = rep.post(
        url, {"contract_id": c.pk, "kind": "vat_special", "amount": "5000", "tax_rate": "13"}
    )
    assert r.status_code == 302
    inv = InvoiceRecord.objects.get()
    fin = login(company.finance1)
    issue = reverse("receivables:invoice_issue", args=[inv.pk])
    r = fin.post(issue, {"invoice_no": "04400001", "issued_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.ISSUED
    c.refresh_from_db()
    assert c.invoiced_amount == 5000
    rep.post(url, {"contract_id": other.pk, "kind": "vat_normal", "amount": "100", "tax_rate": "3"})
    rep = login(company.rep_e1)
    rep.get(reverse("receivables:invoice_list"))
    with django_assert_max_num_queries(8):
        lst = rep.get(reverse("receivables:invoice_list"), {"contract": c.pk})
    assert [i.pk for i in lst.context["page"]] == [inv.pk]
    fin = login(company.finance1)
    fin.post(reverse("receivables:invoice_void", args=[inv.pk]), {"reason": "开错抬头"})
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.VOIDED
    assert (
        login(company.rep_e1).post(reverse("receivables:invoice_void", args=[inv.pk])).status_code
        == 403
    )
    assert (
        login(company.rep_w1).get(reverse("receivables:invoice_detail", args=[inv.pk])).status_code
        == 404
    )
    r = login(company.finance1).get(reverse("receivables:invoice_export"))
    assert r.status_code == 200
