"""Write-off pages: request from an overdue instalment (sent to approval at once), the list
and the detail; refusals shown on the form."""

from __future__ import annotations

from django.urls import reverse

from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.receivables.enums import WriteOffStatus
from xiaoguan.receivables.models import WriteOff
from xiaoguan.receivables.tests.test_overdue_support import contract, instalment


def test_request_list_detail(company, login, django_assert_max_num_queries):
    default_chains_ensure()
    inst = instalment(contract(company.rep_e1), "3000.00", days_overdue=400)
    client = login(company.finance1)
    url = reverse("receivables:write_off_create")
    assert client.get(url, {"instalment": inst.pk}).status_code == 200
    r = client.post(url, {"instalment": inst.pk, "amount": "3000.01", "reason": "破产"})
    assert r.status_code == 200 and "owes only" in r.content.decode()
    r = client.post(url, {"instalment": inst.pk, "amount": "3000.00", "reason": "破产"})
    w = WriteOff.objects.get()
    assert r.status_code == 302 and w.status == WriteOffStatus.IN_APPROVAL
    client.get(reverse("receivables:write_off_list"))
    with django_assert_max_num_queries(8):
        lst = client.get(reverse("receivables:write_off_list"))
    assert w.number in lst.content.decode()
    detail = client.get(reverse("receivables:write_off_detail", args=[w.pk]))
    assert detail.status_code == 200 and "破产" in detail.content.decode()
    # A rep sees the write-off of their instalment, but may not request one.
    rep = login(company.rep_e1)
    assert rep.get(reverse("receivables:write_off_detail", args=[w.pk])).status_code == 200
    assert rep.get(url, {"instalment": inst.pk}).status_code == 403
    assert (
        login(company.rep_w1).get(reverse("receivables:write_off_detail", args=[w.pk])).status_code
        == 404
    )
