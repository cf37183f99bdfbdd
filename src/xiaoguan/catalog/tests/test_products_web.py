import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.catalog.models import Product, ProductCategory, Unit
from xiaoguan.catalog.services.products import product_deactivate
from xiaoguan.catalog.tests.factories import make_category, make_product, make_unit
from xiaoguan.core.models import AuditEvent, AuditKind


def _rows(response) -> int:
    assert response.status_code == 200
    return response.content.decode().count('data-testid="product-row"')


@pytest.fixture
def catalog(company):
    ext = make_category("灭火器", "EXT")
    alarm = make_category("火灾报警", "ALM")
    return {
        "ext": ext,
        "alarm": alarm,
        "abc4": make_product(
            "MFZ-ABC4", "手提式干粉灭火器", category=ext, model="MFZ/ABC4", alt_units={"箱": 4}
        ),
        "mt3": make_product("MT-3", "二氧化碳灭火器", category=ext, model="MT/3"),
        "smoke": make_product(
            "JTY-GD-G3", "感烟探测器", category=alarm, unit="个", needs_installation=True
        ),
    }


def test_list_filters_for_every_employee_and_denies_a_stranger(company, login, catalog, client):
    url = reverse("catalog:product_list")
    rep = login(company.rep_e1)
    assert _rows(rep.get(url)) == 3
    assert _rows(rep.get(url, {"category": catalog["ext"].pk})) == 2
    assert _rows(rep.get(url, {"q": "abc4"})) == 1
    assert _rows(rep.get(url, {"needs_installation": "1"})) == 1
    assert _rows(rep.get(url, {"sort": "-name"})) == 3
    product_deactivate(actor=company.gm, product_id=catalog["mt3"].pk)
    assert _rows(rep.get(url, {"active": "1"})) == 2
    assert 'data-testid="product-create"' not in rep.get(url).content.decode()
    assert 'data-testid="product-create"' in login(company.director).get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_list_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(30):
        make_product(f"P-{i:02}", f"产品{i}", alt_units={"箱": 4})
    client = login(company.rep_e1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:product_list"))
    assert _rows(response) == 25


def test_export_is_the_filtered_list_in_import_columns_and_audited(company, login, catalog):
    response = login(company.rep_e1).get(
        reverse("catalog:product_export"), {"category": catalog["ext"].pk}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:7] == ("产品编码", "产品名称", "型号", "规格", "类别", "基本单位", "其他单位")
    assert [r[0] for r in rows[1:]] == ["MFZ-ABC4", "MT-3"]
    assert rows[1][6] == "箱=4"
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert event.detail["what"] == "catalog.products" and event.detail["rows"] == 2


def test_detail_shows_units_and_history(company, login, catalog):
    response = login(company.finance1).get(
        reverse("catalog:product_detail", args=[catalog["abc4"].pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="product-unit-row"') == 2
    assert 'data-testid="change-history-row"' in body
    assert 'data-testid="product-edit"' not in body
    missing = login(company.finance1).get(reverse("catalog:product_detail", args=[999999]))
    assert missing.status_code == 404


def _form(catalog, **changes):
    data = {
        "code": "MFZ-ABC8",
        "name": "手提式干粉灭火器",
        "model": "MFZ/ABC8",
        "spec": "8kg",
        "category": catalog["ext"].pk,
        "unit": catalog["abc4"].unit_id,
        "warranty_months": "12",
        "inspection_cycle_months": "12",
        "service_life_years": "10",
        "alt_unit_1": make_unit("箱").pk,
        "alt_factor_1": "2",
    }
    data.update(changes)
    return data


def test_create_and_edit_a_product(company, login, catalog):
    client = login(company.director)
    response = client.post(reverse("catalog:product_create"), _form(catalog))
    product = Product.objects.get(code="MFZ-ABC8")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product_detail", args=[product.pk])
    assert list(product.units.values_list("unit__name", flat=True)) == ["箱"]
    response = client.post(
        reverse("catalog:product_edit", args=[product.pk]),
        _form(catalog, name="推车式干粉灭火器", alt_unit_1="", alt_factor_1=""),
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "推车式干粉灭火器" and product.units.count() == 0


def test_refusals_show_on_the_form_and_save_nothing(company, login, catalog):
    client = login(company.director)
    url = reverse("catalog:product_create")
    taken = client.post(url, _form(catalog, code="mfz-abc4"))
    assert taken.status_code == 200
    assert "This code is already used." in taken.content.decode()
    twice = client.post(url, _form(catalog, alt_unit_2=make_unit("箱").pk, alt_factor_2="6"))
    assert "Unit 箱 is listed twice." in twice.content.decode()
    no_factor = client.post(url, _form(catalog, alt_factor_1=""))
    assert "How many base units one of this unit holds." in no_factor.content.decode()
    assert Product.objects.count() == 3


def test_managing_needs_the_right(company, login, catalog):
    rep = login(company.rep_e1)
    pk = catalog["abc4"].pk
    assert rep.get(reverse("catalog:product_create")).status_code == 403
    assert rep.post(reverse("catalog:product_edit", args=[pk]), _form(catalog)).status_code == 403
    assert rep.post(reverse("catalog:product_deactivate", args=[pk])).status_code == 403
    assert rep.get(reverse("catalog:product_import")).status_code == 403
    assert rep.post(reverse("catalog:unit_create"), {"code": "X", "name": "X"}).status_code == 403
    assert Product.objects.get(pk=pk).is_active is True
    assert not Unit.objects.filter(code="X").exists()


def test_deactivate_and_activate(company, login, catalog):
    client = login(company.director)
    pk = catalog["mt3"].pk
    client.post(reverse("catalog:product_deactivate", args=[pk]), {"reason": "停产"})
    assert Product.objects.get(pk=pk).is_active is False
    client.post(reverse("catalog:product_activate", args=[pk]))
    assert Product.objects.get(pk=pk).is_active is True


def test_search_answers_json_and_htmx_with_active_products_and_units(company, login, catalog):
    product_deactivate(actor=company.gm, product_id=catalog["mt3"].pk)
    client = login(company.rep_e1)
    url = reverse("catalog:product_search")
    body = client.get(url, {"q": "灭火器"}).json()
    assert body["more"] is False
    assert [i["code"] for i in body["items"]] == ["MFZ-ABC4"]
    item = body["items"][0]
    assert item["units"] == [
        {"id": item["unit_id"], "name": "具", "factor": "1", "is_base": True},
        {"id": make_unit("箱").pk, "name": "箱", "factor": "4", "is_base": False},
    ]
    html = client.get(url, {"q": "探测器", "target": "line-3"}, HTTP_HX_REQUEST="true")
    text = html.content.decode()
    assert text.count('data-testid="product-search-item"') == 1
    assert 'data-target="line-3"' in text
    start = text.index('data-product="') + len('data-product="')
    import html as html_lib

    attr = html_lib.unescape(text[start : text.index('"', start)])
    assert json.loads(attr)["code"] == "JTY-GD-G3"


def test_search_query_count_is_constant(company, login, django_assert_max_num_queries):
    for i in range(30):
        make_product(f"P-{i:02}", f"产品{i}", alt_units={"箱": 4})
    client = login(company.rep_e1)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("catalog:product_search"), {"q": "产品"}).json()
    assert len(body["items"]) == 20 and body["more"] is True


def test_setup_page_lists_and_adds_categories_and_units(company, login, catalog):
    director = login(company.director)
    page = director.get(reverse("catalog:setup"))
    assert page.content.decode().count('data-testid="category-row"') == 2
    response = director.post(
        reverse("catalog:category_create"),
        {"code": "EXT-DP", "name": "干粉灭火器", "parent": catalog["ext"].pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert ProductCategory.objects.get(code="EXT-DP").parent == catalog["ext"]
    refused = director.post(
        reverse("catalog:category_create"), {"code": "ext", "name": "重复", "is_active": "on"}
    )
    assert refused.status_code == 422
    assert "This code is already used." in refused.content.decode()
    assert (
        director.post(
            reverse("catalog:unit_create"), {"code": "TANG", "name": "樘", "is_active": "on"}
        ).status_code
        == 302
    )
    ju = Unit.objects.get(name="具")
    kept = director.post(
        reverse("catalog:unit_edit", args=[ju.pk]), {"code": ju.code, "name": "具"}
    )
    assert "Still the base unit of active products." in kept.content.decode()
    assert Unit.objects.get(pk=ju.pk).is_active is True
    rep_page = login(company.rep_e1).get(reverse("catalog:setup")).content.decode()
    assert 'data-testid="category-form"' not in rep_page
