"""Demo customers (issue 3, first slice): about 300 fire-equipment buyers owned by the demo
reps, in their own cities, with contacts; created through the customer services, so the
duplicate check applies to the demo data too. Deterministic (fixed seed)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from xiaoguan.customers import divisions
from xiaoguan.customers.enums import EmployeeBand, Industry, RevenueBand, SourceChannel
from xiaoguan.customers.errors import CustomerDuplicate
from xiaoguan.customers.normalise import credit_code_check_char
from xiaoguan.customers.services import ContactData, CustomerData, contact_create, customer_create

CUSTOMERS_PER_REP = 20

# team code -> (province, city, city's short name, landline area code)
TEAM_CITIES = {
    "HA-E1": ("310000", "310100", "上海", "021"),
    "HA-E2": ("330000", "330100", "杭州", "0571"),
    "HA-S1": ("440000", "440100", "广州", "020"),
    "HA-S2": ("440000", "440300", "深圳", "0755"),
    "HA-N1": ("110000", "110100", "北京", "010"),
    "HA-N2": ("120000", "120100", "天津", "022"),
    "HA-W1": ("510000", "510100", "成都", "028"),
}

FIRST = [
    "恒达",
    "华盛",
    "鑫源",
    "宏远",
    "金城",
    "天成",
    "嘉禾",
    "瑞丰",
    "永安",
    "中泰",
    "新锐",
    "博远",
    "盛世",
    "安信",
    "联创",
    "东方",
    "海纳",
    "银河",
    "恒通",
    "宝丰",
]
BUSINESS = [
    ("物业管理", Industry.REAL_ESTATE, "物业服务、停车场管理"),
    ("建设工程", Industry.CONSTRUCTION, "房屋建筑工程、消防设施工程施工"),
    ("化工", Industry.PETROCHEMICAL, "化工产品生产与销售"),
    ("物流", Industry.TRANSPORT, "仓储、普通货运"),
    ("商业管理", Industry.RETAIL, "商场运营管理"),
    ("酒店管理", Industry.HOSPITALITY, "酒店经营、餐饮服务"),
    ("电子科技", Industry.MANUFACTURING, "电子元器件研发与制造"),
    ("能源", Industry.ENERGY, "电力、燃气供应"),
    ("医疗投资", Industry.HEALTHCARE, "医院管理"),
    ("教育科技", Industry.EDUCATION, "教育培训服务"),
]
DEMANDS = [
    "灭火器年度更换（MFZ/ABC4 干粉灭火器约 300 具）",
    "室内消火栓箱及水带更新",
    "火灾自动报警系统改造（JTY-GD 感烟探测器）",
    "新建厂房消防设施配套",
    "自动喷水灭火系统维保",
    "消防器材年度巡检与充装",
]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "罗",
    "高",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "志强",
    "海燕",
]
TITLES = ["采购经理", "行政主管", "安全主管", "工程部经理", "总经理", "设备科长"]
SOURCES = [c.value for c in SourceChannel]
EMPLOYEES = [c.value for c in EmployeeBand]
REVENUES = [c.value for c in RevenueBand]
STREETS = [
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "科技园路",
    "工业大道",
    "滨江大道",
    "长江路",
    "黄河路",
]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(rnd: random.Random, district: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015) in the customer's district."""
    body = "91" + district + "".join(rnd.choice(CODE_CHARS) for _ in range(9))
    return body + credit_code_check_char(body)


def load(org: Any) -> int:
    """Create the demo customers; returns how many."""
    rnd = random.Random(2026)
    reps = [u for u in org.users.values() if "sales_rep" in {r.code for r in u.roles.all()}]
    created = 0
    names_left: dict[str, list[tuple[str, int]]] = {}
    for rep in sorted(reps, key=lambda u: u.username):
        team = rep.department.code if rep.department else ""
        if team not in TEAM_CITIES:
            continue
        province, city, short, area = TEAM_CITIES[team]
        districts = [code for code, _name in divisions.children(city)] or [""]
        if city not in names_left:  # each city's companies: distinct names by construction
            combos = [(first, b) for first in FIRST for b in range(len(BUSINESS))]
            rnd.shuffle(combos)
            names_left[city] = combos
        for _i in range(CUSTOMERS_PER_REP):
            first, b = names_left[city].pop()
            business, industry, scope = BUSINESS[b]
            suffix = rnd.choice(
                ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
            )
            name = f"{short}{first}{business}{suffix}"
            district = rnd.choice(districts)
            data = CustomerData(
                name=name,
                credit_code=_credit_code(rnd, district or city) if rnd.random() < 0.8 else "",
                province=province,
                city=city,
                district=district,
                street=f"{rnd.choice(STREETS)}{rnd.randint(1, 999)}号",
                phone=f"{area}-{rnd.randint(2000_0000, 8999_9999)}",
                business_scope=scope,
                industry=industry,
                employee_band=rnd.choice(EMPLOYEES),
                revenue_band=rnd.choice(REVENUES),
                equipment_demand=rnd.choice(DEMANDS),
                site_count=rnd.randint(1, 30),
                source=rnd.choice(SOURCES),
                referrer="老客户介绍" if rnd.random() < 0.2 else "",
            )
            try:
                customer = customer_create(actor=rep, data=data)
            except (
                CustomerDuplicate
            ):  # a generated duplicate (name or phone): skipped, as a rep would
                continue
            for j in range(rnd.randint(1, 3)):
                contact_create(
                    customer=customer,
                    actor=rep,
                    data=ContactData(
                        name=rnd.choice(SURNAMES) + rnd.choice(GIVEN),
                        title=rnd.choice(TITLES),
                        phone=f"1{rnd.choice('3589')}{rnd.randint(0, 9)}{rnd.randint(1000_0000, 9999_9999)}",
                        wechat=f"wx{rnd.randint(100000, 999999)}" if rnd.random() < 0.6 else "",
                        birthday=date(
                            rnd.randint(1965, 1995), rnd.randint(1, 12), rnd.randint(1, 28)
                        )
                        if rnd.random() < 0.5
                        else None,
                        is_primary=j == 0,
                    ),
                )
            created += 1
    return created
