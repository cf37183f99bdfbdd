from datetime import date, timedelta
from decimal import Decimal

import pytest

from xiaoguan.core.errors import NotFound, PermissionDenied
from xiaoguan.customers.enums import LeadStatus, OwnerChangeKind
from xiaoguan.customers.errors import CustomerDuplicate
from xiaoguan.customers.models import Contact, Customer, Lead, OwnerChange
from xiaoguan.customers.services.leads import LeadData, lead_create, lead_disqualify
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.sales.enums import DEFAULT_PROBABILITY, Stage
from xiaoguan.sales.models import Opportunity, StageChange
from xiaoguan.sales.services.conversion import (
    ConversionData,
    ConversionInvalid,
    ConversionRefused,
    LeadAlreadyConverted,
    customer_data_from_lead,
    lead_convert,
)


def make_lead(actor, name="绍兴某纺织有限公司", **fields):
    fields.setdefault("source", "trade_show")
    return lead_create(actor=actor, data=LeadData(name=name, **fields))


def conversion(lead=None, **fields):
    fields.setdefault("opportunity_name", "厂房消防改造")
    fields.setdefault("amount", Decimal("180000"))
    fields.setdefault("expected_close", date.today() + timedelta(days=60))
    if lead is not None and "customer" not in fields and not fields.get("attach_customer_id"):
        fields["customer"] = customer_data_from_lead(lead)
    return ConversionData(**fields)


def test_conversion_creates_customer_contact_and_opportunity(company):
    # given
    lead = make_lead(
        company.rep_e1, contact_name="李工", phone="13911112222", demand="喷淋系统", city=""
    )
    # when
    result = lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead))
    # then
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.converted_at
    assert lead.converted_customer == result.customer and result.customer_created
    customer = result.customer
    assert customer.owner == company.rep_e1 and customer.equipment_demand == "喷淋系统"
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.phone, contact.is_primary) == ("李工", "13911112222", True)
    opp = Opportunity.objects.get()
    assert opp.number.startswith("OPP-") and opp.lead == lead and opp.customer == customer
    assert opp.stage == Stage.NEEDS and opp.probability == DEFAULT_PROBABILITY[Stage.NEEDS]
    assert opp.amount == Decimal("180000.00")
    assert StageChange.objects.filter(opportunity=opp, to_stage=Stage.NEEDS).count() == 1
    change = OwnerChange.objects.get(customer=customer)
    assert change.kind == OwnerChangeKind.CONVERTED
    assert change.to_owner == company.rep_e1 and change.by == company.rep_e1


def test_second_conversion_is_refused_and_changes_nothing(company):
    lead = make_lead(company.rep_e1)
    lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead))
    with pytest.raises(LeadAlreadyConverted):
        lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead))
    assert (Customer.objects.count(), Opportunity.objects.count()) == (1, 1)


def test_duplicate_customer_refused_then_attached(company):
    existing = make_customer(company.rep_e1, "绍兴某纺织公司")
    lead = make_lead(company.rep_e1, contact_name="赵总")
    with pytest.raises(CustomerDuplicate) as exc:
        lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead))
    assert "customer_name" in exc.value.fields
    assert [m["id"] for m in exc.value.extra["matches"]] == [existing.pk]
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    assert Opportunity.objects.count() == 0 and Customer.objects.count() == 1
    # the user picks "attach to existing customer"
    result = lead_convert(
        actor=company.rep_e1, lead=lead, data=conversion(attach_customer_id=existing.pk)
    )
    assert result.customer == existing and not result.customer_created
    assert Contact.objects.filter(customer=existing, name="赵总").count() == 1
    assert Opportunity.objects.get().customer == existing
    assert not OwnerChange.objects.filter(kind=OwnerChangeKind.CONVERTED).exists()


def test_attach_only_to_a_customer_in_scope(company):
    west = make_customer(company.rep_w1, "成都某消防公司")
    lead = make_lead(company.rep_e1)
    with pytest.raises(ConversionInvalid):
        lead_convert(actor=company.rep_e1, lead=lead, data=conversion(attach_customer_id=west.pk))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW


def test_bad_opportunity_input_rolls_everything_back(company):
    lead = make_lead(company.rep_e1)
    with pytest.raises(Exception) as exc:
        lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead, opportunity_name=" "))
    assert "opportunity_name" in exc.value.fields
    assert Customer.objects.count() == 0 and Lead.objects.get(pk=lead.pk).status == "new"


def test_refusals_scope_rights_and_status(company):
    lead = make_lead(company.rep_e1)
    with pytest.raises(NotFound):
        lead_convert(actor=company.rep_w1, lead=lead, data=conversion(lead))
    marketing_lead = make_lead(company.marketing1, "某商场公司")
    with pytest.raises(PermissionDenied):
        lead_convert(actor=company.marketing1, lead=marketing_lead, data=conversion(lead))
    lead_disqualify(lead=lead, actor=company.rep_e1, reason="no_need")
    with pytest.raises(ConversionRefused):
        lead_convert(actor=company.rep_e1, lead=lead, data=conversion(lead))
    assert Customer.objects.count() == 0
