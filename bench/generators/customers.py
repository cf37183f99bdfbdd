"""Customers: N x 10,000 companies with one to three contacts each, spread over the bench reps
(about 500 a rep), each in the rep's department.

Names, phones and credit codes are distinct after the app's own normalisation
(``xiaoguan.customers.normalise``), so the duplicate check finds nothing among them; addresses
are real province / city / district codes (``xiaoguan.customers.divisions``); class A / B / C
is spread 20 / 35 / 45 %. Rows are written with ``bulk_create`` in chunks of 5,000 (no change
history for bench data); every bench customer's notes start with ``NOTES_MARK``.
"""

from __future__ import annotations

from datetime import timedelta

from bench.gen import GenContext, step
from bench.generators.org import bench_users, person_name

PER_SCALE = 10_000
CHUNK = 5_000
NOTES_MARK = "[bench] "
CLASS_WEIGHTS = (("A", 20), ("B", 35), ("C", 45))
GRADES = ("A", "B", "C", "D")

BRAND_CHARS = (
    "华安泰盛鑫源恒达宏远信诚宝利丰瑞祥和通广汇金鼎天成永嘉新立中兴隆昌海博锦德润佳美"
    "富正荣辉明阳光启晨星腾飞万豪凯旋东方长城卓越"
)
TRADES = [
    ("manufacturing", ["机械制造", "精密铸造", "电子科技", "汽车零部件", "塑胶制品", "纺织"]),
    ("construction", ["建筑工程", "建设集团", "路桥工程", "装饰工程", "钢结构"]),
    ("real_estate", ["置业", "房地产开发", "物业管理", "商业管理"]),
    ("petrochemical", ["石油化工", "化工", "新材料", "燃气"]),
    ("energy", ["电力", "新能源", "热电", "光伏科技"]),
    ("transport", ["物流", "仓储", "运输", "港务"]),
    ("retail", ["商贸", "百货", "超市连锁", "购物中心"]),
    ("hospitality", ["酒店管理", "餐饮管理", "文旅发展"]),
    ("healthcare", ["医疗器械", "医药", "康养"]),
    ("education", ["教育科技", "职业培训"]),
    ("public", ["城市建设投资", "公用事业", "水务"]),
    ("other", ["实业", "科技", "贸易"]),
]
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
SOURCES = ("web_search", "trade_show", "referral", "phone", "campaign", "dealer", "other")
EMPLOYEE_BANDS = ("lt50", "50_199", "200_999", "1000_plus")
REVENUE_BANDS = ("lt10m", "10m_50m", "50m_200m", "200m_1b", "1b_plus")
CONTACT_TITLES = ("总经理", "采购经理", "安全主管", "行政主管", "工程部经理", "设备科长", "财务")
DEMANDS = (
    "灭火器年检与更换",
    "消火栓系统改造",
    "自动喷水灭火系统",
    "火灾自动报警系统维保",
    "应急照明与疏散指示",
    "气体灭火系统",
)
STREETS = ("人民路", "建设路", "解放路", "中山路", "工业园路", "科技大道", "滨江路", "长江路")


def _bench_customers():
    from xiaoguan.customers.models import Customer

    return Customer.objects.filter(notes__startswith=NOTES_MARK)


def _customers_exist(ctx: GenContext) -> bool:
    return _bench_customers().exists()


def _districts():
    """(province, city, district) code triples of the mainland; cities without districts
    give (province, city, "")."""
    from xiaoguan.customers import divisions

    triples = []
    for p_code, _p_name in divisions.province_choices():
        for c_code, _c_name in divisions.children(p_code):
            districts = divisions.children(c_code)
            if districts:
                triples.extend((p_code, c_code, d_code) for d_code, _n in districts)
            else:
                triples.append((p_code, c_code, ""))
    return triples


def _credit_code(district: str, serial: int) -> str:
    """A valid unified social credit code (GB 32100-2015), unique by serial."""
    from xiaoguan.customers.normalise import credit_code_check_char

    first17 = f"91{district or '110101'}B{serial:08d}"
    return first17 + credit_code_check_char(first17)


@step(
    "customers",
    f"{PER_SCALE:,} customers per scale unit over the reps, 1-3 contacts each",
    done=_customers_exist,
)
def generate_customers(ctx: GenContext) -> dict[str, int]:
    from django.utils import timezone

    from xiaoguan.customers import divisions
    from xiaoguan.customers.models import Contact, Customer
    from xiaoguan.customers.normalise import normalise_name, normalise_phone
    from xiaoguan.customers.pinyin import name_initials

    rng = ctx.rng
    reps = list(bench_users("rep-").values_list("pk", "department_id"))
    if not reps:
        raise RuntimeError("no bench reps: run the org step first")
    places = _districts()
    classes = [c for c, w in CLASS_WEIGHTS for _ in range(w)]
    # Names and phones already in the database (demo customers, if any) are kept distinct too.
    names = set(Customer.objects.values_list("name_normalized", flat=True))
    phones = set(
        Customer.objects.exclude(phone_normalized="").values_list("phone_normalized", flat=True)
    )
    now = timezone.now().replace(microsecond=0)
    total = PER_SCALE * ctx.scale

    def unique_name(city_name: str, industry_words: list[str]) -> str:
        while True:
            brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3))))
            short_city = city_name.removesuffix("市")
            name = f"{short_city}{brand}{rng.choice(industry_words)}{rng.choice(SUFFIXES)}"
            key = normalise_name(name)
            if key not in names:
                names.add(key)
                return name

    def unique_phone() -> str:
        while True:
            if rng.random() < 0.6:
                phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            else:
                phone = f"0{rng.randint(10, 999):d}-{rng.randint(20_000_000, 89_999_999)}"
            key = normalise_phone(phone)
            if key not in phones:
                phones.add(key)
                return phone

    # created_at is auto_now_add; the bench spreads it over three years, so the flag is
    # lifted for these inserts (as the inbox step does).
    created_field = Customer._meta.get_field("created_at")
    created_field.auto_now_add = False
    made = contacts_made = 0
    try:
        while made < total:
            batch = []
            for i in range(made, min(made + CHUNK, total)):
                owner_id, department_id = reps[i % len(reps)]
                province, city, district = rng.choice(places)
                industry, words = rng.choice(TRADES)
                created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
                contacted = rng.random() < 0.7
                batch.append(
                    Customer(
                        owner_id=owner_id,
                        department_id=department_id,
                        name=(name := unique_name(divisions.name_of(city) or "", words)),
                        name_normalized=normalise_name(name),
                        name_initials=name_initials(name),
                        credit_code=_credit_code(district, i + 1) if rng.random() < 0.8 else "",
                        province=province,
                        city=city,
                        district=district,
                        street=f"{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                        phone=(phone := unique_phone()),
                        phone_normalized=normalise_phone(phone),
                        industry=industry,
                        employee_band=rng.choice(EMPLOYEE_BANDS),
                        revenue_band=rng.choice(REVENUE_BANDS),
                        equipment_demand=rng.choice(DEMANDS),
                        site_count=rng.randint(1, 30),
                        source=rng.choice(SOURCES),
                        customer_class=rng.choice(classes),
                        grade=rng.choice(GRADES),
                        notes=f"{NOTES_MARK}#{i + 1}",
                        is_active=rng.random() < 0.95,
                        created_at=created,
                        last_contact_at=created + timedelta(days=rng.randint(0, 300))
                        if contacted
                        else None,
                    )
                )
            created_rows = Customer.objects.bulk_create(batch, batch_size=1000)
            contacts = []
            for customer in created_rows:
                for n in range(rng.choice((1, 1, 2, 2, 3))):
                    contacts.append(
                        Contact(
                            customer_id=customer.pk,
                            name=person_name(rng),
                            title=rng.choice(CONTACT_TITLES),
                            phone=f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
                            is_primary=n == 0,
                        )
                    )
            Contact.objects.bulk_create(contacts, batch_size=2000)
            made += len(batch)
            contacts_made += len(contacts)
    finally:
        created_field.auto_now_add = True
    return {"customers": made, "contacts": contacts_made}
