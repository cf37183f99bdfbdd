import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoguan.customers.enums import LeadStatus
from xiaoguan.customers.models import Lead
from xiaoguan.customers.services.leads import LeadData, lead_create
from xiaoguan.customers.tests.factories import make_customer


def make_lead(actor, name="杭州某物业公司", **fields):
    fields.setdefault("source", "web_search")
    return lead_create(actor=actor, data=LeadData(name=name, **fields))


def _rows(response) -> int:
    return response.content.decode().count('data-testid="lead-row"')


def test_list_scope_search_filter_sort(company, login):
    make_lead(company.rep_e1, "甲线索公司", phone="13800000001", source="referral")
    make_lead(company.rep_e1, "乙线索公司", source="trade_show")
    make_lead(company.rep_e2, "丙线索公司")
    make_lead(company.rep_w1, "丁线索公司")
    url = reverse("customers:lead_list")
    rep = login(company.rep_e1)
    assert _rows(rep.get(url)) == 2
    assert _rows(rep.get(url, {"q": "1380000"})) == 1
    assert _rows(rep.get(url, {"source": "trade_show"})) == 1
    assert _rows(rep.get(url, {"status": "converted"})) == 0
    assert rep.get(url, {"sort": "owner__password"}).status_code == 200
    body = rep.get(url, {"sort": "name"}).content.decode()
    assert body.index("乙线索公司") < body.index("甲线索公司")
    body = rep.get(url, {"sort": "-name"}).content.decode()
    assert body.index("甲线索公司") < body.index("乙线索公司")
    mgr = login(company.mgr_east)
    assert _rows(mgr.get(url)) == 3
    assert _rows(mgr.get(url, {"owner": company.rep_e2.pk})) == 1
    assert "丁线索公司" not in mgr.get(url).content.decode()


def test_list_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(30):
        make_lead(company.rep_e1 if i % 2 else company.rep_e2, f"线索{i}号公司")
    client = login(company.mgr_east)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("customers:lead_list"))
    assert _rows(response) == 25


def test_export_is_what_is_filtered(company, login):
    make_lead(company.rep_e1, "=甲线索公司", source="referral")
    make_lead(company.rep_e1, "乙线索公司")
    make_lead(company.rep_w1, "西部线索公司", source="referral")
    response = login(company.mgr_east).get(reverse("customers:lead_export"), {"source": "referral"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["'=甲线索公司"] or names == ["=甲线索公司"]


def test_create_edit_and_validation(company, login):
    client = login(company.marketing1)
    url = reverse("customers:lead_create")
    response = client.post(url, {"name": "", "source": "", "phone": "123"})
    assert response.status_code == 200 and Lead.objects.count() == 0
    assert "is-invalid" in response.content.decode()
    response = client.post(
        url, {"name": "展会客户公司", "source": "trade_show", "phone": "0571-88889999"}
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and lead.owner == company.marketing1
    response = client.post(
        reverse("customers:lead_edit", args=[lead.pk]),
        {"name": "展会客户有限公司", "source": "trade_show", "contact_name": "陈经理"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.contact_name == "陈经理" and lead.owner == company.marketing1
    # owner or status in the post are ignored (allow-list)
    client.post(
        reverse("customers:lead_edit", args=[lead.pk]),
        {
            "name": "展会客户公司",
            "source": "web_search",
            "owner": company.gm.pk,
            "status": "converted",
        },
    )
    lead.refresh_from_db()
    assert lead.owner == company.marketing1 and lead.status == LeadStatus.NEW


def test_detail_shows_duplicates_and_actions(company, login):
    make_customer(company.rep_e1, "宁波某消防有限公司")
    lead = make_lead(company.rep_e1, "宁波某消防公司")
    body = (
        login(company.rep_e1).get(reverse("customers:lead_detail", args=[lead.pk])).content.decode()
    )
    assert 'data-testid="lead-duplicates"' in body
    assert 'data-testid="lead-convert"' in body and 'data-testid="lead-assign"' not in body
    assert (
        login(company.rep_w1).get(reverse("customers:lead_detail", args=[lead.pk])).status_code
        == 404
    )
    body = (
        login(company.mgr_east)
        .get(reverse("customers:lead_detail", args=[lead.pk]))
        .content.decode()
    )
    assert 'data-testid="lead-assign"' in body


def test_status_steps_through_the_pages(company, login):
    lead = make_lead(company.rep_e1)
    client = login(company.rep_e1)
    client.post(reverse("customers:lead_contacted", args=[lead.pk]))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CONTACTED
    client.post(reverse("customers:lead_qualify", args=[lead.pk]))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.QUALIFIED
    response = client.post(reverse("customers:lead_disqualify", args=[lead.pk]), {"reason": ""})
    assert response.status_code == 200 and Lead.objects.get(pk=lead.pk).status == "qualified"
    client.post(
        reverse("customers:lead_disqualify", args=[lead.pk]), {"reason": "competitor", "note": "x"}
    )
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.DISQUALIFIED
    # a step not allowed now is refused with a message, not a 500
    response = client.post(reverse("customers:lead_qualify", args=[lead.pk]))
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.DISQUALIFIED
    client.post(reverse("customers:lead_reopen", args=[lead.pk]))
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW
    # another rep's lead is not found
    assert (
        login(company.rep_e2).post(reverse("customers:lead_qualify", args=[lead.pk])).status_code
        == 404
    )


def test_assign_single_and_bulk(company, login):
    leads = [make_lead(company.rep_e1, f"分配{i}公司") for i in range(3)]
    assert (
        login(company.rep_e1).get(reverse("customers:lead_assign", args=[leads[0].pk])).status_code
        == 403
    )
    mgr = login(company.mgr_east)
    response = mgr.post(
        reverse("customers:lead_assign", args=[leads[0].pk]), {"owner": company.rep_e2.pk}
    )
    assert response.status_code == 302
    assert Lead.objects.get(pk=leads[0].pk).owner == company.rep_e2
    # a West rep is not a choice for the East manager
    response = mgr.post(
        reverse("customers:lead_assign", args=[leads[1].pk]), {"owner": company.rep_w1.pk}
    )
    assert response.status_code == 200 and Lead.objects.get(pk=leads[1].pk).owner == company.rep_e1
    mgr.post(
        reverse("customers:lead_bulk_assign"),
        {"owner": company.rep_e1b.pk, "lead": [leads[1].pk, leads[2].pk]},
    )
    assert Lead.objects.filter(owner=company.rep_e1b).count() == 2
    west = make_lead(company.rep_w1, "西部公司")
    mgr.post(
        reverse("customers:lead_bulk_assign"),
        {"owner": company.rep_e1b.pk, "lead": [leads[0].pk, west.pk]},
    )
    assert Lead.objects.get(pk=west.pk).owner == company.rep_w1
    assert Lead.objects.get(pk=leads[0].pk).owner == company.rep_e2  # all or nothing


def test_breaches_page_and_panel(company, login):
    lead = make_lead(company.rep_e1, "转介绍公司", source="referral")
    Lead.objects.filter(pk=lead.pk).update(created_at=timezone.now() - timedelta(hours=30))
    make_lead(company.rep_w1, "西部转介绍公司", source="referral")
    Lead.objects.filter(name="西部转介绍公司").update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    url = reverse("customers:lead_breaches")
    assert login(company.rep_e1).get(url).status_code == 403
    body = login(company.mgr_east).get(url).content.decode()
    assert body.count('data-testid="breach-row"') == 1 and "西部转介绍公司" not in body
    home = login(company.mgr_east).get("/").content.decode()
    assert 'data-testid="leads-breach-count">1<' in home
    assert login(company.director).get(url).content.decode().count('data-testid="breach-row"') == 2


def test_nav_item(company, login):
    body = login(company.marketing1).get(reverse("customers:lead_list")).content.decode()
    assert reverse("customers:lead_list") in body
    assert login(company.finance1).get(reverse("customers:lead_list")).status_code == 403
