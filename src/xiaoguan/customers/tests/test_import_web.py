"""Import pages and API (R-X-5): check, then import what the server kept; scope and rights."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.customers.models import Customer
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org import services as org_services

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    from django.core.cache import cache

    cache.clear()


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="customers.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_check_then_import_from_the_page(company, login):
    client = login(company.rep_e1)
    data = xlsx(
        ["客户名称", "电话"],
        [["杭州安盾消防设备有限公司", "0571-88886666"], ["宁波港盛物流有限公司", ""]],
    )
    # when the rep checks the file
    page = client.post("/customers/import/", {"kind": "customers", "file": upload(data)})
    # then nothing is imported yet and the page offers the import
    assert page.status_code == 200
    assert b'data-testid="import-clean"' in page.content
    assert Customer.objects.count() == 0
    token = page.context["confirm"]["token"].value()
    # when the rep confirms
    done = client.post("/customers/import/run/", {"kind": "customers", "token": token})
    # then
    assert done.status_code == 302
    assert set(Customer.objects.values_list("owner", flat=True)) == {company.rep_e1.pk}
    assert AuditEvent.objects.filter(kind=AuditKind.IMPORT).count() == 1
    # the kept file is gone: the same token does not import twice
    again = client.post("/customers/import/run/", {"kind": "customers", "token": token})
    assert Customer.objects.count() == 2
    assert again.status_code == 200 and b"import-file-error" in again.content


def test_bad_rows_are_listed_with_their_row_numbers(company, login):
    client = login(company.rep_e1)
    data = xlsx(
        ["客户名称", "电话"],
        [["好客户有限公司", ""], ["", "13900000000"], ["坏电话有限公司", "123"]],
    )
    page = client.post("/customers/import/", {"kind": "customers", "file": upload(data)})
    assert page.status_code == 200
    assert b'data-row="3"' in page.content and b'data-row="4"' in page.content
    assert b'data-testid="import-run"' not in page.content
    assert Customer.objects.count() == 0


def test_a_bad_file_gets_a_message_not_a_500(company, login):
    client = login(company.rep_e1)
    page = client.post(
        "/customers/import/", {"kind": "customers", "file": upload(b"not,an,xlsx\n", "x.csv")}
    )
    assert page.status_code == 200
    assert b'data-testid="import-file-error"' in page.content


def test_another_users_token_imports_nothing(company, login):
    client = login(company.rep_e1)
    data = xlsx(["客户名称"], [["杭州安盾消防设备有限公司"]])
    page = client.post("/customers/import/", {"kind": "customers", "file": upload(data)})
    token = page.context["confirm"]["token"].value()
    other = login(company.rep_e2)
    response = other.post("/customers/import/run/", {"kind": "customers", "token": token})
    assert response.status_code == 200
    assert Customer.objects.count() == 0


def test_templates_download_and_rights(company, login):
    client = login(company.rep_e1)
    response = client.get("/customers/import/template/customers/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert client.get("/customers/import/template/nothing/").status_code == 404
    assert login(company.finance1).get("/customers/import/").status_code == 403


def test_import_page_renders(company, login):
    response = login(company.mgr_east).get("/customers/import/")
    assert response.status_code == 200
    assert b'data-testid="import-form"' in response.content


# --- API ----------------------------------------------------------------------------------


def _api(client, user):
    _token, raw = org_services.api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_dry_run_reports_rows_as_422_then_imports(company, client):
    headers = _api(client, company.rep_e1)
    bad = xlsx(["客户名称", "电话"], [["甲有限公司", "123"]])
    response = client.post(
        "/api/v1/customers/import/customers?dry_run=true", {"file": upload(bad)}, **headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_invalid" and body["errors"][0]["row"] == 2
    good = xlsx(["客户名称", "电话"], [["甲有限公司", "13912345678"]])
    checked = client.post(
        "/api/v1/customers/import/customers?dry_run=true", {"file": upload(good)}, **headers
    )
    assert checked.status_code == 200 and checked.json()["errors"] == []
    assert Customer.objects.count() == 0
    done = client.post(
        "/api/v1/customers/import/customers?dry_run=false", {"file": upload(good)}, **headers
    )
    assert done.status_code == 200 and done.json()["created"] == 1
    assert Customer.objects.get().owner == company.rep_e1


def test_api_refuses_a_bad_file_and_an_owner_out_of_scope(company, client):
    headers = _api(client, company.rep_e1)
    response = client.post(
        "/api/v1/customers/import/customers", {"file": upload(b"PK\x03\x04zz")}, **headers
    )
    assert response.status_code == 422 and response.json()["code"] == "xlsx_rejected"
    good = xlsx(["客户名称"], [["甲有限公司"]])
    response = client.post(
        "/api/v1/customers/import/customers?dry_run=false",
        {"file": upload(good), "owner": company.rep_w1.pk},
        **headers,
    )
    assert response.status_code == 422
    assert Customer.objects.count() == 0


def test_api_merge(company, client):
    a = make_customer(company.rep_e1, "杭州甲有限公司")
    b = make_customer(company.rep_e1, "杭州乙有限公司")
    w = make_customer(company.rep_w1, "成都丙有限公司")
    headers = _api(client, company.mgr_east)
    out = client.post(
        "/api/v1/customers/merge/",
        {"survivor_id": a.pk, "duplicate_id": w.pk},
        content_type="application/json",
        **headers,
    )
    assert out.status_code == 404
    ok = client.post(
        "/api/v1/customers/merge/",
        {"survivor_id": a.pk, "duplicate_id": b.pk},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["merged_id"] == b.pk
    rep = client.post(
        "/api/v1/customers/merge/",
        {"survivor_id": a.pk, "duplicate_id": b.pk},
        content_type="application/json",
        **_api(client, company.rep_e1),
    )
    assert rep.status_code == 403
