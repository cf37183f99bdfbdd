import json

import pytest

from xiaoguan.catalog.models import Product
from xiaoguan.catalog.tests.factories import make_category, make_product, make_unit
from xiaoguan.org import services as org_services

BASE = "/api/v1/catalog/products/"


@pytest.fixture
def api(client):
    def make(user):
        _token, raw = org_services.api_token_create(user=user, name="test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        class Api:
            def get(self, url, **params):
                return client.get(url, params, **headers)

            def post(self, url, body):
                return client.post(
                    url, json.dumps(body), content_type="application/json", **headers
                )

            def put(self, url, body):
                return client.put(url, json.dumps(body), content_type="application/json", **headers)

        return Api()

    return make


def _body(**changes):
    body = {
        "code": "MFZ-ABC8",
        "name": "手提式干粉灭火器",
        "model": "MFZ/ABC8",
        "category_id": make_category("灭火器", "EXT").pk,
        "unit_id": make_unit("具").pk,
        "warranty_months": 12,
        "inspection_cycle_months": 12,
        "service_life_years": 10,
        "units": [{"unit_id": make_unit("箱").pk, "factor": "2"}],
    }
    body.update(changes)
    return body


def test_list_and_detail(company, api, django_assert_max_num_queries):
    make_product("MFZ-ABC4", alt_units={"箱": 4})
    make_product("JTY-GD-G3", "感烟探测器", unit="个", needs_installation=True)
    client = api(company.finance1)
    with django_assert_max_num_queries(8):
        body = client.get(BASE).json()
    assert body["count"] == 2
    abc4 = body["items"][1]
    assert abc4["code"] == "MFZ-ABC4"
    assert [(u["name"], u["factor"], u["is_base"]) for u in abc4["units"]] == [
        ("具", "1", True),
        ("箱", "4.000", False),
    ]
    assert client.get(BASE, q="探测器").json()["count"] == 1
    assert client.get(BASE, needs_installation="1").json()["count"] == 1
    detail = client.get(f"{BASE}{abc4['id']}").json()
    assert detail["category"]["code"] == abc4["category"]["code"]
    assert client.get(f"{BASE}999999").status_code == 404


def test_create_and_update_need_catalog_manage(company, api):
    refused = api(company.rep_e1).post(BASE, _body())
    assert refused.status_code == 403
    assert Product.objects.count() == 0
    created = api(company.director).post(BASE, _body())
    assert created.status_code == 201
    pid = created.json()["id"]
    updated = api(company.director).put(
        f"{BASE}{pid}", _body(name="推车式干粉灭火器", units=[], is_active=False)
    )
    assert updated.status_code == 200
    assert updated.json()["name"] == "推车式干粉灭火器"
    assert updated.json()["units"] == [
        {"id": make_unit("具").pk, "name": "具", "factor": "1", "is_base": True}
    ]
    assert updated.json()["is_active"] is False
    assert api(company.rep_e1).put(f"{BASE}{pid}", _body(name="x")).status_code == 403
    assert Product.objects.get(pk=pid).name == "推车式干粉灭火器"


def test_refusals_are_json_with_a_code_and_save_nothing(company, api):
    client = api(company.director)
    make_product("MFZ-ABC4")
    taken = client.post(BASE, _body(code="mfz-abc4"))
    assert taken.status_code == 422
    assert taken.json()["code"] == "product_invalid"
    assert taken.json()["fields"] == {"code": ["This code is already used."]}
    zero = client.post(BASE, _body(units=[{"unit_id": make_unit("箱").pk, "factor": "0"}]))
    assert zero.status_code == 422 and zero.json()["code"] == "validation_failed"
    extra = client.post(BASE, _body(is_active=True, owner=1))
    assert extra.status_code == 422
    bad_unit = client.post(BASE, _body(unit_id=999999))
    assert bad_unit.json()["fields"] == {"unit_id": ["Choose an active unit."]}
    assert Product.objects.count() == 1


def test_categories_and_units_are_listed_for_every_employee(company, api, client):
    top = make_category("灭火器", "EXT")
    sub = make_category("干粉灭火器", "EXT-DP", parent=top)
    make_product("MFZ-ABC4", category=sub)
    body = api(company.hr1).get("/api/v1/catalog/categories/").json()
    assert [(c["code"], c["parent_id"], c["product_count"]) for c in body] == [
        ("EXT", None, 0),
        ("EXT-DP", top.pk, 1),
    ]
    units = api(company.hr1).get("/api/v1/catalog/units/").json()
    assert [u["name"] for u in units] == ["具"]
    client.logout()
    assert client.get("/api/v1/catalog/units/").status_code == 401
