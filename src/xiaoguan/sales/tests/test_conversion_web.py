from datetime import date, timedelta

from django.urls import reverse

from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.models import Customer, Lead
from xiaoguan.customers.services.leads import LeadData, lead_create
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.models import Opportunity


def make_lead(actor, name="嘉兴某化工有限公司", **fields):
    fields.setdefault("source", "referral")
    return lead_create(actor=actor, data=LeadData(name=name, **fields))


def _post(lead, **extra):
    data = {
        "mode": "new",
        "customer_name": lead.name,
        "customer_phone": lead.phone,
        "source": lead.source,
        "opportunity_name": "罐区泡沫灭火系统",
        "amount": "560000",
        "expected_close": (date.today() + timedelta(days=45)).isoformat(),
    }
    data.update(extra)
    return data


def test_conversion_page_prefills_and_converts_once(company, login):
    lead = make_lead(company.rep_e1, contact_name="周工", phone="13700001111")
    client = login(company.rep_e1)
    url = reverse("sales:lead_convert", args=[lead.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="conversion-form"' in body and "嘉兴某化工有限公司" in body
    response = client.post(url, _post(lead))
    opp = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{opp.pk}/")
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONVERTED
    # double submit: refused with a message, nothing new
    response = client.post(url, _post(lead))
    assert response.status_code == 302
    assert (Customer.objects.count(), Opportunity.objects.count()) == (1, 1)
    assert client.get(url).status_code == 302


def test_duplicate_path_offers_attach(company, login):
    existing = make_customer(company.rep_e1, "嘉兴某化工公司")
    lead = make_lead(company.rep_e1)
    client = login(company.rep_e1)
    url = reverse("sales:lead_convert", args=[lead.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="conversion-attach"' in body
    response = client.post(url, _post(lead))
    assert (
        response.status_code == 200
        and 'data-testid="conversion-duplicates"' in response.content.decode()
    )
    assert Opportunity.objects.count() == 0
    response = client.post(url, _post(lead, mode="attach"))
    assert response.status_code == 200 and Opportunity.objects.count() == 0  # no customer chosen
    response = client.post(url, _post(lead, mode="attach", attach_customer=existing.pk))
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).converted_customer == existing
    assert Customer.objects.count() == 1


def test_conversion_page_rights_and_scope(company, login):
    lead = make_lead(company.rep_e1)
    url = reverse("sales:lead_convert", args=[lead.pk])
    assert login(company.rep_w1).get(url).status_code == 404
    assert login(company.finance1).get(url).status_code == 403
    mkt_lead = make_lead(company.marketing1, "市场线索公司")
    client = login(company.marketing1)
    response = client.post(reverse("sales:lead_convert", args=[mkt_lead.pk]), _post(mkt_lead))
    assert response.status_code == 200 and Opportunity.objects.count() == 0


def test_customer_page_shows_the_lead_it_came_from(company, login):
    lead = make_lead(company.rep_e1)
    login(company.rep_e1).post(reverse("sales:lead_convert", args=[lead.pk]), _post(lead))
    customer = Lead.objects.get(pk=lead.pk).converted_customer
    body = login(company.rep_e1).get(reverse("customers:detail", args=[customer.pk])).content
    assert b'data-testid="customer-leads"' in body
