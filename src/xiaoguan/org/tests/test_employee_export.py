"""The employee list exports to Excel exactly what the user may see, and the export is audited."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from xiaoguan.core.models import AuditEvent, AuditKind


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_regional_manager_exports_their_subtree_only(
    company, login, django_assert_max_num_queries
):
    # given
    client = login(company.mgr_east)
    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("org:employee_export"))
        rows = _sheet(response)
    # then: the East region's people, nobody from the West, no login names
    names = {row[0] for row in rows[1:]}
    assert names == {"mgr_east", "rep_e1", "rep_e1b", "rep_e2"}
    assert rows[0][0] == "姓名"
    event = AuditEvent.objects.get(kind=AuditKind.EXPORT)
    assert (event.actor_id, event.detail["rows"]) == (company.mgr_east.pk, 4)


def test_the_export_follows_the_list_filters(company, login):
    # given management filtering on one team
    client = login(company.gm)
    # when
    response = client.get(reverse("org:employee_export"), {"department": company.depts["T-E1"].pk})
    rows = _sheet(response)
    # then: with login names, only that team
    assert rows[0][0] == "用户名"
    assert {row[0] for row in rows[1:]} == {"rep_e1", "rep_e1b"}
