import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.customers.models import Contact, Customer
from xiaoguan.customers.services import ContactData, contact_create
from xiaoguan.customers.tests.factories import credit_code, make_customer


def _rows(response) -> int:
    return response.content.decode().count('data-testid="customer-row"')


def test_rep_sees_own_customers_manager_the_region(company, login):
    # given
    make_customer(company.rep_e1, "甲消防有限公司")
    make_customer(company.rep_e2, "乙消防有限公司")
    make_customer(company.rep_w1, "丙消防有限公司")
    # when / then
    body = login(company.rep_e1).get(reverse("customers:list")).content.decode()
    assert "甲消防有限公司" in body and "乙消防有限公司" not in body
    response = login(company.mgr_east).get(reverse("customers:list"))
    assert _rows(response) == 2
    assert "丙消防有限公司" not in response.content.decode()
    assert _rows(login(company.gm).get(reverse("customers:list"))) == 3


def test_list_search_filter_and_sort(company, login):
    # given
    make_customer(company.rep_e1, "杭州甲消防有限公司", phone="13800000001", source="referral")
    make_customer(company.rep_e1, "宁波乙物业公司", credit_code=credit_code(3), source="dealer")
    c = Customer.objects.get(name="宁波乙物业公司")
    Customer.objects.filter(pk=c.pk).update(customer_class="A")
    client = login(company.rep_e1)
    url = reverse("customers:list")
    # when / then
    assert "宁波乙物业公司" not in client.get(url, {"q": "1380000"}).content.decode()
    assert _rows(client.get(url, {"q": "杭州甲消防"})) == 1
    assert _rows(client.get(url, {"q": credit_code(3)[:10]})) == 1
    assert _rows(client.get(url, {"source": "dealer"})) == 1
    assert _rows(client.get(url, {"customer_class": "A"})) == 1
    body = client.get(url).content.decode()
    assert body.index("宁波乙物业公司") < body.index("杭州甲消防有限公司")
    body = client.get(url, {"sort": "-name"}).content.decode()
    assert body.index("杭州甲消防有限公司") < body.index("宁波乙物业公司")
    # an unknown sort key falls back to the name, an owner outside the scope shows nothing
    assert client.get(url, {"sort": "owner__password"}).status_code == 200
    assert _rows(client.get(url, {"owner": company.rep_w1.pk})) == 2  # invalid choice: ignored


def test_list_query_count_is_constant(company, login, django_assert_max_num_queries):
    # given
    for i in range(30):
        make_customer(company.rep_e1, f"客户{i}号消防公司", tags=["老客户", f"标签{i % 3}"])
    client = login(company.mgr_east)
    # when / then
    with django_assert_max_num_queries(14):
        response = client.get(reverse("customers:list"))
    assert _rows(response) == 25
    with django_assert_max_num_queries(14):
        response = client.get(reverse("customers:list"), {"page": 2, "sort": "-created"})
    assert _rows(response) == 5


def test_export_is_exactly_the_filtered_scope(company, login):
    # given
    make_customer(company.rep_e1, "甲消防有限公司", phone="13800000001", source="referral")
    make_customer(company.rep_e1, "=HYPERLINK(1)公司", source="dealer")
    make_customer(company.rep_w1, "丙消防有限公司", source="referral")
    # when
    response = login(company.mgr_east).get(reverse("customers:export"), {"source": "referral"})
    # then
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("客户名称", "统一社会信用代码", "客户分类")
    assert [r[0] for r in rows[1:]] == ["甲消防有限公司"]
    assert rows[1][4] == "13800000001"
    # and formula-looking names are neutralised
    response = login(company.mgr_east).get(reverse("customers:export"), {"source": "dealer"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=1).value == "'=HYPERLINK(1)公司"


def test_detail_out_of_scope_is_404(company, login):
    # given
    customer = make_customer(company.rep_w1, "丙消防有限公司")
    # when / then
    assert (
        login(company.rep_e1).get(reverse("customers:detail", args=[customer.pk])).status_code
        == 404
    )
    assert (
        login(company.mgr_east).get(reverse("customers:edit", args=[customer.pk])).status_code
        == 404
    )
    response = login(company.mgr_west).get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    assert 'data-testid="change-history-row"' in response.content.decode()


def test_create_page_saves_and_shows_inline_errors(company, login):
    # given
    client = login(company.rep_e1)
    # when
    response = client.post(
        reverse("customers:create"),
        {
            "name": "温州丁消防有限公司",
            "phone": "0577-88001234",
            "province": "330000",
            "city": "330300",
            "tags": "重点工程，老客户",
        },
    )
    # then
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.owner == company.rep_e1
    assert sorted(customer.tags.values_list("name", flat=True)) == ["老客户", "重点工程"]
    detail = client.get(response["Location"]).content.decode()
    assert "浙江省温州市" in detail
    # when a city outside the province, then a bad phone are sent
    for data, message in (
        ({"province": "330000", "city": "320100"}, "选择一个有效的选项"),
        ({"phone": "12"}, "电话号码无效"),
    ):
        response = client.post(reverse("customers:create"), {"name": "别的公司", **data})
        # then
        body = response.content.decode()
        assert response.status_code == 200
        assert body.count("invalid-feedback") == 1
        assert message in body
    assert Customer.objects.count() == 1


def test_create_page_shows_duplicates_above_the_form(company, login):
    # given
    mine = make_customer(company.rep_e1, "温州丁消防有限公司")
    make_customer(company.rep_w1, "成都戊工程公司", phone="13900001111")
    # when
    response = login(company.rep_e1).post(
        reverse("customers:create"), {"name": "温州丁消防股份有限公司", "phone": "13900001111"}
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="customer-duplicates"' in body
    assert reverse("customers:detail", args=[mine.pk]) in body
    assert "成都戊工程公司" not in body
    assert "1 个相似客户在其他团队" in body
    assert Customer.objects.count() == 2


def test_finance_can_read_but_not_create(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.finance1)
    # when / then
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert client.get(reverse("customers:create")).status_code == 403
    assert client.post(reverse("customers:create"), {"name": "乙公司"}).status_code == 403
    assert Customer.objects.count() == 1
    assert login(company.logistics1).get(reverse("customers:list")).status_code == 403


def test_contact_add_edit_remove_through_pages(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)
    # when
    client.post(
        reverse("customers:contact_create", args=[customer.pk]),
        {"name": "张伟", "phone": "13800000002", "is_primary": "on"},
    )
    contact = Contact.objects.get()
    client.post(
        reverse("customers:contact_edit", args=[contact.pk]), {"name": "张伟", "title": "总工"}
    )
    # then
    contact.refresh_from_db()
    assert (contact.title, contact.is_primary) == ("总工", False)
    # another rep cannot touch it
    other = login(company.rep_e1b, Client())
    assert other.post(reverse("customers:contact_delete", args=[contact.pk])).status_code == 404
    # when removed by the owner
    client.post(reverse("customers:contact_delete", args=[contact.pk]))
    assert Contact.objects.count() == 0


def test_list_filters_by_tag_and_director_sees_every_region(company, login):
    # given
    make_customer(company.rep_e1, "甲消防有限公司", tags=["重点工程"])
    make_customer(company.rep_w1, "丙消防有限公司", tags=["老客户"])
    tag = Customer.objects.get(name="丙消防有限公司").tags.get()
    client = login(company.director)
    # when / then
    assert _rows(client.get(reverse("customers:list"))) == 2
    response = client.get(reverse("customers:list"), {"tag": tag.pk})
    assert _rows(response) == 1
    assert "丙消防有限公司" in response.content.decode()


def test_inactive_customers_are_listed_on_request(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司")
    client = login(company.rep_e1)
    # when
    client.post(reverse("customers:deactivate", args=[customer.pk]))
    # then
    assert _rows(client.get(reverse("customers:list"))) == 0
    assert _rows(client.get(reverse("customers:list"), {"active": "inactive"})) == 1
    customer.refresh_from_db()
    assert customer.is_active is False


def test_detail_and_edit_pages_render_with_few_queries(
    company, login, django_assert_max_num_queries
):
    # given
    customer = make_customer(
        company.rep_e1,
        "甲消防有限公司",
        province="330000",
        city="330100",
        district="330106",
        street="文三路 90 号",
        tags=["重点工程"],
    )
    for name in ("张伟", "李娜", "王芳"):
        contact_create(customer=customer, actor=company.rep_e1, data=ContactData(name=name))
    client = login(company.rep_e1)
    # when: the page itself (~9 queries: session, user, roles, customer, contacts, tags,
    # history, nav) and one or two per registered section (classification, credit, pool and
    # owner changes, attachments, duplicates, leads, visits and follow-ups, opportunities,
    # and the receivables panels: payment behaviour 1, receivables 2, dunning 3)
    with django_assert_max_num_queries(30):
        detail = client.get(reverse("customers:detail", args=[customer.pk]))
    edit = client.get(reverse("customers:edit", args=[customer.pk]))
    # then
    body = detail.content.decode()
    assert "浙江省杭州市西湖区文三路 90 号" in body
    assert body.count('data-testid="contact-row"') == 3
    form = edit.content.decode()
    assert edit.status_code == 200
    assert '<option value="330106" selected>' in form
    assert 'value="重点工程"' in form


def test_edit_page_saves_through_the_service(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司", tags=["重点工程"])
    # when
    response = login(company.mgr_east).post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": "甲消防设备有限公司", "source": "trade_show", "tags": ""},
    )
    # then
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.source) == ("甲消防设备有限公司", "trade_show")
    assert customer.owner == company.rep_e1
    assert list(customer.tags.all()) == []
    assert customer.history.first().history_user == company.mgr_east


def test_sidebar_shows_customers_to_those_with_the_right(company, login):
    # given / when
    rep_page = login(company.rep_e1).get(reverse("customers:list")).content.decode()
    other = login(company.logistics1, Client()).get("/").content.decode()
    # then
    assert f'href="{reverse("customers:list")}"' in rep_page
    assert f'href="{reverse("customers:list")}"' not in other


def test_history_on_the_detail_page_names_the_changes(company, login):
    # given
    customer = make_customer(company.rep_e1, "甲消防有限公司", source="referral")
    client = login(company.rep_e1)
    client.post(
        reverse("customers:edit", args=[customer.pk]),
        {"name": "甲消防有限公司", "source": "dealer", "tags": "老客户"},
    )
    # when
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    # then
    assert "来源渠道: 转介绍 → 经销商" in body
    assert "标签: — → 老客户" in body
