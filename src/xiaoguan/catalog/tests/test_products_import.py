import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from xiaoguan.catalog.models import Product
from xiaoguan.catalog.services import importing
from xiaoguan.catalog.tests.factories import make_category, make_product, make_unit
from xiaoguan.core.models import AuditEvent, AuditKind

HEADER = [
    "产品编码",
    "产品名称",
    "型号",
    "规格",
    "类别",
    "基本单位",
    "其他单位",
    "需要安装",
    "质保期(月)",
    "巡检周期(月)",
    "使用年限(年)",
    "启用",
]


def _xlsx(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def base(company):
    make_category("灭火器", "EXT")
    make_category("火灾报警", "ALM")
    for unit in ("具", "个", "箱"):
        make_unit(unit)
    return make_product("MT-3", "二氧化碳灭火器", category=make_category("灭火器", "EXT"))


GOOD = [
    (
        "MFZ-ABC4",
        "手提式干粉灭火器",
        "MFZ/ABC4",
        "4kg",
        "EXT",
        "具",
        "箱=4",
        "否",
        12,
        12,
        10,
        "是",
    ),
    (
        "JTY-GD-G3",
        "感烟探测器",
        "JTY-GD-G3",
        "",
        "火灾报警",
        "个",
        "1箱＝20",
        "是",
        24,
        12,
        None,
        "",
    ),
    ("mt-3", "手提式二氧化碳灭火器", "MT/3", "3kg", "灭火器", "具", "", "否", None, 12, 12, "否"),
]


def test_dry_run_reports_what_would_happen_and_writes_nothing(company, base):
    # when
    result = importing.import_dry_run(actor=company.director, upload=_xlsx(*GOOD))
    # then
    assert result.ok and (result.rows, result.created, result.updated) == (3, 2, 1)
    assert Product.objects.count() == 1
    base.refresh_from_db()
    assert base.name == "二氧化碳灭火器" and base.is_active is True


def test_import_creates_updates_and_is_audited(company, base):
    # when
    result = importing.import_run(actor=company.director, upload=_xlsx(*GOOD))
    # then
    assert (result.created, result.updated, result.dry_run) == (2, 1, False)
    abc4 = Product.objects.get(code="MFZ-ABC4")
    assert (abc4.service_life_years, abc4.inspection_cycle_months) == (10, 12)
    assert list(abc4.units.values_list("unit__name", "factor")) == [("箱", 4)]
    smoke = Product.objects.get(code="JTY-GD-G3")
    assert smoke.needs_installation is True and smoke.units.get().factor == 20
    base.refresh_from_db()
    assert (base.name, base.model, base.is_active) == ("手提式二氧化碳灭火器", "MT/3", False)
    event = AuditEvent.objects.get(kind=AuditKind.IMPORT)
    assert event.detail == {
        "what": "catalog.products",
        "rows": 3,
        "created": 2,
        "updated": 1,
    }


def test_bad_rows_are_listed_and_nothing_is_imported(company, base):
    # given
    rows = [
        GOOD[0],
        ("", "无编码", "", "", "EXT", "具", "", "", None, None, None, ""),
        ("X-1", "未知类别", "", "", "不存在", "具", "", "", None, None, None, ""),
        ("X-2", "坏单位", "", "", "EXT", "只", "箱4", "也许", -1, None, None, ""),
        ("MFZ-ABC4", "重复", "", "", "EXT", "具", "", "", None, None, None, ""),
        ("X-3", "坏系数", "", "", "EXT", "具", "箱=0", "", None, 0, None, ""),
    ]
    # when
    result = importing.import_dry_run(actor=company.director, upload=_xlsx(*rows))
    # then
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "product code", "Enter a code."),
        (4, "category", "No category with this code or name."),
        (5, "base unit", "No unit with this code or name: 只."),
        (5, "other units", "Write other units as 箱=4、托=48 (unit = base units it holds)."),
        (5, "needs installation", "Write 是 or 否."),
        (6, "product code", "The code is also on row 2."),
        (
            7,
            "inspection cycle (months)",
            "Between 1 and 120.",
        ),
        (
            7,
            "other units",
            "How many base units one 箱 holds: a number above 0 with at most three decimals.",
        ),
    ]
    with pytest.raises(importing.ImportInvalid) as exc:
        importing.import_run(actor=company.director, upload=_xlsx(*rows))
    assert len(exc.value.extra["errors"]) == 8
    assert Product.objects.count() == 1
    assert not AuditEvent.objects.filter(kind=AuditKind.IMPORT).exists()


def test_a_file_that_is_not_a_template_is_refused(company, base):
    from xiaoguan.core.xlsx_import import XlsxRejected

    with pytest.raises(XlsxRejected) as exc:
        importing.import_dry_run(
            actor=company.director, upload=_xlsx(("A", "B"), header=["编码", "名称"])
        )
    assert "missing column(s)" in str(exc.value.message)
    with pytest.raises(XlsxRejected):
        importing.import_dry_run(actor=company.director, upload=b"not a workbook")


def test_export_can_be_imported_again(company, base, login):
    make_product("MFZ-ABC4", category=make_category("灭火器", "EXT"), alt_units={"箱": 4})
    response = login(company.director).get(reverse("catalog:product_export"))
    data = b"".join(response.streaming_content)
    result = importing.import_dry_run(actor=company.director, upload=data)
    assert result.ok and (result.created, result.updated) == (0, 2)


def test_import_pages_check_then_import(company, base, login, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = login(company.director)
    upload = io.BytesIO(_xlsx(*GOOD))
    upload.name = "products.xlsx"
    page = client.post(reverse("catalog:product_import"), {"file": upload})
    body = page.content.decode()
    assert 'data-testid="import-clean"' in body
    assert Product.objects.count() == 1
    token = body.split('name="token" value="')[1].split('"')[0]
    # another user cannot use the token
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(company.gm)
    refused = other.post(reverse("catalog:product_import_run"), {"token": token})
    assert "no longer available" in refused.content.decode()
    assert Product.objects.count() == 1
    done = client.post(reverse("catalog:product_import_run"), {"token": token})
    assert done.status_code == 302 and Product.objects.count() == 3
    template = client.get(reverse("catalog:product_import_template"))
    assert template.status_code == 200
    assert login(company.rep_e1).get(reverse("catalog:product_import")).status_code == 403


def test_import_page_lists_problems(company, base, login, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload = io.BytesIO(
        _xlsx(("X-1", "未知类别", "", "", "不存在", "具", "", "", None, None, None, ""))
    )
    upload.name = "bad.xlsx"
    page = login(company.director).post(reverse("catalog:product_import"), {"file": upload})
    body = page.content.decode()
    assert body.count('data-testid="import-problem"') == 1
    assert 'data-testid="import-run"' not in body
