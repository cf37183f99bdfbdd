"""The organisation: per scale unit two regions of two teams of five reps (20 reps), with
region managers, team leads and assistants; the sales centre, the staff departments and at
least one employee for every built-in role.

    HQ 总公司                       bench-gm (management)
    ├── SC 销售中心                 bench-director (sales_director)
    │   ├── R01 华东区              bench-mgr-r01 (sales_manager, head),
    │   │                           bench-asst-r01 (sales_assistant)
    │   │   ├── T0101 华东一组      bench-lead-t0101 (sales_manager, head), bench-rep-0001..0005
    │   │   └── T0102 华东二组      ...
    │   └── R02 华南区 ...
    ├── LEG 法务部 · FIN 财务部 · LOG 物流部 · SVC 售后服务部 · MKT 市场部 · HR 人力资源部
    │                               bench-legal-01, bench-finance-01, ... (N of each)
    dealer: bench-dealer-01 (no department)
"""

from __future__ import annotations

from bench.gen import GenContext, step

BENCH_PASSWORD = "xiaoguan-bench-2025"
PREFIX = "bench-"
ROOT_CODE = "B-HQ"
REGIONS_PER_UNIT = 2
TEAMS_PER_REGION = 2
REPS_PER_TEAM = 5

REGION_NAMES = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"]
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞鑫波宁"
    "晨欣怡佳琳雪梅海峰志国庆东俊杨帆瑞婷颖"
)

STAFF = [
    # department code, name, kind, role code, username stem, job title
    ("LEG", "法务部", "legal", "legal", "legal", "法务专员"),
    ("FIN", "财务部", "finance", "finance", "finance", "会计"),
    ("LOG", "物流部", "logistics", "logistics", "logistics", "仓储物流专员"),
    ("SVC", "售后服务部", "after_sales", "after_sales", "service", "售后工程师"),
    ("MKT", "市场部", "marketing", "marketing", "marketing", "市场专员"),
    ("HR", "人力资源部", "hr", "hr", "hr", "培训专员"),
]


def region_name(index: int) -> str:
    base = REGION_NAMES[index % len(REGION_NAMES)]
    round_ = index // len(REGION_NAMES)
    return f"{base}区" if round_ == 0 else f"{base}{NUMERALS[round_ % 10]}区"


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def existing_scale() -> int | None:
    """The scale of the bench company already in the database, or None."""
    from xiaoguan.org.models import User

    reps = User.objects.filter(username__startswith=f"{PREFIX}rep-").count()
    return reps // (REGIONS_PER_UNIT * TEAMS_PER_REGION * REPS_PER_TEAM) if reps else None


def bench_users(kind: str = ""):
    """Bench employees, ``kind`` one of rep, lead, mgr, asst, gm, director, legal, ..."""
    from xiaoguan.org.models import User

    return User.objects.filter(username__startswith=f"{PREFIX}{kind}").order_by("username")


def _org_exists(ctx: GenContext) -> bool:
    from xiaoguan.org.models import Department

    return Department.objects.filter(code=ROOT_CODE).exists()


@step("org", "departments (regions, teams, staff) and employees for every role", done=_org_exists)
def generate_org(ctx: GenContext) -> dict[str, int]:
    from xiaoguan.org.models import Department, Role, User

    rng = ctx.rng
    regions = REGIONS_PER_UNIT * ctx.scale

    # --- the tree, in one load_bulk (treebeard computes the materialized paths) -------------
    region_nodes = []
    for r in range(regions):
        rname = region_name(r)
        teams = [
            {
                "data": {
                    "name": f"{rname[:-1]}{NUMERALS[t % 10]}组",
                    "code": f"B-T{r + 1:02d}{t + 1:02d}",
                    "kind": "team",
                }
            }
            for t in range(TEAMS_PER_REGION)
        ]
        region_nodes.append(
            {
                "data": {"name": rname, "code": f"B-R{r + 1:02d}", "kind": "region"},
                "children": teams,
            }
        )
    tree = [
        {
            "data": {"name": "总公司", "code": ROOT_CODE, "kind": "company"},
            "children": [
                {
                    "data": {"name": "销售中心", "code": "B-SC", "kind": "sales_centre"},
                    "children": region_nodes,
                },
                *[
                    {"data": {"name": name, "code": f"B-{code}", "kind": kind}}
                    for code, name, kind, *_rest in STAFF
                ],
            ],
        }
    ]
    Department.objects.load_bulk(tree)
    dept = {d.code: d for d in Department.objects.filter(code__startswith="B-")}
    roles = {r.code: r for r in Role.objects.all()}
    missing = {
        "management",
        "sales_director",
        "sales_manager",
        "sales_rep",
        "sales_assistant",
        "dealer",
        *(s[3] for s in STAFF),
    } - set(roles)
    if missing:
        raise RuntimeError(f"built-in roles missing (run migrate first): {sorted(missing)}")

    employee_seq = iter(range(1, 10**6))
    memberships: list[tuple[str, str]] = []  # (username, role code)
    heads: dict[str, str] = {}  # department code -> username

    def make(username, dept_code, role, title, manager=None):
        memberships.append((username, role))
        return User(
            username=username,
            full_name=person_name(rng),
            password=ctx.password_hash,
            employee_no=f"B{next(employee_seq):05d}",
            title=title,
            email=f"{username}@bench.example.com",
            phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
            department=dept.get(dept_code),
            manager=manager,
            is_active=True,
        )

    def save(level):
        # Saved level by level so that each level's managers have primary keys.
        created = User.objects.bulk_create(level)
        return {u.username: u for u in created}

    top = save([make(f"{PREFIX}gm", ROOT_CODE, "management", "总经理")])
    gm = top[f"{PREFIX}gm"]
    heads[ROOT_CODE] = gm.username
    level1 = [make(f"{PREFIX}director", "B-SC", "sales_director", "销售总监", gm)]
    heads["B-SC"] = f"{PREFIX}director"
    for code, _n, _k, role, stem, title in STAFF:
        for i in range(ctx.scale):
            level1.append(make(f"{PREFIX}{stem}-{i + 1:02d}", f"B-{code}", role, title, gm))
        heads[f"B-{code}"] = f"{PREFIX}{stem}-01"
    level1.append(make(f"{PREFIX}dealer-01", None, "dealer", "经销商"))
    by_name = {**top, **save(level1)}
    director = by_name[f"{PREFIX}director"]

    level2 = []
    for r in range(regions):
        code = f"B-R{r + 1:02d}"
        mgr = f"{PREFIX}mgr-r{r + 1:02d}"
        level2.append(make(mgr, code, "sales_manager", "区域经理", director))
        level2.append(
            make(f"{PREFIX}asst-r{r + 1:02d}", code, "sales_assistant", "销售助理", director)
        )
        heads[code] = mgr
    by_name.update(save(level2))

    level3 = []
    for r in range(regions):
        for t in range(TEAMS_PER_REGION):
            code = f"B-T{r + 1:02d}{t + 1:02d}"
            lead = f"{PREFIX}lead-t{r + 1:02d}{t + 1:02d}"
            level3.append(
                make(lead, code, "sales_manager", "销售主管", by_name[f"{PREFIX}mgr-r{r + 1:02d}"])
            )
            heads[code] = lead
    by_name.update(save(level3))

    level4 = []
    rep_no = 0
    for r in range(regions):
        for t in range(TEAMS_PER_REGION):
            lead = by_name[f"{PREFIX}lead-t{r + 1:02d}{t + 1:02d}"]
            for _ in range(REPS_PER_TEAM):
                rep_no += 1
                level4.append(
                    make(
                        f"{PREFIX}rep-{rep_no:04d}",
                        f"B-T{r + 1:02d}{t + 1:02d}",
                        "sales_rep",
                        "销售代表",
                        lead,
                    )
                )
    by_name.update(save(level4))

    Through = User.roles.through
    Through.objects.bulk_create(
        [Through(user_id=by_name[u].pk, role_id=roles[role].pk) for u, role in memberships]
    )
    for code, username in heads.items():
        Department.objects.filter(code=code).update(head=by_name[username])
    return {"departments": len(dept), "employees": len(memberships), "reps": rep_no}
