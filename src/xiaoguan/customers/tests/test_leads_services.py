from datetime import timedelta

import pytest
from django.utils import timezone

from xiaoguan.core.errors import PermissionDenied
from xiaoguan.core.models import Notification
from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.models import Lead
from xiaoguan.customers.selectors import leads as lead_selectors
from xiaoguan.customers.services.leads import (
    LeadData,
    LeadInvalid,
    LeadStateRefused,
    lead_assign,
    lead_create,
    lead_disqualify,
    lead_mark_contacted,
    lead_qualify,
    lead_reopen,
    lead_update,
    leads_referral_remind,
)
from xiaoguan.customers.tests.factories import make_customer


def make_lead(actor, name="杭州某物业公司", **fields):
    fields.setdefault("source", "web_search")
    return lead_create(actor=actor, data=LeadData(name=name, **fields))


def test_create_validates_and_owns_by_creator(company):
    with pytest.raises(LeadInvalid) as exc:
        lead_create(actor=company.rep_e1, data=LeadData(name=" ", phone="12", source="nope"))
    assert set(exc.value.fields) == {"name", "phone", "source"}
    assert Lead.objects.count() == 0
    lead = make_lead(company.marketing1, contact_name="王经理", phone="138 0000 1111")
    assert lead.owner == company.marketing1
    assert lead.department_id == company.marketing1.department_id
    assert lead.phone_normalized == "13800001111"
    assert lead.status == LeadStatus.NEW and lead.assigned_at is None


def test_roles_without_the_right_cannot_create(company):
    with pytest.raises(PermissionDenied):
        make_lead(company.finance1)


def test_transitions_and_disqualify_needs_a_reason(company):
    lead = make_lead(company.rep_e1)
    lead = lead_mark_contacted(lead=lead, actor=company.rep_e1)
    assert lead.status == LeadStatus.CONTACTED and lead.first_contacted_at
    with pytest.raises(LeadStateRefused):
        lead_mark_contacted(lead=lead, actor=company.rep_e1)
    lead = lead_qualify(lead=lead, actor=company.rep_e1)
    assert lead.status == LeadStatus.QUALIFIED
    with pytest.raises(LeadInvalid) as exc:
        lead_disqualify(lead=lead, actor=company.rep_e1, reason="")
    assert "reason" in exc.value.fields
    with pytest.raises(LeadInvalid) as exc:
        lead_disqualify(lead=lead, actor=company.rep_e1, reason="other", note=" ")
    assert "note" in exc.value.fields
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    lead = lead_disqualify(lead=lead, actor=company.rep_e1, reason="no_budget", note="明年再说")
    assert (lead.status, lead.disqualify_reason) == (LeadStatus.DISQUALIFIED, "no_budget")
    with pytest.raises(LeadStateRefused):
        lead_qualify(lead=lead, actor=company.rep_e1)
    lead = lead_reopen(lead=lead, actor=company.rep_e1)
    assert lead.status == LeadStatus.NEW and lead.disqualify_reason == ""
    assert lead.history.count() >= 5


def test_update_refused_once_converted(company):
    lead = make_lead(company.rep_e1)
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CONVERTED)
    with pytest.raises(LeadStateRefused):
        lead_update(lead=lead, actor=company.rep_e1, data=LeadData(name="新名字", source="phone"))
    assert Lead.objects.get(pk=lead.pk).name == "杭州某物业公司"


def test_bulk_assign_within_scope_notifies_the_new_owner(company):
    leads = [make_lead(company.marketing1, f"线索{i}公司") for i in range(3)]
    with pytest.raises(PermissionDenied):
        lead_assign(leads=leads, actor=company.rep_e1, to_user=company.rep_e1b)
    # the East manager cannot see marketing's leads, nor give leads to a West rep
    with pytest.raises(LeadInvalid):
        lead_assign(leads=leads, actor=company.mgr_east, to_user=company.rep_e1)
    with pytest.raises(LeadInvalid):
        lead_assign(leads=leads, actor=company.director, to_user=company.finance1)
    moved = lead_assign(leads=leads, actor=company.director, to_user=company.rep_e1)
    assert len(moved) == 3
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {company.rep_e1.pk}
    assert all(lead.assigned_at for lead in Lead.objects.all())
    assert Lead.objects.filter(department=company.rep_e1.department).count() == 3
    assert Notification.objects.filter(recipient=company.rep_e1, kind="leads.assigned").count() == 1
    # now the East manager may move one to another rep of the region
    lead_assign(leads=leads[:1], actor=company.mgr_east, to_user=company.rep_e2)
    assert Lead.objects.get(pk=leads[0].pk).owner == company.rep_e2
    with pytest.raises(LeadInvalid):
        lead_assign(leads=leads[:1], actor=company.mgr_east, to_user=company.rep_w1)


def test_duplicates_of_customers_and_open_leads(company):
    make_customer(company.rep_e1, "宁波甲消防有限公司", phone="0574-88886666")
    make_customer(company.rep_w1, "成都乙消防公司")
    other = make_lead(company.rep_e1, "温州丙物业公司", phone="13900001111")
    dups = lead_selectors.lead_duplicates(user=company.rep_e1, name="宁波甲消防公司")
    assert [c.name for c in dups.customers] == ["宁波甲消防有限公司"] and not dups.leads
    dups = lead_selectors.lead_duplicates(user=company.rep_e1, name="成都乙消防有限公司")
    assert not dups.customers and dups.hidden_count == 1
    dups = lead_selectors.lead_duplicates(user=company.rep_e1, name="x", phone="+86 139 0000 1111")
    assert dups.leads == [other]
    assert not lead_selectors.lead_duplicates(
        user=company.rep_e1, name="温州丙物业公司", exclude_pk=other.pk
    )


def test_referral_job_reminds_then_reports_the_breach_once(company):
    t0 = timezone.now()
    lead = make_lead(company.director, "转介绍客户公司", source="referral", referrer="老张")
    lead_assign(leads=[lead], actor=company.director, to_user=company.rep_e1, now=t0)
    other = make_lead(company.rep_e1, "网站客户公司")  # not a referral: no rule
    Lead.objects.filter(pk=other.pk).update(created_at=t0 - timedelta(days=3))
    kinds = lambda user: list(  # noqa: E731
        Notification.objects.filter(recipient=user, kind__startswith="leads.referral")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert leads_referral_remind(now=t0 + timedelta(hours=5)) == 0
    assert leads_referral_remind(now=t0 + timedelta(hours=13)) == 1
    assert leads_referral_remind(now=t0 + timedelta(hours=14)) == 0  # idempotent
    assert kinds(company.rep_e1) == ["leads.referral_reminder"]
    assert not lead_selectors.referral_breaches(user=company.mgr_east, now=t0 + timedelta(hours=20))
    assert leads_referral_remind(now=t0 + timedelta(hours=25)) == 2
    assert leads_referral_remind(now=t0 + timedelta(hours=26)) == 0
    assert kinds(company.mgr_east) == ["leads.referral_breach"]
    assert kinds(company.rep_e1) == ["leads.referral_reminder", "leads.referral_breach"]
    later = t0 + timedelta(hours=30)
    assert list(lead_selectors.referral_breaches(user=company.mgr_east, now=later)) == [lead]
    assert not lead_selectors.referral_breaches(user=company.mgr_west, now=later)
    assert lead_selectors.referral_counts(user=company.rep_e1, now=later)["breaches"] == 1
    # contacted late: no longer open, but listed as late
    lead_mark_contacted(lead=lead, actor=company.rep_e1, now=later)
    assert not lead_selectors.referral_breaches(user=company.mgr_east, now=later)
    late = lead_selectors.referral_breaches(user=company.mgr_east, now=later, kind="late")
    assert list(late) == [lead]


def test_referral_hours_follow_the_policy(company):
    from xiaoguan.core.policy import policy_set

    policy_set(key="customers.referral_followup_hours", raw="4", actor=company.gm, reason="test")
    t0 = timezone.now()
    lead = make_lead(company.rep_e1, "转介绍二号公司", source="referral")
    Lead.objects.filter(pk=lead.pk).update(created_at=t0)
    assert not lead_selectors.referral_breaches(user=company.rep_e1, now=t0 + timedelta(hours=3))
    assert lead_selectors.referral_breaches(user=company.rep_e1, now=t0 + timedelta(hours=5))
