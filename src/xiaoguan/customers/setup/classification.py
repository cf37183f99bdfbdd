"""Registrations of the classification part of customers (R-CUS-3, R-CUS-9, R-CUS-10): rights,
policy rules of the scoring rule, visit frequency, credit and customer care, the pages in the
sidebar, the dashboard panel, the customer-page sections and the care job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core import policy
from xiaoguan.core.errors import ValidationFailed

CLASSIFY = "customers.classify"
CREDIT = "customers.credit"
SECTION = _("Customer classification")
CREDIT_SECTION = _("Credit file")
CARE_SECTION = _("Customer care")


@dataclass(frozen=True)
class PointsRule(policy.PolicyRule):
    """Points per choice of one scoring factor, from the weakest choice to the strongest:
    exactly ``count`` numbers, each 0–100, rising."""

    count: int = 0

    def parse(self, raw: Any) -> Any:
        value = super().parse(raw)
        if self.count and len(value) != self.count:
            raise ValidationFailed(
                _("%(rule)s: give exactly %(n)s numbers, weakest choice first.")
                % {"rule": self.label, "n": self.count},
                fields={self.key: _("Not a valid value.")},
            )
        return value


@dataclass(frozen=True)
class CodeListRule(policy.PolicyRule):
    """A comma-separated list of codes, each one of ``allowed``."""

    allowed: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        value = super().parse(raw)
        codes = [c.strip() for c in str(value).replace("，", ",").split(",") if c.strip()]
        if any(c not in self.allowed for c in codes):
            raise ValidationFailed(
                _("%(rule)s: use only %(allowed)s, separated by commas.")
                % {"rule": self.label, "allowed": ", ".join(self.allowed)},
                fields={self.key: _("Not a valid value.")},
            )
        return ",".join(codes)


def _rules() -> list[policy.PolicyRule]:
    from xiaoguan.customers.care import HOLIDAYS
    from xiaoguan.customers.enums import CreditRating

    weight = {
        "kind": "int",
        "min_value": 0,
        "max_value": 100,
        "spec": "R-CUS-3",
        "section": SECTION,
    }
    points = {"kind": "int_list", "min_value": 0, "max_value": 100, "spec": "R-CUS-3"}
    days = {"kind": "int", "min_value": 1, "max_value": 730, "unit": _("days")}
    return [
        policy.PolicyRule(
            key="customers.class_weight_scale",
            label=_("Classification weight: scale (employees and revenue)"),
            default=30,
            **weight,
        ),
        policy.PolicyRule(
            key="customers.class_weight_potential",
            label=_("Classification weight: purchase potential"),
            default=30,
            **weight,
        ),
        policy.PolicyRule(
            key="customers.class_weight_intent",
            label=_("Classification weight: purchase intent"),
            default=25,
            **weight,
        ),
        policy.PolicyRule(
            key="customers.class_weight_history",
            label=_("Classification weight: purchase history"),
            default=15,
            **weight,
        ),
        PointsRule(
            key="customers.class_points_employees",
            section=SECTION,
            label=_("Points for employees (fewer than 50, 50–199, 200–999, 1,000 or more)"),
            default=[20, 40, 70, 100],
            count=4,
            help_text=_("The scale factor is the average of the employee and revenue points."),
            **points,
        ),
        PointsRule(
            key="customers.class_points_revenue",
            section=SECTION,
            label=_(
                "Points for annual revenue (under ¥10 million, ¥10–50 million, "
                "¥50–200 million, ¥200 million – ¥1 billion, over ¥1 billion)"
            ),
            default=[10, 30, 50, 80, 100],
            count=5,
            **points,
        ),
        PointsRule(
            key="customers.class_points_potential",
            section=SECTION,
            label=_("Points for purchase potential (low, medium, high)"),
            default=[20, 60, 100],
            count=3,
            **points,
        ),
        PointsRule(
            key="customers.class_points_intent",
            section=SECTION,
            label=_("Points for purchase intent (low, medium, high)"),
            default=[20, 60, 100],
            count=3,
            **points,
        ),
        PointsRule(
            key="customers.class_points_history",
            section=SECTION,
            label=_("Points for purchase history (none, once, repeat buyer)"),
            default=[0, 60, 100],
            count=3,
            **points,
        ),
        policy.PolicyRule(
            key="customers.class_threshold_a",
            section=SECTION,
            label=_("Score from which a customer is class A"),
            kind="int",
            default=70,
            min_value=0,
            max_value=100,
            spec="R-CUS-3",
        ),
        policy.PolicyRule(
            key="customers.class_threshold_b",
            section=SECTION,
            label=_("Score from which a customer is class B"),
            kind="int",
            default=40,
            min_value=0,
            max_value=100,
            spec="R-CUS-3",
            help_text=_("Below this score a customer is class C."),
        ),
        policy.PolicyRule(
            key="customers.visit_days_a",
            section=SECTION,
            label=_("Visit a grade A customer at least every"),
            default=30,
            spec="R-CUS-3",
            **days,
        ),
        policy.PolicyRule(
            key="customers.visit_days_b",
            section=SECTION,
            label=_("Visit a grade B customer at least every"),
            default=90,
            spec="R-CUS-3",
            **days,
        ),
        policy.PolicyRule(
            key="customers.visit_days_c",
            section=SECTION,
            label=_("Visit a grade C customer at least every"),
            default=180,
            spec="R-CUS-3",
            **days,
        ),
        CodeListRule(
            key="customers.credit_poor_ratings",
            section=CREDIT_SECTION,
            label=_("Credit ratings considered poor"),
            kind="text",
            default="B,C",
            allowed=tuple(CreditRating.values),
            spec="R-CUS-9",
            help_text=_("Customers with these ratings are flagged as poor credit."),
        ),
        policy.PolicyRule(
            key="customers.care_birthday_days",
            section=CARE_SECTION,
            label=_("Remind the owner of a contact's birthday this many days before"),
            default=3,
            spec="R-CUS-10",
            kind="int",
            min_value=1,
            max_value=60,
            unit=_("days"),
        ),
        policy.PolicyRule(
            key="customers.care_holiday_days",
            section=CARE_SECTION,
            label=_("Remind owners of their key customers this many days before a holiday"),
            default=7,
            spec="R-CUS-10",
            kind="int",
            min_value=1,
            max_value=60,
            unit=_("days"),
        ),
        CodeListRule(
            key="customers.care_holidays",
            section=CARE_SECTION,
            label=_("Holidays with a customer-care reminder"),
            kind="text",
            default="spring_festival,mid_autumn,national_day",
            allowed=tuple(HOLIDAYS),
            spec="R-CUS-10",
            help_text=_(
                "Codes of the bundled holiday table: spring_festival (春节), "
                "mid_autumn (中秋节), national_day (国庆节)."
            ),
        ),
    ]


def register() -> None:
    from xiaoguan.core import navigation
    from xiaoguan.customers import care_tasks  # noqa: F401  (registers the periodic job)
    from xiaoguan.customers.registries import (
        DetailSection,
        register_detail_section,
        register_merge_handler,
    )
    from xiaoguan.org import rights

    group = _("Customers")
    rights.register(
        rights.Right(
            CLASSIFY,
            _("Override a customer's class and set its grade"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    rights.register(
        rights.Right(
            CREDIT,
            _("Set customers' credit rating and credit limit"),
            group,
            ("management", "finance"),
        )
    )
    for rule in _rules():
        policy.register(rule)

    navigation.register(
        navigation.NavItem(
            key="customers_visits_due",
            label=_("Visits due"),
            url_name="customers:visits_due",
            icon="calendar-x",
            right="customers.view",
            order=112,
            section=_("Customers"),
        )
    )
    navigation.register(
        navigation.NavItem(
            key="customers_care",
            label=_("Customer care"),
            url_name="customers:care",
            icon="gift",
            right="customers.view",
            order=115,
            section=_("Customers"),
        )
    )
    navigation.register_panel(
        navigation.DashboardPanel(
            key="customers_visits_due",
            template="customers/classification_panel.html",
            render=_panel,
            order=40,
        )
    )

    from xiaoguan.customers.web import classification_views as views

    register_detail_section(
        DetailSection(
            key="classification",
            order=10,
            template="customers/classification_section.html",
            context=views.class_section_context,
            right="customers.view",
            column="side",
        )
    )
    register_merge_handler(_rescore_merged)
    register_detail_section(
        DetailSection(
            key="credit",
            order=20,
            template="customers/credit_section.html",
            context=views.credit_section_context,
            right="customers.view",
            column="side",
        )
    )


def _rescore_merged(*, source, target, actor) -> None:
    """A merge may fill the survivor's blank scoring inputs from the duplicate: re-score it."""
    from xiaoguan.customers.services.classification import rescore

    rescore(customer=target, actor=actor)


def _panel(request):
    from xiaoguan.customers.selectors import classification as sel

    user = request.user
    if not user.has_right("customers.view"):
        return None
    return sel.visits_due_counts(user=user)
