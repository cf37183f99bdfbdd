"""Excel import of customers, contacts and leads (R-X-5, R-CUS-2): the dry run lists every bad
row with its reason and writes nothing; the import is all or nothing."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.core.xlsx_import import XlsxRejected
from xiaoguan.customers.enums import Industry, OwnerChangeKind, SourceChannel
from xiaoguan.customers.models import Contact, Customer, Lead, OwnerChange, Pool
from xiaoguan.customers.services.importing import (
    ImportInvalid,
    ImportTarget,
    import_dry_run,
    import_run,
    import_template,
)
from xiaoguan.customers.tests.factories import credit_code, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Policy values are cached; a rolled-back test must not leak them to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


CUSTOMER_HEADER = [
    "客户名称",
    "统一社会信用代码",
    "电话",
    "省份",
    "城市",
    "区县",
    "行业",
    "来源渠道",
    "标签",
    "负责人",
]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def customer_row(
    name,
    *,
    code="",
    phone="",
    province="",
    city="",
    district="",
    industry="",
    source="",
    tags="",
    owner="",
):
    return [name, code, phone, province, city, district, industry, source, tags, owner]


def reasons(result_or_exc):
    problems = getattr(result_or_exc, "problems", None)
    if problems is None:
        return [(e["row"], e["column"]) for e in result_or_exc.extra["errors"]]
    return [(p.row, p.column) for p in problems]


def test_dry_run_of_a_clean_file_writes_nothing(company):
    data = xlsx(CUSTOMER_HEADER, [customer_row("杭州安盾消防设备有限公司", phone="0571-88886666")])
    result = import_dry_run(kind="customers", actor=company.rep_e1, upload=data)
    assert result.ok and result.rows == 1
    assert Customer.objects.count() == 0


def test_import_creates_customers_with_history_owner_changes_and_an_audit_event(company):
    # given
    data = xlsx(
        CUSTOMER_HEADER,
        [
            customer_row(
                "杭州安盾消防设备有限公司",
                code=credit_code(1),
                phone="0571-88886666",
                province="浙江省",
                city="杭州市",
                district="西湖区",
                industry="制造业",
                source="展会",
                tags="重点工程、老客户",
            ),
            customer_row("宁波港盛物流有限公司", phone="13912345678", owner="rep_e1b"),
        ],
    )
    # when
    result = import_run(
        kind="customers",
        actor=company.mgr_east,
        upload=data,
        target=ImportTarget(owner=company.rep_e1),
    )
    # then
    assert result.created == 2
    first = Customer.objects.get(name="杭州安盾消防设备有限公司")
    assert first.owner == company.rep_e1 and first.department == company.rep_e1.department
    assert (first.province, first.city, first.district) == ("330000", "330100", "330106")
    assert first.industry == Industry.MANUFACTURING
    assert first.source == SourceChannel.TRADE_SHOW
    assert sorted(t.name for t in first.tags.all()) == ["老客户", "重点工程"]
    assert first.name_normalized == "杭州安盾消防设备公司"
    assert first.name_initials.startswith("hzad")
    assert first.phone_normalized == "057188886666"
    assert first.history.count() == 1 and first.history.first().history_user == company.mgr_east
    second = Customer.objects.get(name="宁波港盛物流有限公司")
    assert second.owner == company.rep_e1b
    assert OwnerChange.objects.filter(kind=OwnerChangeKind.IMPORTED).count() == 2
    assert OwnerChange.objects.get(customer=first).to_owner == company.rep_e1
    event = AuditEvent.objects.get(kind=AuditKind.IMPORT)
    assert event.detail["created"] == 2 and event.actor_id == company.mgr_east.pk


def test_every_bad_row_is_listed_with_its_reason_and_nothing_is_imported(company):
    # given an existing customer and a file with one bad thing per row
    make_customer(company.rep_e1, "老客户消防有限公司", phone="0571-66665555")
    make_customer(company.rep_w1, "西部别人的客户有限公司")
    rows = [
        customer_row("好客户一有限公司"),  # 2: fine
        customer_row("", phone="13912340000"),  # 3: no name
        customer_row("坏电话有限公司", phone="12345"),  # 4
        customer_row("坏代码有限公司", code="91330106MA2H0P2B3Y"),  # 5
        customer_row("没负责人有限公司", owner="nobody"),  # 6
        customer_row("坏行业有限公司", industry="火星贸易"),  # 7
        customer_row("老客户消防有限责任公司"),  # 8: same normalised name as on file
        customer_row("同电话有限公司", phone="057166665555"),  # 9: same phone as on file
        customer_row("好客户一 有限责任公司"),  # 10: same as row 2 in the file
        customer_row("西部别人的客户有限公司"),  # 11: duplicate out of scope
        customer_row("坏地址有限公司", province="浙江省", city="成都市"),  # 12
        customer_row("别组负责人有限公司", owner="rep_w1"),  # 13: owner out of scope
    ]
    data = xlsx(CUSTOMER_HEADER, rows)
    before = Customer.objects.count()
    # when
    result = import_dry_run(kind="customers", actor=company.mgr_east, upload=data)
    # then
    assert [p.row for p in result.problems] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    by_row = {p.row: p for p in result.problems}
    assert (
        "row 2" in by_row[10].message
        or "第 2 行" in by_row[10].message
        or "2" in by_row[10].message
    )
    assert "老客户消防有限公司" in by_row[8].message
    assert "西部别人的客户" not in by_row[11].message  # another team's customer is not named
    with pytest.raises(ImportInvalid) as exc:
        import_run(kind="customers", actor=company.mgr_east, upload=data)
    assert [e["row"] for e in exc.value.extra["errors"]] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert Customer.objects.count() == before
    assert not AuditEvent.objects.filter(kind=AuditKind.IMPORT).exists()


def test_duplicate_credit_code_in_the_file_is_refused(company):
    code = credit_code(7)
    data = xlsx(
        CUSTOMER_HEADER,
        [customer_row("甲有限公司", code=code), customer_row("乙有限公司", code=code)],
    )
    result = import_dry_run(kind="customers", actor=company.rep_e1, upload=data)
    assert [p.row for p in result.problems] == [3]


def test_import_straight_into_a_pool(company):
    pool = Pool.objects.create(name="华东公海", department=company.depts["R-E"])
    data = xlsx(CUSTOMER_HEADER, [customer_row("公海客户有限公司")])
    import_run(
        kind="customers", actor=company.mgr_east, upload=data, target=ImportTarget(pool=pool)
    )
    customer = Customer.objects.get(name="公海客户有限公司")
    assert customer.owner is None and customer.pool == pool
    assert customer.department == company.depts["R-E"] and customer.pool_entered_at is not None
    assert OwnerChange.objects.get(customer=customer).to_owner is None


def test_a_rep_cannot_import_into_another_regions_pool_or_for_someone_else(company):
    pool = Pool.objects.create(name="西部公海", department=company.depts["R-W"])
    data = xlsx(CUSTOMER_HEADER, [customer_row("某客户有限公司")])
    with pytest.raises(ImportInvalid):
        import_dry_run(
            kind="customers", actor=company.rep_e1, upload=data, target=ImportTarget(pool=pool)
        )
    with pytest.raises(ImportInvalid):
        import_run(
            kind="customers",
            actor=company.rep_e1,
            upload=data,
            target=ImportTarget(owner=company.rep_e2),
        )
    assert Customer.objects.count() == 0


def test_a_wrong_file_is_refused_before_any_row(company):
    data = xlsx(["名字", "电话"], [["a", "b"]])
    with pytest.raises(XlsxRejected) as exc:
        import_dry_run(kind="customers", actor=company.rep_e1, upload=data)
    assert exc.value.extra["missing"] == ["客户名称"]


def test_row_cap_comes_from_the_policy(company):
    from xiaoguan.core import policy

    policy.policy_set(key="customers.import_max_rows", raw=2, actor=company.gm)
    data = xlsx(CUSTOMER_HEADER, [customer_row(f"客户{i}有限公司") for i in range(3)])
    with pytest.raises(XlsxRejected):
        import_dry_run(kind="customers", actor=company.rep_e1, upload=data)


# --- contacts ---------------------------------------------------------------------------

CONTACT_HEADER = ["客户", "联系人姓名", "职务", "电话", "生日", "主要联系人"]


def test_contacts_are_matched_to_customers_in_scope_by_name_or_credit_code(company):
    # given
    code = credit_code(11)
    a = make_customer(company.rep_e1, "杭州安盾消防设备有限公司")
    b = make_customer(company.rep_e1, "宁波港盛物流有限公司", credit_code=code)
    make_customer(company.rep_w1, "西部客户有限公司")
    data = xlsx(
        CONTACT_HEADER,
        [
            [
                "杭州安盾消防设备有限责任公司",
                "王建国",
                "采购经理",
                "13912345678",
                "1980-05-17",
                "是",
            ],
            [code, "李娜", "", "", None, "否"],
            ["西部客户有限公司", "张三", "", "", None, ""],  # 4: out of scope
            ["不存在有限公司", "赵四", "", "", None, ""],  # 5
            ["杭州安盾消防设备有限公司", "", "", "123", "不是日期", "也许"],  # 6: several reasons
        ],
    )
    # when
    result = import_dry_run(kind="contacts", actor=company.rep_e1, upload=data)
    # then
    assert sorted({p.row for p in result.problems}) == [4, 5, 6]
    ok = xlsx(
        CONTACT_HEADER,
        [
            [
                "杭州安盾消防设备有限责任公司",
                "王建国",
                "采购经理",
                "13912345678",
                "1980-05-17",
                "是",
            ],
            [code, "李娜", "", "", None, "否"],
        ],
    )
    import_run(kind="contacts", actor=company.rep_e1, upload=ok)
    wang = Contact.objects.get(name="王建国")
    assert wang.customer == a and wang.is_primary and str(wang.birthday) == "1980-05-17"
    assert Contact.objects.get(name="李娜").customer == b
    assert wang.history.count() == 1


def test_an_imported_primary_contact_replaces_the_existing_one(company):
    from xiaoguan.customers.services import ContactData, contact_create

    customer = make_customer(company.rep_e1, "杭州安盾消防设备有限公司")
    old = contact_create(
        customer=customer, actor=company.rep_e1, data=ContactData(name="老联系人", is_primary=True)
    )
    import_run(
        kind="contacts",
        actor=company.rep_e1,
        upload=xlsx(CONTACT_HEADER, [["杭州安盾消防设备有限公司", "新联系人", "", "", None, "是"]]),
    )
    old.refresh_from_db()
    assert not old.is_primary
    assert Contact.objects.get(name="新联系人").is_primary


# --- leads ------------------------------------------------------------------------------

LEAD_HEADER = ["公司或个人", "来源渠道", "联系人", "电话", "负责人"]


def test_leads_import_checks_rows_and_assigns_owners(company):
    data = xlsx(
        LEAD_HEADER,
        [
            ["宁波港盛物流有限公司", "转介绍", "李娜", "13800001111", ""],
            ["温州线索有限公司", "referral", "", "", "rep_e2"],
        ],
    )
    bad = xlsx(LEAD_HEADER, [["", "", "", "12", ""], ["某公司", "飞鸽传书", "", "", "nobody"]])
    result = import_dry_run(kind="leads", actor=company.mgr_east, upload=bad)
    assert sorted({p.row for p in result.problems}) == [2, 3]
    check = import_dry_run(kind="leads", actor=company.mgr_east, upload=data)
    assert check.problems == []
    import_run(kind="leads", actor=company.mgr_east, upload=data)
    assert Lead.objects.get(name="宁波港盛物流有限公司").owner == company.mgr_east
    assert Lead.objects.get(name="温州线索有限公司").owner == company.rep_e2
    assert Lead.objects.get(name="温州线索有限公司").source == SourceChannel.REFERRAL


def test_leads_cannot_go_to_a_pool(company):
    pool = Pool.objects.create(name="华东公海", department=company.depts["R-E"])
    with pytest.raises(ImportInvalid):
        import_dry_run(
            kind="leads",
            actor=company.mgr_east,
            upload=xlsx(LEAD_HEADER, [["x", "展会", "", "", ""]]),
            target=ImportTarget(pool=pool),
        )


# --- template ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["customers", "contacts", "leads"])
def test_template_headers_are_what_the_import_reads(company, kind):
    content = import_template(kind)
    book = load_workbook(io.BytesIO(content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[0] in ("客户名称", "客户", "公司或个人")
    assert book.worksheets[1].max_row > 2  # the notes sheet, one line per column


def test_a_row_with_another_problem_is_still_checked_for_duplicates(company):
    make_customer(company.rep_e1, "老客户消防有限公司")
    data = xlsx(CUSTOMER_HEADER, [customer_row("老客户消防有限公司", industry="火星贸易")])
    result = import_dry_run(kind="customers", actor=company.rep_e1, upload=data)
    assert [p.row for p in result.problems] == [2, 2]
    assert any("老客户消防有限公司" in p.message for p in result.problems)
