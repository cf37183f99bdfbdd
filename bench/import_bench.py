"""Excel import of 10,000 customers with the duplicate check (R-X-5, R-CUS-2; budget 30 s).

In-process, on the current (bench) database: a realistic 10,000-row workbook is generated
(deterministic from a seed; the template's Chinese headers; names, phones and credit codes
distinct from every customer on file, so the file is clean and the import runs), then the
page's two steps are timed as a manager of a bench region would run them:

1. the check (``import_dry_run``): read the xlsx safely, check every row, look up duplicates
   per chunk of 500 rows, within the file and on file;
2. the import (``import_run``): the same check again in full, then bulk inserts of the
   customers, their history rows, tags and owner changes, and the audit event.

Everything runs inside a transaction that is rolled back at the end: the bench database is
left as it was. The floor is the least database work that answers the duplicate question
for the whole file: one statement looking up the 10,000 credit codes, names and phones.

    ./xg bench run --only customer_import
"""

from __future__ import annotations

import io
import random
import time
from typing import Any

ROWS = 10_000
SEED = 2025
BUDGET_MS = 30_000.0
NAME = "customer_import"
DESCRIPTION = f"Excel import of {ROWS:,} customers with dedup: check + import, in-process"
IMPORTER = "bench-mgr-r01"

_BRAND = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
_TRADES = (
    ("制造业", ("机械制造", "精密铸造", "电子科技", "汽车零部件")),
    ("建筑与工程", ("建筑工程", "路桥工程", "装饰工程", "钢结构")),
    ("房地产与物业管理", ("置业", "物业管理", "商业管理")),
    ("石油化工", ("石油化工", "化工", "燃气")),
    ("交通物流", ("物流", "仓储", "港务")),
    ("商贸零售", ("商贸", "百货", "购物中心")),
    ("酒店餐饮", ("酒店管理", "餐饮管理")),
    ("医疗卫生", ("医疗器械", "医药", "康养")),
)
_SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
_SOURCES = ("网络搜索", "展会", "转介绍", "电话", "营销活动", "经销商")
_TAGS = ("", "", "", "重点工程", "老客户", "重点工程、老客户", "政府项目")
_DEMANDS = ("灭火器年检与更换", "消火栓系统改造", "自动喷水灭火系统", "火灾自动报警系统维保")
_STREETS = ("人民路", "建设路", "解放路", "中山路", "工业园路", "科技大道", "滨江路")
HEADER = (
    "客户名称",
    "统一社会信用代码",
    "电话",
    "省份",
    "城市",
    "区县",
    "详细地址",
    "行业",
    "来源渠道",
    "消防设备需求",
    "标签",
    "负责人",
)


def _places() -> list[tuple[str, str, str]]:
    """(province, city, district) names of the mainland with three levels."""
    from xiaoguan.customers import divisions

    out = []
    for p_code, p_name in divisions.province_choices():
        for c_code, c_name in divisions.children(p_code):
            for _d_code, d_name in divisions.children(c_code):
                out.append((p_name, c_name, d_name))
    return out


def build_workbook(*, rows: int = ROWS, seed: int = SEED, owners: list[str]) -> bytes:
    """A clean import file: every name, phone and credit code new to the database."""
    from openpyxl import Workbook

    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.normalise import (
        credit_code_check_char,
        normalise_name,
        normalise_phone,
    )

    rng = random.Random(seed)
    names = set(Customer.objects.values_list("name_normalized", flat=True))
    phones = set(
        Customer.objects.exclude(phone_normalized="").values_list("phone_normalized", flat=True)
    )
    codes = set(Customer.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    places = _places()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append(HEADER)
    serial = 0
    for _ in range(rows):
        province, city, district = rng.choice(places)
        industry, words = rng.choice(_TRADES)
        while True:
            brand = "".join(rng.choice(_BRAND) for _ in range(3))
            name = f"{city.removesuffix('市')}{brand}{rng.choice(words)}{rng.choice(_SUFFIXES)}"
            if normalise_name(name) not in names:
                names.add(normalise_name(name))
                break
        while True:
            if rng.random() < 0.6:
                phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            else:
                phone = f"0{rng.randint(10, 999)}-{rng.randint(20_000_000, 89_999_999)}"
            if normalise_phone(phone) not in phones:
                phones.add(normalise_phone(phone))
                break
        code = ""
        if rng.random() < 0.7:
            while True:
                serial += 1
                first17 = f"91330100C{serial:08d}"
                code = first17 + credit_code_check_char(first17)
                if code not in codes:
                    break
        sheet.append(
            [
                name,
                code,
                phone,
                province,
                city,
                district,
                f"{rng.choice(_STREETS)}{rng.randint(1, 999)}号",
                industry,
                rng.choice(_SOURCES),
                rng.choice(_DEMANDS),
                rng.choice(_TAGS),
                rng.choice(owners),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Rollback(Exception):
    pass


def run_once(*, rows: int = ROWS, seed: int = SEED) -> dict[str, Any]:
    """Check and import ``rows`` customers as the bench region manager; rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.generators.org import bench_users
    from xiaoguan.customers.services.importing import import_dry_run, import_run
    from xiaoguan.org.models import User

    importer = User.objects.get(username=IMPORTER)
    owners = list(
        bench_users("rep-")
        .filter(department__path__startswith=importer.department.path)
        .values_list("username", flat=True)
    )
    if not owners:
        raise RuntimeError(f"no bench reps under {IMPORTER}: run ./xg bench gen first")
    t0 = time.perf_counter()
    content = build_workbook(rows=rows, seed=seed, owners=owners)
    generated = time.perf_counter() - t0
    out: dict[str, Any] = {"rows": rows, "file_bytes": len(content), "generate_s": generated}
    try:
        with transaction.atomic():
            t0, c0 = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as checked:
                result = import_dry_run(kind="customers", actor=importer, upload=content)
            out["check_s"] = time.perf_counter() - t0
            out["check_cpu_s"] = time.process_time() - c0
            out["check_queries"] = len(checked.captured_queries)
            out["problems"] = len(result.problems)
            if result.problems:
                out["first_problems"] = [p.as_dict() for p in result.problems[:5]]
                raise _Rollback
            t0, c0 = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as imported:
                done = import_run(kind="customers", actor=importer, upload=content)
            out["import_s"] = time.perf_counter() - t0
            out["import_cpu_s"] = time.process_time() - c0
            out["import_queries"] = len(imported.captured_queries)
            out["created"] = done.created
            raise _Rollback
    except _Rollback:
        pass
    return out


def measure_import(result: Any) -> None:
    """``bench.run`` hook: one timed check + import of the generated file (seconds → the
    sample is the total of both steps)."""
    started = time.perf_counter()
    figures = run_once()
    result.wall_seconds = time.perf_counter() - started
    result.clients = 1
    if figures.get("problems"):
        result.errors += 1
        result.error_kinds["rows refused"] = figures["problems"]
        result.samples.append(figures["check_s"])
    else:
        result.samples.append(figures["check_s"] + figures["import_s"])
        result.queries = figures["check_queries"] + figures["import_queries"]
    result.notes = (
        f"{figures['rows']:,} rows, {figures['file_bytes'] / 1e6:.1f} MB xlsx; "
        f"check {figures.get('check_s', 0):.1f} s ({figures.get('check_queries')} queries, "
        f"{figures.get('check_cpu_s', 0):.1f} s app CPU), "
        f"import incl. second check {figures.get('import_s', 0):.1f} s "
        f"({figures.get('import_queries')} queries, {figures.get('import_cpu_s', 0):.1f} s app "
        "CPU); rolled back"
    )


def floor_import(user: Any) -> list[tuple[str, list]]:
    """The duplicate question for a whole file in one statement: which of 10,000 credit
    codes, normalised names and phones are on file (inserts not included)."""
    from django.db import connection

    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.normalise import credit_code_check_char

    table = Customer._meta.db_table
    rng = random.Random(SEED)
    names = [f"地板{i:05d}消防公司" for i in range(ROWS)]
    phones = [f"1990{rng.randint(0, 9_999_999):07d}" for _ in range(ROWS)]
    codes = []
    for i in range(ROWS):
        first17 = f"91330100F{i:08d}"
        codes.append(first17 + credit_code_check_char(first17))
    if connection.vendor == "postgresql":
        return [
            (
                f"SELECT id, credit_code, name_normalized, phone_normalized FROM {table} "
                "WHERE credit_code = ANY(%s) OR name_normalized = ANY(%s) "
                "OR phone_normalized = ANY(%s)",
                [codes, names, phones],
            )
        ]
    # SQLite: one IN list per key (at most 32,766 parameters per statement).
    marks = ", ".join(["%s"] * ROWS)
    return [
        (
            f"SELECT id, credit_code, name_normalized, phone_normalized FROM {table} "
            f"WHERE credit_code IN ({marks}) OR name_normalized IN ({marks}) "
            f"OR phone_normalized IN ({marks})",
            [*codes, *names, *phones],
        )
    ]


def main() -> int:
    """``python -m bench.import_bench``: one run on the current database, figures printed."""
    from bench.main import django_setup

    django_setup()
    figures = run_once()
    for key, value in figures.items():
        print(f"{key:16} {value:.2f}" if isinstance(value, float) else f"{key:16} {value}")
    total = figures.get("check_s", 0) + figures.get("import_s", 0)
    print(f"{'total_s':16} {total:.2f} (budget {BUDGET_MS / 1000:.0f} s)")
    return 0 if not figures.get("problems") else 1


if __name__ == "__main__":
    raise SystemExit(main())
