"""Clause texts with placeholders (合同条款占位符), rendered by an ALLOW-LIST: a placeholder is
``{{name}}`` with ``name`` one of :data:`PLACEHOLDERS`; nothing else in a clause is special.

Clause texts are written by users (legal), so they never pass through the Django template
engine (no template injection: ``{% ... %}`` or filters are plain text here). A clause with
a placeholder that is not on the list cannot be saved; the form shows the allowed ones.
The values are plain text (pages escape them as any other text) and are written in Chinese,
the language of the contract itself, whatever the user's interface language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from xiaoguan.customers import divisions

if TYPE_CHECKING:
    from xiaoguan.contracts.models import Contract

# Any {{ ... }}: known names are replaced, unknown ones are refused when a clause is saved.
PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)
BLANK = "________"

PLACEHOLDERS: dict[str, Any] = {
    "customer.name": gettext_lazy("customer name"),
    "customer.address": gettext_lazy("customer address"),
    "customer.credit_code": gettext_lazy("customer's unified social credit code"),
    "company.name": gettext_lazy("our company's name"),
    "contract.number": gettext_lazy("contract number"),
    "contract.title": gettext_lazy("contract subject"),
    "contract.total": gettext_lazy("contract amount (¥1,234.00)"),
    "contract.total_words": gettext_lazy("contract amount in Chinese capitals (大写)"),
    "contract.signed_on": gettext_lazy("signing date"),
    "contract.end_on": gettext_lazy("end of the contract term"),
    "delivery.date": gettext_lazy("delivery date"),
    "delivery.place": gettext_lazy("place of delivery"),
    "delivery.terms": gettext_lazy("delivery terms"),
    "payment.schedule": gettext_lazy("payment schedule, one instalment a line"),
    "installation": gettext_lazy("whether we install (由供方负责安装 / 不含安装)"),
    "warranty.months": gettext_lazy("warranty in months"),
    "inspection.cycle": gettext_lazy("inspection cycle in months"),
    "after_sales.terms": gettext_lazy("after-sales terms"),
}


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in ``text``, in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(text or "")))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def allowed_placeholders() -> list[tuple[str, Any]]:
    """``[("{{customer.name}}", label), ...]`` for the template form."""
    return [("{{" + name + "}}", label) for name, label in PLACEHOLDERS.items()]


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value (a blank line when the value
    is not known yet); an unknown one is left as written (saving refuses them anyway)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name, "")
        return value if value else BLANK

    return PLACEHOLDER.sub(replace, text or "")


# When an instalment falls due, in the words of a Chinese contract (the contract's language).
DUE_WORDS: dict[str, tuple[str, str]] = {
    "signing": ("合同签订时", "合同签订后{days}日内"),
    "before_shipment": ("发货前", "发货前{days}日"),
    "delivery": ("货到时", "货到后{days}日内"),
    "acceptance": ("验收合格时", "验收合格后{days}日内"),
    "warranty_end": ("质保期满时", "质保期满后{days}日内"),
}


def due_text(trigger: str, days: int) -> str:
    at, after = DUE_WORDS.get(trigger, (trigger, trigger + " +{days}"))
    return after.format(days=days) if days else at


def _date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def company_name() -> str:
    from xiaoguan.org.enums import DepartmentKind
    from xiaoguan.org.models import Department

    root = (
        Department.objects.filter(kind=DepartmentKind.COMPANY, depth=1).order_by("path").first()
        or Department.objects.filter(depth=1).order_by("path").first()
    )
    return root.name if root else ""


def contract_values(
    contract: Contract, *, terms: list[dict[str, Any]] | None = None
) -> dict[str, str]:
    """The placeholder values of a contract (``terms``: the schedule as saved, with amounts;
    read from the contract when not given)."""
    from xiaoguan.contracts.services.schedule import money_text, percent_text

    with translation.override("zh-hans"):
        customer = contract.customer
        # The customer keeps division codes; the contract says the names.
        address = divisions.full_address(
            customer.province, customer.city, customer.district, customer.street
        )
        total_words = ""
        if contract.total and contract.total > 0:
            from xiaoguan.core.money_words import amount_in_chinese_words

            total_words = amount_in_chinese_words(contract.total)
        if terms is None:
            terms = (
                [
                    {
                        "label": t.label,
                        "trigger": t.trigger,
                        "days_after": t.days_after,
                        "percent": t.percent,
                        "amount": t.amount,
                    }
                    for t in contract.payment_terms.all()
                ]
                if contract.pk
                else []
            )
        schedule_lines = []
        for index, term in enumerate(terms, start=1):
            due = due_text(term["trigger"], term["days_after"])
            share = f"{percent_text(term['percent'])}，" if term.get("percent") else ""
            schedule_lines.append(
                f"{index}. {term['label']}：{due}，{share}{money_text(term['amount'])}"
            )
        installation = "由供方负责安装" if contract.installation_required else "不含安装"
        inspection = ""
        if contract.inspection_cycle_months is not None:
            inspection = (
                str(contract.inspection_cycle_months)
                if contract.inspection_cycle_months
                else "无定期巡检"
            )
        return {
            "customer.name": customer.name,
            "customer.address": address,
            "customer.credit_code": customer.credit_code,
            "company.name": company_name(),
            "contract.number": contract.number,
            "contract.title": contract.title,
            "contract.total": money_text(contract.total) if contract.total else "",
            "contract.total_words": total_words,
            "contract.signed_on": _date(contract.signed_on),
            "contract.end_on": _date(contract.end_on),
            "delivery.date": _date(contract.delivery_date),
            "delivery.place": contract.delivery_place,
            "delivery.terms": contract.delivery_terms,
            "payment.schedule": "\n".join(schedule_lines),
            "installation": installation,
            "warranty.months": (
                str(contract.warranty_months) if contract.warranty_months is not None else ""
            ),
            "inspection.cycle": inspection,
            "after_sales.terms": contract.after_sales_terms,
        }


def clauses_render(
    clauses: list[tuple[str, str]], values: Mapping[str, str]
) -> list[dict[str, str]]:
    """``[(title, body), ...]`` of a template → the contract's ``clauses`` JSON."""
    return [
        {"title": render(title, values), "body": render(body, values)} for title, body in clauses
    ]
