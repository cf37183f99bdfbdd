"""The demo company's organisation: 华安消防器材有限公司, a fire-equipment manufacturer with a
sales centre of four regions and their teams, and the departments sales works with
(R-ORG-3, R-ORG-4). Demo data only: every employee's password is ``DEMO_PASSWORD``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from xiaoguan.org.enums import DepartmentKind as K
from xiaoguan.org.models import Department, Role, User

DEMO_PASSWORD = "xiaoguan-demo"  # noqa: S105 - the published demo password, refused in production
ROOT_CODE = "HA"

# code, name, kind, parent code
DEPARTMENTS: list[tuple[str, str, str, str | None]] = [
    ("HA", "华安消防器材有限公司", K.COMPANY, None),
    ("HA-SC", "销售中心", K.SALES_CENTRE, "HA"),
    ("HA-E", "华东区", K.REGION, "HA-SC"),
    ("HA-E1", "上海销售组", K.TEAM, "HA-E"),
    ("HA-E2", "杭州销售组", K.TEAM, "HA-E"),
    ("HA-S", "华南区", K.REGION, "HA-SC"),
    ("HA-S1", "广州销售组", K.TEAM, "HA-S"),
    ("HA-S2", "深圳销售组", K.TEAM, "HA-S"),
    ("HA-N", "华北区", K.REGION, "HA-SC"),
    ("HA-N1", "北京销售组", K.TEAM, "HA-N"),
    ("HA-N2", "天津销售组", K.TEAM, "HA-N"),
    ("HA-W", "西部区", K.REGION, "HA-SC"),
    ("HA-W1", "成都销售组", K.TEAM, "HA-W"),
    ("HA-LEG", "法务部", K.LEGAL, "HA"),
    ("HA-FIN", "财务部", K.FINANCE, "HA"),
    ("HA-LOG", "物流部", K.LOGISTICS, "HA"),
    ("HA-SVC", "售后服务部", K.AFTER_SALES, "HA"),
    ("HA-MKT", "市场部", K.MARKETING, "HA"),
    ("HA-HR", "人力资源部", K.HR, "HA"),
    ("HA-PRD", "生产部", K.PRODUCTION, "HA"),
    ("HA-TEC", "技术部", K.TECHNICAL, "HA"),
]

# username, name, title, department, roles, manager username, heads department
EMPLOYEES: list[tuple[str, str, str, str, tuple[str, ...], str | None, str | None]] = [
    ("gm", "陈建国", "总经理", "HA", ("management",), None, "HA"),
    ("director", "李明", "销售总监", "HA-SC", ("sales_director",), "gm", "HA-SC"),
    ("assistant", "王芳", "销售助理", "HA-SC", ("sales_assistant",), "director", None),
    ("chenchen", "陈晨", "业务跟单", "HA-SC", ("sales_assistant",), "director", None),
    ("manager", "张伟", "华东区区域经理", "HA-E", ("sales_manager",), "director", "HA-E"),
    ("rep", "刘洋", "销售代表", "HA-E1", ("sales_rep",), "manager", None),
    ("zhaolei", "赵磊", "高级销售代表", "HA-E1", ("sales_rep",), "manager", None),
    ("sunli", "孙丽", "销售代表", "HA-E1", ("sales_rep",), "manager", None),
    ("zhoujie", "周杰", "杭州组组长", "HA-E2", ("sales_manager",), "manager", "HA-E2"),
    ("wuqiang", "吴强", "销售代表", "HA-E2", ("sales_rep",), "zhoujie", None),
    ("zhengmin", "郑敏", "销售代表", "HA-E2", ("sales_rep",), "zhoujie", None),
    ("huangtao", "黄涛", "华南区区域经理", "HA-S", ("sales_manager",), "director", "HA-S"),
    ("hejing", "何静", "销售代表", "HA-S1", ("sales_rep",), "huangtao", None),
    ("linfeng", "林峰", "销售代表", "HA-S1", ("sales_rep",), "huangtao", None),
    ("luobin", "罗斌", "深圳组组长", "HA-S2", ("sales_rep",), "huangtao", "HA-S2"),
    ("liangying", "梁颖", "销售代表", "HA-S2", ("sales_rep",), "luobin", None),
    ("gaofei", "高飞", "华北区区域经理", "HA-N", ("sales_manager",), "director", "HA-N"),
    ("machao", "马超", "销售代表", "HA-N1", ("sales_rep",), "gaofei", None),
    ("huting", "胡婷", "销售代表", "HA-N1", ("sales_rep",), "gaofei", None),
    ("guoliang", "郭亮", "销售代表", "HA-N2", ("sales_rep",), "gaofei", None),
    ("tangyong", "唐勇", "西部区区域经理", "HA-W", ("sales_manager",), "director", "HA-W"),
    ("fengxue", "冯雪", "销售代表", "HA-W1", ("sales_rep",), "tangyong", None),
    ("dengkai", "邓凯", "销售代表", "HA-W1", ("sales_rep",), "tangyong", None),
    ("legal", "许婧", "法务经理", "HA-LEG", ("legal",), "gm", "HA-LEG"),
    ("lujia", "陆佳", "法务专员", "HA-LEG", ("legal",), "legal", None),
    ("finance", "曹红", "财务经理", "HA-FIN", ("finance",), "gm", "HA-FIN"),
    ("pengli", "彭丽", "应收会计", "HA-FIN", ("finance",), "finance", None),
    ("logistics", "曾刚", "物流经理", "HA-LOG", ("logistics",), "gm", "HA-LOG"),
    ("xiaojun", "萧军", "仓库主管", "HA-LOG", ("logistics",), "logistics", None),
    ("service", "田军", "售后服务经理", "HA-SVC", ("after_sales",), "gm", "HA-SVC"),
    ("donghao", "董浩", "安装工程师", "HA-SVC", ("after_sales",), "service", None),
    ("marketing", "袁媛", "市场经理", "HA-MKT", ("marketing",), "gm", "HA-MKT"),
    ("panyue", "潘悦", "市场专员", "HA-MKT", ("marketing",), "marketing", None),
    ("hr", "蒋琳", "人力资源经理", "HA-HR", ("hr",), "gm", "HA-HR"),
    ("hanxue", "韩雪", "培训专员", "HA-HR", ("hr",), "hr", None),
    ("xieguoqiang", "谢国强", "生产经理", "HA-PRD", ("production",), "gm", "HA-PRD"),
    ("xiabin", "夏斌", "生产计划员", "HA-PRD", ("production",), "xieguoqiang", None),
    ("songzhiyuan", "宋志远", "技术经理", "HA-TEC", ("technical",), "gm", "HA-TEC"),
    ("fanyu", "范宇", "产品工程师", "HA-TEC", ("technical",), "songzhiyuan", None),
]

# One demo login per built-in staff role: (username, role code).
DEMO_LOGINS: list[tuple[str, str]] = [
    ("gm", "management"),
    ("director", "sales_director"),
    ("manager", "sales_manager"),
    ("rep", "sales_rep"),
    ("assistant", "sales_assistant"),
    ("legal", "legal"),
    ("finance", "finance"),
    ("logistics", "logistics"),
    ("service", "after_sales"),
    ("marketing", "marketing"),
    ("hr", "hr"),
    ("xieguoqiang", "production"),
    ("songzhiyuan", "technical"),
]


PHONE_PREFIXES = ("138", "139", "137", "135", "186", "159", "152", "188")


@dataclass
class DemoOrg:
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def is_loaded() -> bool:
    return Department.objects.filter(code=ROOT_CODE).exists()


def build() -> DemoOrg:
    """Create the departments and employees (the caller holds the transaction)."""
    org = DemoOrg()
    for code, name, kind, parent in DEPARTMENTS:
        department = Department(name=name, code=code, kind=kind)
        department._change_reason = "demo data"
        if parent is None:
            org.departments[code] = Department.objects.add_root(instance=department)
        else:
            org.departments[code] = Department.objects.add_child(
                org.departments[parent], instance=department
            )
    roles = {r.code: r for r in Role.objects.all()}
    password = make_password(DEMO_PASSWORD)  # hashed once; every demo employee shares it
    for n, (username, name, title, dept, role_codes, manager, _heads) in enumerate(
        EMPLOYEES, start=1
    ):
        user = User(
            username=username,
            full_name=name,
            title=title,
            department=org.departments[dept],
            manager=org.users[manager] if manager else None,
            employee_no=f"HA{n:04d}",
            phone=f"{PHONE_PREFIXES[n % len(PHONE_PREFIXES)]}{(n * 7919 + 1234567) % 10**8:08d}",
            email=f"{username}@huaan-fire.example.cn",
            password=password,
        )
        user._change_reason = "demo data"
        user.save()
        if role_codes:
            user.roles.set([roles[c] for c in role_codes])
        org.users[username] = user
    for username, *_rest, heads in EMPLOYEES:
        if heads:
            department = org.departments[heads]
            department.head = org.users[username]
            department._change_reason = "demo data"
            department.save(update_fields=["head"])
    # Reload: treebeard keeps the tree up to date in the database, not in the objects held
    # here, and the demo modules use these objects for scope checks.
    org.departments = {d.code: d for d in Department.objects.filter(code__in=org.departments)}
    org.users = {
        u.username: u
        for u in User.objects.select_related("department").filter(username__in=org.users)
    }
    return org
