"""Products and contracts: a fire-equipment catalog with base prices (when the database has
no products yet), then N x 10,000 contracts with five lines each (200,000 contracts and
1,000,000 lines at scale 20) over the bench customers, with their payment schedules.

Realistic states: most signed (in force), some completed, terminated with a reason, drafts,
in approval, returned, rejected, approved awaiting signing, cancelled; ~5 % of the signed
ones were amended (version 1 superseded, version 2 current and signed). Signed contracts
have a delivery date and a term end spread around today, so the ledger's "expiring" and
"overdue" flags find real rows; shipped / invoiced / collected amounts follow the delivery.
Line figures come from ``pricing.lines`` (the arithmetic every document uses).

Rows get explicit ids and are written with PostgreSQL ``COPY`` (``bulk_create`` on SQLite),
no change history; every bench contract's number starts with ``BENCH-``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from bench.gen import GenContext, step

PER_SCALE = 10_000
LINES_PER_CONTRACT = 5
NUMBER_MARK = "BENCH-"
PRODUCT_MARK = "BENCH-P"
CHUNK = 5_000

# (category, name, model, spec, unit, base price)
PRODUCTS = [
    ("灭火器", "手提式干粉灭火器", "MFZ/ABC2", "2kg 磷酸铵盐", "具", "68.00"),
    ("灭火器", "手提式干粉灭火器", "MFZ/ABC4", "4kg 磷酸铵盐", "具", "96.00"),
    ("灭火器", "手提式干粉灭火器", "MFZ/ABC8", "8kg 磷酸铵盐", "具", "158.00"),
    ("灭火器", "推车式干粉灭火器", "MFTZ/ABC35", "35kg", "具", "980.00"),
    ("灭火器", "手提式二氧化碳灭火器", "MT/3", "3kg", "具", "260.00"),
    ("灭火器", "手提式二氧化碳灭火器", "MT/5", "5kg", "具", "380.00"),
    ("灭火器", "手提式水基灭火器", "MSWZ/6", "6L", "具", "135.00"),
    ("灭火器", "灭火器箱", "XMH-4", "两具装 不锈钢", "个", "120.00"),
    ("消火栓", "室内消火栓", "SN65", "DN65 减压稳压型", "套", "420.00"),
    ("消火栓", "室内消火栓箱", "SG24A65", "800×650×240", "套", "650.00"),
    ("消火栓", "室外地上式消火栓", "SS100/65-1.6", "DN100", "套", "2680.00"),
    ("消火栓", "室外地下式消火栓", "SA100/65-1.6", "DN100", "套", "2350.00"),
    ("消火栓", "消防水带", "13-65-25", "DN65 25m 衬里", "条", "210.00"),
    ("消火栓", "消防水枪", "QZ3.5/7.5", "直流水枪", "支", "85.00"),
    ("消火栓", "消防软管卷盘", "JPS0.8-19/25", "25m", "套", "360.00"),
    ("报警", "点型光电感烟火灾探测器", "JTY-GD-G3", "二总线", "只", "98.00"),
    ("报警", "点型感温火灾探测器", "JTW-ZCD-G3", "A2R 级", "只", "86.00"),
    ("报警", "手动火灾报警按钮", "J-SAP-8401", "带电话插孔", "只", "115.00"),
    ("报警", "消火栓按钮", "J-SAM-GST9123", "", "只", "108.00"),
    ("报警", "火灾声光警报器", "HX-100B", "", "只", "135.00"),
    ("报警", "火灾报警控制器（联动型）", "JB-QB-GST200", "200 点", "台", "8600.00"),
    ("报警", "火灾报警控制器（联动型）", "JB-QG-GST5000", "3200 点 柜式", "台", "38000.00"),
    ("报警", "输入输出模块", "GST-LD-8301", "", "只", "180.00"),
    ("喷淋", "玻璃球洒水喷头", "ZSTX15-68℃", "下垂型 K80", "只", "12.00"),
    ("喷淋", "快速响应洒水喷头", "ZSTZ15-68℃", "直立型", "只", "18.00"),
    ("喷淋", "湿式报警阀组", "ZSFZ150", "DN150", "套", "5800.00"),
    ("喷淋", "水流指示器", "ZSJZ100", "DN100", "只", "320.00"),
    ("喷淋", "信号蝶阀", "ZSFD100", "DN100", "只", "560.00"),
    ("喷淋", "末端试水装置", "ZSPM-80/1.2", "", "套", "260.00"),
    ("应急照明", "消防应急照明灯", "M-ZFZD-E3W", "3W 集中电源", "只", "65.00"),
    ("应急照明", "消防应急标志灯", "M-BLJC-1LROE", "单面 安全出口", "只", "72.00"),
    ("应急照明", "应急照明集中电源", "C-D-0.5KVA", "0.5kVA", "台", "4200.00"),
    ("气体灭火", "七氟丙烷灭火装置", "GQQ70/2.5", "70L 柜式", "套", "6800.00"),
    ("气体灭火", "悬挂式超细干粉灭火装置", "FZXA6/1.2", "6kg", "具", "780.00"),
    ("消防泵", "消防稳压设备", "ZW(L)-I-XZ-10", "", "套", "16800.00"),
    ("消防泵", "立式消防泵", "XBD8/30G-L", "30L/s", "台", "23500.00"),
    ("管材", "热镀锌钢管", "DN100", "壁厚 4mm", "米", "86.00"),
    ("管材", "沟槽管件", "DN100 弯头", "", "个", "38.00"),
    ("服务", "消防设施维保服务", "年度", "按建筑面积", "项", "12000.00"),
    ("服务", "消防设施检测", "年度", "", "项", "8500.00"),
]
CATEGORY_CODES = {
    "灭火器": "EXT",
    "消火栓": "HYD",
    "报警": "ALM",
    "喷淋": "SPR",
    "应急照明": "EML",
    "气体灭火": "GAS",
    "消防泵": "PMP",
    "管材": "PIP",
    "服务": "SRV",
}
UNIT_CODES = {
    "具": "ju",
    "个": "ge",
    "套": "tao",
    "条": "tiao",
    "支": "zhi",
    "只": "zhi2",
    "台": "tai",
    "米": "mi",
    "项": "xiang",
}
TITLES = (
    "消防器材采购合同",
    "火灾自动报警系统供货及安装合同",
    "自动喷水灭火系统改造合同",
    "灭火器年度更换合同",
    "消火栓系统供货合同",
    "应急照明及疏散指示系统合同",
    "气体灭火系统供货合同",
    "消防设施维保合同",
)
PLACES = ("甲方指定仓库", "项目现场", "甲方厂区", "甲方办公楼")
CLAUSES = [
    {"title": "质量标准", "body": "乙方所供产品须符合国家标准及消防产品强制性认证要求。"},
    {"title": "验收", "body": "甲方应在到货后七日内验收，逾期未提出异议视为验收合格。"},
    {"title": "违约责任", "body": "任何一方违约，应按合同总额的千分之五每日向对方支付违约金。"},
    {"title": "争议解决", "body": "双方协商解决；协商不成的，提交乙方所在地人民法院诉讼解决。"},
]
# status, weight (per mille of the contracts), signed?
STATUSES = (
    ("signed", 600, True),
    ("completed", 90, True),
    ("terminated", 30, True),
    ("draft", 70, False),
    ("in_approval", 60, False),
    ("returned", 20, False),
    ("rejected", 30, False),
    ("approved", 50, False),
    ("cancelled", 50, False),
)
AMENDED_SHARE = 0.08  # of the signed (in force) ones: v1 superseded, v2 current
TERMINATIONS = (("force_majeure", "疫情停工，项目取消"), ("customer_breach", "甲方逾期未付款"),
                ("mutual", "双方协商一致解除"))  # fmt: skip


def _bench_contracts_exist(ctx: GenContext) -> bool:
    from xiaoguan.contracts.models import Contract

    return Contract.objects.filter(number__startswith=NUMBER_MARK).exists()


def _products_exist(ctx: GenContext) -> bool:
    from xiaoguan.catalog.models import Product

    return Product.objects.exists()


@step("catalog", f"{len(PRODUCTS)} fire-equipment products with base prices", done=_products_exist)
def generate_catalog(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from xiaoguan.catalog.models import Product, ProductCategory, Unit
    from xiaoguan.pricing.models import BasePrice

    units = {}
    for name, code in UNIT_CODES.items():
        units[name], _ = Unit.objects.get_or_create(code=code, defaults={"name": name})
    categories = {}
    for i, (name, code) in enumerate(CATEGORY_CODES.items()):
        categories[name], _ = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name, "position": i}
        )
    valid_from = timezone.localdate() - timedelta(days=4 * 365)
    made = 0
    for i, (category, name, model, spec, unit, price) in enumerate(PRODUCTS, start=1):
        product = Product.objects.create(
            code=f"{PRODUCT_MARK}{i:03d}",
            name=name,
            model=model,
            spec=spec,
            category=categories[category],
            unit=units[unit],
            needs_installation=category in ("报警", "喷淋", "气体灭火", "消防泵"),
            warranty_months=12 if category != "服务" else 0,
            inspection_cycle_months=12 if category in ("灭火器", "报警") else None,
            service_life_years=6 if category == "灭火器" else None,
        )
        BasePrice.objects.create(
            product=product,
            unit=units[unit],
            price=Decimal(price),
            cost_price=(Decimal(price) * Decimal("0.62")).quantize(Decimal("0.01")),
            valid_from=valid_from,
        )
        made += 1
    return {"products": made, "base prices": made}


def _price_list() -> list[tuple[int, int, Decimal]]:
    """(product, unit, price in force today) of every active product with a base price."""
    from django.utils import timezone

    from xiaoguan.pricing.models import BasePrice

    today = timezone.localdate()
    seen: dict[tuple[int, int], Decimal] = {}
    for product_id, unit_id, price in (
        BasePrice.objects.filter(valid_from__lte=today, product__is_active=True)
        .order_by("product_id", "unit_id", "-valid_from")
        .values_list("product_id", "unit_id", "price")
    ):
        seen.setdefault((product_id, unit_id), price)
    return [(p, u, price) for (p, u), price in seen.items()]


class _Writer:
    """Rows of one table with explicit ids: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, table: str, columns: list[str]):
        self.table, self.columns = table, columns
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK * LINES_PER_CONTRACT:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        cols = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows)
        self.count += len(self.rows)
        self.rows = []


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequence(table: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


CONTRACT_COLUMNS = [
    "id", "version", "created_at", "updated_at", "number", "version_no", "is_current",
    "amendment_reason", "source", "title", "status", "list_total", "total", "price_date",
    "delivery_date", "delivery_place", "delivery_terms", "installation_required",
    "warranty_months", "inspection_cycle_months", "after_sales_terms", "end_on", "clauses",
    "notes", "submitted_at", "decided_at", "approved_at", "signed_on", "signed_at",
    "customer_signatory", "company_signatory", "termination_kind", "termination_reason",
    "settlement_amount", "settlement_note", "terminated_on", "shipped_amount",
    "invoiced_amount", "collected_amount", "amends_id", "customer_id", "department_id",
    "opportunity_id", "owner_id", "quote_id", "root_id", "template_id",
]  # fmt: skip
LINE_COLUMNS = [
    "id", "position", "spec", "quantity", "list_price", "unit_price", "discount", "amount",
    "contract_id", "product_id", "unit_id",
]  # fmt: skip
TERM_COLUMNS = [
    "id", "position", "label", "trigger", "days_after", "percent", "amount", "is_retention",
    "contract_id",
]  # fmt: skip


@step(
    "contracts",
    f"{PER_SCALE:,} contracts per scale unit, {LINES_PER_CONTRACT} lines each, with schedules",
    done=_bench_contracts_exist,
)
def generate_contracts(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from bench.generators.activities import _customers
    from xiaoguan.contracts.models import Contract, ContractLine, PaymentTerm
    from xiaoguan.pricing.lines import document_totals, line_figures, to_cents

    rng = ctx.rng
    customers = _customers()
    if not customers:
        raise RuntimeError("no bench customers: run the customers step first")
    prices = _price_list()
    if len(prices) < LINES_PER_CONTRACT:
        raise RuntimeError("no products with base prices: run the catalog step first")
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    clauses = json.dumps(CLAUSES, ensure_ascii=False)
    statuses = [s for s, w, _signed in STATUSES for _ in range(w)]
    signed_statuses = {s for s, _w, signed in STATUSES if signed}

    contracts = _Writer(Contract._meta.db_table, CONTRACT_COLUMNS)
    lines = _Writer(ContractLine._meta.db_table, LINE_COLUMNS)
    terms = _Writer(PaymentTerm._meta.db_table, TERM_COLUMNS)
    contract_id = _next_id(contracts.table)
    line_id = _next_id(lines.table)
    term_id = _next_id(terms.table)
    total_contracts = PER_SCALE * ctx.scale
    amended = 0

    def add_version(*, pk, number, version_no, is_current, status, customer, created, picks,
                    root_id, amends_id, signed_on, reason=""):  # fmt: skip
        nonlocal line_id, term_id
        cust_pk, owner_id, department_id, _created = customer
        figures = []
        for position, (product_id, unit_id, list_price, quantity, discount) in enumerate(
            picks, start=1
        ):
            f = line_figures(quantity=quantity, list_price=list_price, discount=discount)
            figures.append(f)
            lines.add((line_id, position, "", quantity, list_price, f.unit_price, f.discount,
                       f.amount, pk, product_id, unit_id))  # fmt: skip
            line_id += 1
        totals = document_totals(figures)
        total = totals.total
        first = to_cents(total * Decimal("0.30"))
        for position, (label, trigger, amount, percent) in enumerate(
            (("预付款", "signing", first, Decimal("30")),
             ("到货款", "delivery", total - first, Decimal("70"))),
            start=1,
        ):  # fmt: skip
            terms.add((term_id, position, label, trigger, 0, percent, amount, False, pk))
            term_id += 1
        signed = status in signed_statuses or status == "superseded"
        delivery = (signed_on or created.date()) + timedelta(days=rng.randint(15, 120))
        end_on = (signed_on or created.date()) + timedelta(days=rng.choice((365, 365, 730)))
        shipped = invoiced = collected = Decimal("0.00")
        if signed and status != "superseded":
            if status == "completed" or (delivery < today and rng.random() < 0.85):
                shipped = total
            elif delivery < today + timedelta(days=30) and rng.random() < 0.5:
                shipped = to_cents(total * Decimal(rng.randint(20, 90)) / 100)
            invoiced = shipped if rng.random() < 0.8 else to_cents(shipped * Decimal("0.5"))
            collected = (
                first
                if shipped < total
                else to_cents(total * Decimal(rng.choice((30, 70, 90, 100, 100))) / 100)
            )
            if status == "completed":
                invoiced = collected = total
        submitted = created + timedelta(days=1) if status not in ("draft",) else None
        decided = (
            created + timedelta(days=rng.randint(2, 6))
            if status not in ("draft", "in_approval")
            else None
        )
        approved = decided if signed or status == "approved" else None
        terminated = status == "terminated"
        kind, why = rng.choice(TERMINATIONS) if terminated else ("", "")
        contracts.add((
            pk, 1, created, created, number, version_no, is_current, reason,
            rng.choice(("template", "quote", "scratch")), rng.choice(TITLES), status,
            totals.list_total, total, created.date(), delivery, rng.choice(PLACES), "",
            rng.random() < 0.4, 12, 12 if rng.random() < 0.5 else None, "", end_on, clauses,
            "", submitted, decided, approved, signed_on,
            timezone.make_aware(datetime.combine(signed_on, datetime.min.time()))
            if signed_on else None,
            "王经理" if signed_on else "", "刘洋" if signed_on else "", kind, why,
            to_cents(collected) if terminated else None, "按已发货部分结算" if terminated else "",
            (signed_on + timedelta(days=rng.randint(30, 200))) if terminated else None,
            shipped, invoiced, collected, amends_id, cust_pk, department_id, None, owner_id,
            None, root_id, None,
        ))  # fmt: skip

    def picks_for() -> list[tuple]:
        chosen = rng.sample(prices, LINES_PER_CONTRACT)
        return [
            (p, u, price, Decimal(rng.choice((1, 2, 5, 10, 20, 50, 100, 200))),
             Decimal(rng.choice((0, 0, 3, 5, 8, 10, 12))))
            for p, u, price in chosen
        ]  # fmt: skip

    span_minutes = 3 * 365 * 24 * 60
    for i in range(total_contracts):
        customer = customers[rng.randrange(len(customers))]
        created = now - timedelta(minutes=rng.randint(0, span_minutes))
        status = rng.choice(statuses)
        signed_on = (
            min(created.date() + timedelta(days=rng.randint(5, 30)), today)
            if status in signed_statuses
            else None
        )
        number = f"{NUMBER_MARK}HT-{i + 1:07d}"
        picks = picks_for()
        root_pk = contract_id
        contract_id += 1
        if status == "signed" and rng.random() < AMENDED_SHARE:
            # Version 1 superseded by a signed version 2 with changed quantities.
            add_version(pk=root_pk, number=number, version_no=1, is_current=False,
                        status="superseded", customer=customer, created=created, picks=picks,
                        root_id=None, amends_id=None, signed_on=signed_on)  # fmt: skip
            v2 = contract_id
            contract_id += 1
            changed = [(p, u, price, qty + Decimal(rng.randint(1, 10)), d)
                       for p, u, price, qty, d in picks]  # fmt: skip
            amended_on = min(signed_on + timedelta(days=rng.randint(10, 90)), today)
            add_version(pk=v2, number=number, version_no=2, is_current=True, status="signed",
                        customer=customer, created=min(created + timedelta(days=10), now), picks=changed,
                        root_id=root_pk, amends_id=root_pk, signed_on=amended_on,
                        reason="甲方增加采购数量")  # fmt: skip
            amended += 1
        else:
            add_version(pk=root_pk, number=number, version_no=1, is_current=True, status=status,
                        customer=customer, created=created, picks=picks, root_id=None,
                        amends_id=None, signed_on=signed_on)  # fmt: skip
    for writer in (contracts, lines, terms):
        writer.flush()
        _reset_sequence(writer.table)
    return {
        "contracts": total_contracts,
        "amended (2 versions)": amended,
        "contract versions": contracts.count,
        "contract lines": lines.count,
        "payment terms": terms.count,
    }
