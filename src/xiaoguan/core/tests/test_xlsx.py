import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.core.xlsx import xlsx_response


def _read(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).active


def _export(rows, user, **kwargs):
    request = RequestFactory().get("/things/export", REMOTE_ADDR="10.0.0.7")
    request.user = user
    return xlsx_response(
        filename="things.xlsx",
        sheet_title="Things",
        columns=[
            ("Name", "name"),
            ("Amount", "amount"),
            ("Due", "due"),
            ("Owner", lambda r: r["owner"].upper()),
        ],
        rows=rows,
        actor=user,
        request=request,
        what=kwargs.get("what", "things"),
    )


def test_money_is_a_number_with_thousands_format_and_dates_are_dates(company):
    # given
    rows = [
        {
            "name": "Hydrant",
            "amount": Decimal("1234567.50"),
            "due": dt.date(2026, 3, 31),
            "owner": "rep",
        }
    ]
    # when
    response = _export(rows, company.gm)
    sheet = _read(response)
    # then
    assert response["Content-Disposition"] == 'attachment; filename="things.xlsx"'
    assert [c.value for c in sheet[1]] == ["Name", "Amount", "Due", "Owner"]
    name, amount, due, owner = sheet[2]
    assert (name.value, amount.value, owner.value) == ("Hydrant", 1234567.5, "REP")
    assert amount.number_format == "#,##0.00"
    assert due.value == dt.datetime(2026, 3, 31, 0, 0)
    assert due.is_date


@pytest.mark.parametrize(
    "dangerous", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_cells_that_would_be_formulas_are_neutralised(company, dangerous):
    # given
    rows = [{"name": dangerous, "amount": None, "due": None, "owner": "x"}]
    # when
    sheet = _read(_export(rows, company.gm))
    # then
    cell = sheet["A2"]
    # (XML reads a stored CR back as LF)
    assert cell.value == "'" + dangerous.replace("\r", "\n")
    assert cell.data_type == "s"


def test_every_export_is_an_audit_event_with_the_row_count(company):
    # given
    rows = [{"name": f"n{i}", "amount": Decimal(i), "due": None, "owner": "x"} for i in range(3)]
    # when
    _export(rows, company.gm, what="customers")
    # then
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert (event.actor_id, event.ip, event.summary) == (company.gm.pk, "10.0.0.7", "customers: 3")
    assert event.detail["what"] == "customers"
    assert event.detail["rows"] == 3
