"""The demo: ``./xg demo`` loads a realistic company on the embedded database and prints how
to sign in. Never in production (``settings.PRODUCTION``)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


def load_demo_company() -> bool:
    """Load the demo company once: True when it was created now, False if already there.
    Afterwards the other apps' demo data (``xiaoguan.demo.approvals``) is loaded, when present."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded into a production installation.")
    from xiaoguan.demo import org

    with transaction.atomic():
        if org.is_loaded():
            return False
        demo_org = org.build()
        _load_optional("xiaoguan.demo.approvals", demo_org)
        _load_optional("xiaoguan.demo.customers", demo_org)
        # Issue 3, in dependency order: each module is optional until it exists.
        for name in (
            "pool",
            "classification",
            "leads",
            "opportunities",
            "visits",
            "trips",
            "reports",
            # Issue 4
            "catalog",
            "pricing",
            "inquiries",
            "quotes",
            "contract_templates",
            "contracts",
            # Issue 5
            "stock",
            "orders",
            "shipping",
            "receipts",
            "collection",
        ):
            _load_optional(f"xiaoguan.demo.{name}", demo_org)
    return True


def _load_optional(module_name: str, demo_org: Any) -> None:
    """Call ``module.load(...)`` if that module exists, with the arguments it accepts
    (``org``, ``users``, ``departments``). A module that exists but fails to import is an error."""
    if importlib.util.find_spec(module_name) is None:
        return
    module = importlib.import_module(module_name)
    load = getattr(module, "load", None)
    if load is None:
        return
    offered = {"org": demo_org, "users": demo_org.users, "departments": demo_org.departments}
    params = inspect.signature(load).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        load(**offered)
    else:
        load(**{name: value for name, value in offered.items() if name in params})


ROLE_LABELS = {
    "management": ("总经理", "Management"),
    "sales_director": ("销售总监", "Sales director"),
    "sales_manager": ("区域经理", "Sales manager"),
    "sales_rep": ("销售代表", "Sales rep"),
    "sales_assistant": ("销售助理", "Sales assistant"),
    "legal": ("法务", "Legal"),
    "finance": ("财务", "Finance"),
    "logistics": ("仓储物流", "Warehouse and logistics"),
    "after_sales": ("售后服务", "After-sales service"),
    "marketing": ("市场部", "Marketing"),
    "hr": ("人力资源", "HR and training"),
    "production": ("生产部", "Production"),
    "technical": ("技术部", "Technical"),
}


def banner(*, host: str, port: int, created: bool) -> str:
    """What ``./xg demo`` prints: the address and one login per role, in Chinese and English."""
    from xiaoguan.demo.org import DEMO_LOGINS, DEMO_PASSWORD

    url = f"http://{host}:{port}/"
    state = (
        "演示数据已创建 / demo company created"
        if created
        else "演示数据已存在 / demo company already loaded"
    )
    lines = [
        "",
        "销管 Xiaoguan — 演示 / demo: 华安消防器材有限公司",
        state,
        f"打开 / open: {url}",
        f"演示密码 / demo password: {DEMO_PASSWORD}   (仅用于演示 / demo only)",
        "",
        f"  {'用户名 username':<18} 角色 / role",
    ]
    for username, role in DEMO_LOGINS:
        zh, en = ROLE_LABELS.get(role, (role, role))
        lines.append(f"  {username:<18} {zh} / {en}")
    lines.append("")
    return "\n".join(lines)
