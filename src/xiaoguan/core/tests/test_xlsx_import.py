"""Safe reading of uploaded workbooks (core.xlsx_import): every refusal says what and where."""

import datetime as dt
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from xiaoguan.core.xlsx_import import (
    Column,
    XlsxRejected,
    upload_discard,
    upload_keep,
    upload_load,
    xlsx_read,
)

COLUMNS = [
    Column("name", aliases=("名称", "Name"), required=True),
    Column("phone", aliases=("电话", "Phone")),
    Column("born", aliases=("生日",)),
]


def _book(rows, *, write_only=False) -> bytes:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reads_rows_mapped_by_header_aliases_with_row_numbers():
    # given headers in Chinese and English, a blank row, a phone typed as a number and a date
    data = _book(
        [
            ["名称", "Phone", "生日"],
            ["  杭州消防 ", 13912345678, dt.datetime(1980, 5, 17)],
            [None, None, None],
            ["宁波安防", "0574-88886666", None],
        ]
    )
    # when
    sheet = xlsx_read(data, columns=COLUMNS)
    # then
    assert [r.number for r in sheet.rows] == [2, 4]
    assert sheet.rows[0].values == {
        "name": "杭州消防",
        "phone": 13912345678,
        "born": dt.date(1980, 5, 17),
    }
    assert sheet.rows[1].values["phone"] == "0574-88886666"


def test_refuses_missing_and_unknown_columns_naming_them():
    data = _book([["电话", "颜色"], ["13912345678", "红"]])
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(data, columns=COLUMNS)
    assert exc.value.extra["missing"] == ["名称"]
    assert exc.value.extra["unknown"] == ["颜色"]
    assert "名称" in str(exc.value.message) and "颜色" in str(exc.value.message)


def test_refuses_a_repeated_column():
    data = _book([["名称", "Name"], ["a", "b"]])
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(data, columns=COLUMNS)
    assert exc.value.extra["repeated"] == ["Name"]


def test_refuses_merged_cells_naming_the_range():
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "电话"])
    sheet.append(["杭州消防", "0571-88886666"])
    sheet.append(["宁波安防", None])
    sheet.merge_cells("B2:B3")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(buffer.getvalue(), columns=COLUMNS)
    assert "B2:B3" in str(exc.value.message)


def test_refuses_formulas_naming_the_cells():
    data = _book([["名称", "电话"], ["杭州消防", "=1+1"], ['=HYPERLINK("http://x")', "1"]])
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(data, columns=COLUMNS)
    assert exc.value.extra["cells"] == ["B2", "A3"]


def test_refuses_a_sheet_with_more_rows_than_the_cap_quickly():
    # given 100,000 data rows (written in streaming mode, as a big export would be)
    rows = [["名称", "电话"]] + [[f"客户{i}", "13912345678"] for i in range(100_000)]
    data = _book(rows, write_only=True)
    # when
    started = time.perf_counter()
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(data, columns=COLUMNS, max_rows=20_000)
    # then: refused with the cap in the message, without reading every row
    assert "20,000" in str(exc.value.message)
    assert time.perf_counter() - started < 20  # generous: no test depends on speed


def test_accepts_exactly_the_cap():
    data = _book([["名称"]] + [[f"c{i}"] for i in range(50)])
    assert len(xlsx_read(data, columns=COLUMNS, max_rows=50).rows) == 50
    with pytest.raises(XlsxRejected):
        xlsx_read(data, columns=COLUMNS, max_rows=49)


@pytest.mark.parametrize(
    "payload",
    [b"name,phone\nACME,123\n", b"%PDF-1.4 not a workbook", b"PK\x03\x04broken"],
    ids=["csv", "pdf", "broken-zip"],
)
def test_refuses_what_is_not_an_xlsx(payload):
    with pytest.raises(XlsxRejected):
        xlsx_read(payload, columns=COLUMNS)


def test_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(XlsxRejected):
        xlsx_read(buffer.getvalue(), columns=COLUMNS)


def test_refuses_an_empty_file_and_a_file_over_the_size_cap():
    with pytest.raises(XlsxRejected):
        xlsx_read(b"", columns=COLUMNS)
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(b"x" * 2048, columns=COLUMNS, max_bytes=1024)
    assert "MB" in str(exc.value.message)


def test_refuses_a_zip_bomb_before_unpacking_it():
    # given a small zip declaring a part that unpacks to 300 MB of zeros
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _book([["名称"], ["a"]])[:0] or "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                part.write(block)
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    # when / then
    started = time.perf_counter()
    with pytest.raises(XlsxRejected) as exc:
        xlsx_read(buffer.getvalue(), columns=COLUMNS)
    assert "unpacks" in str(exc.value.message) or "解压" in str(exc.value.message)
    assert time.perf_counter() - started < 5


def test_refuses_a_zip_with_too_many_entries():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for i in range(600):
            z.writestr(f"x/{i}.xml", "<a/>")
    with pytest.raises(XlsxRejected):
        xlsx_read(buffer.getvalue(), columns=COLUMNS)


def test_refuses_entity_expansion_in_a_part():
    # given a workbook whose shared strings part declares an entity (billion laughs style)
    data = _book([["名称"], ["杭州消防"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = content.replace(
                    b"<workbook",
                    b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    b"<workbook",
                    1,
                )
            z.writestr(info, content)
    with pytest.raises(XlsxRejected):
        xlsx_read(buffer.getvalue(), columns=COLUMNS)


def test_refuses_a_sheet_without_data_rows():
    with pytest.raises(XlsxRejected):
        xlsx_read(_book([["名称", "电话"]]), columns=COLUMNS)


def test_a_kept_upload_is_found_only_by_its_owner(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    token = upload_keep(b"PK-data", owner_key="7")
    assert upload_load(token, owner_key="7") == b"PK-data"
    with pytest.raises(XlsxRejected):
        upload_load(token, owner_key="8")
    with pytest.raises(XlsxRejected):
        upload_load("../../etc/passwd", owner_key="7")
    upload_discard(token, owner_key="7")
    with pytest.raises(XlsxRejected):
        upload_load(token, owner_key="7")
