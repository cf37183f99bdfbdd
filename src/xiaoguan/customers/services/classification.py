"""Classification (客户分类) and grading (客户分级), R-CUS-3.

The scoring rule is policy: a weight per factor (scale, purchase potential, purchase intent,
purchase history) and points per choice of each factor (0–100). The score is the weighted
average of the points, rounded half up to a whole number (0–100); score ≥ the A threshold
proposes A, ≥ the B threshold B, else C. A blank input scores 0 points; the scale factor is
the average (rounded down) of the employee and revenue points, or the one of them given.

``customer_class`` follows the proposal unless a manager overrides it (with a reason);
clearing the override returns to the proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import JSONArray, JSONObject
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from xiaoguan.core import policy
from xiaoguan.core.errors import PermissionDenied, ValidationFailed
from xiaoguan.core.history import track
from xiaoguan.customers.enums import (
    CustomerClass,
    CustomerGrade,
    EmployeeBand,
    Potential,
    PurchaseHistory,
    RevenueBand,
)
from xiaoguan.customers.models import Customer
from xiaoguan.org.models import User

FACTORS = ("scale", "potential", "intent", "history")
# Choices from the weakest to the strongest, in the order of the points lists of the policy.
_LOW_TO_HIGH: dict[str, Sequence[str]] = {
    "employees": [EmployeeBand.UNDER_50, EmployeeBand.FROM_50, EmployeeBand.FROM_200,
                  EmployeeBand.FROM_1000],
    "revenue": [RevenueBand.UNDER_10M, RevenueBand.FROM_10M, RevenueBand.FROM_50M,
                RevenueBand.FROM_200M, RevenueBand.OVER_1B],
    "potential": [Potential.LOW, Potential.MEDIUM, Potential.HIGH],
    "intent": [Potential.LOW, Potential.MEDIUM, Potential.HIGH],
    "history": [PurchaseHistory.NONE, PurchaseHistory.ONCE, PurchaseHistory.REPEAT],
}  # fmt: skip
_FIELDS = {
    "employees": "employee_band",
    "revenue": "revenue_band",
    "potential": "purchase_potential",
    "intent": "purchase_intent",
    "history": "purchase_history",
}
RECOMPUTE_BATCH = 20_000


@dataclass(frozen=True)
class Rule:
    """The scoring rule in force (read from the policy once per use)."""

    weights: dict[str, int]
    points: dict[str, dict[str, int]]  # list key -> {choice value: points}
    threshold_a: int
    threshold_b: int

    @property
    def total_weight(self) -> int:
        return sum(self.weights.values())


def _policy_values(keys: list[str]) -> dict[str, Any]:
    """Several policy values with one cache read (the rule is built for every customer saved,
    e.g. 10,000 times in an import)."""
    stored = policy._stored_values()
    out = {}
    for key in keys:
        rule = policy.rule(key)
        out[key] = rule.from_json(stored[key]) if key in stored else rule.default
    return out


def scoring_rule() -> Rule:
    keys = [
        *[f"customers.class_points_{k}" for k in _LOW_TO_HIGH],
        *[f"customers.class_weight_{f}" for f in FACTORS],
        "customers.class_threshold_a",
        "customers.class_threshold_b",
    ]
    value = _policy_values(keys).__getitem__
    points = {}
    for key, choices in _LOW_TO_HIGH.items():
        values = list(value(f"customers.class_points_{key}"))
        if len(values) != len(choices):  # defensive: the rule checks the length on entry
            values = list(policy.rule(f"customers.class_points_{key}").default)
        points[key] = {str(c): int(p) for c, p in zip(choices, values, strict=True)}
    return Rule(
        weights={f: int(value(f"customers.class_weight_{f}")) for f in FACTORS},
        points=points,
        threshold_a=int(value("customers.class_threshold_a")),
        threshold_b=int(value("customers.class_threshold_b")),
    )


@dataclass(frozen=True)
class FactorScore:
    key: str
    value: Any
    points: int
    weight: int
    total_weight: int

    @property
    def contribution(self) -> float:
        """Points × weight ÷ total weight: what this factor adds to the score."""
        return round(self.points * self.weight / self.total_weight, 1) if self.total_weight else 0.0


@dataclass(frozen=True)
class Score:
    score: int
    proposed: str
    factors: list[FactorScore]
    threshold_a: int
    threshold_b: int

    def breakdown(self) -> dict[str, Any]:
        """What is stored in ``Customer.class_breakdown`` (same shape as the set-based
        recompute writes)."""
        return {
            "total_weight": self.factors[0].total_weight if self.factors else 0,
            "thresholds": {"A": self.threshold_a, "B": self.threshold_b},
            "factors": [
                {"key": f.key, "value": f.value, "points": f.points, "weight": f.weight}
                for f in self.factors
            ],
        }


def _scale_points(rule: Rule, employee_band: str, revenue_band: str) -> int:
    emp = rule.points["employees"].get(employee_band or "", 0)
    rev = rule.points["revenue"].get(revenue_band or "", 0)
    if employee_band and revenue_band:
        return (emp + rev) // 2
    return emp if employee_band else rev if revenue_band else 0


def class_for(score: int, rule: Rule) -> str:
    if score >= rule.threshold_a:
        return CustomerClass.A
    if score >= rule.threshold_b:
        return CustomerClass.B
    return CustomerClass.C


def score_customer(
    *,
    employee_band: str = "",
    revenue_band: str = "",
    purchase_potential: str = "",
    purchase_intent: str = "",
    purchase_history: str = "",
    rule: Rule | None = None,
) -> Score:
    """The score and proposed class of the given inputs (a pure function of them and the rule)."""
    rule = rule or scoring_rule()
    total = rule.total_weight
    points = {
        "scale": _scale_points(rule, employee_band, revenue_band),
        "potential": rule.points["potential"].get(purchase_potential or "", 0),
        "intent": rule.points["intent"].get(purchase_intent or "", 0),
        "history": rule.points["history"].get(purchase_history or "", 0),
    }
    values = {
        "scale": {"employee_band": employee_band or "", "revenue_band": revenue_band or ""},
        "potential": purchase_potential or "",
        "intent": purchase_intent or "",
        "history": purchase_history or "",
    }
    raw = sum(points[f] * rule.weights[f] for f in FACTORS)
    score = (2 * raw + total) // (2 * total) if total else 0
    factors = [
        FactorScore(
            key=f, value=values[f], points=points[f], weight=rule.weights[f], total_weight=total
        )
        for f in FACTORS
    ]
    return Score(
        score=score,
        proposed=class_for(score, rule),
        factors=factors,
        threshold_a=rule.threshold_a,
        threshold_b=rule.threshold_b,
    )


def apply_proposal(customer: Customer, rule: Rule | None = None) -> Customer:
    """Re-score a customer in memory (the caller saves): proposal, breakdown, and the class in
    force unless a manager's override stands."""
    result = score_customer(
        employee_band=customer.employee_band,
        revenue_band=customer.revenue_band,
        purchase_potential=customer.purchase_potential,
        purchase_intent=customer.purchase_intent,
        purchase_history=customer.purchase_history,
        rule=rule,
    )
    customer.class_score = result.score
    customer.class_proposed = result.proposed
    customer.class_breakdown = result.breakdown()
    if customer.class_overridden_by_id is None:
        customer.class_override_reason = ""
        customer.customer_class = result.proposed
    return customer


def _require(actor: User, right: str) -> None:
    if not actor.has_right(right):
        raise PermissionDenied(_("You do not have the right to do this."))


_CLASS_FIELDS = [
    "customer_class",
    "class_score",
    "class_proposed",
    "class_breakdown",
    "class_override_reason",
    "class_overridden_by",
    "updated_at",
]


@transaction.atomic
def class_override(
    *, customer: Customer, actor: User, customer_class: str, reason: str
) -> Customer:
    """A manager sets the class in force, with a reason; the proposal stays visible."""
    _require(actor, "customers.classify")
    reason = " ".join((reason or "").split())
    errors = {}
    if customer_class not in CustomerClass.values:
        errors["customer_class"] = _("Not one of the allowed values.")
    if not reason:
        errors["reason"] = _("Give the reason for the override.")
    elif len(reason) > 500:
        errors["reason"] = _("At most %(n)s characters.") % {"n": 500}
    if errors:
        raise ValidationFailed(fields=errors)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    customer.customer_class = customer_class
    customer.class_override_reason = reason
    customer.class_overridden_by = actor
    if customer.class_score is None:
        apply_proposal(customer)
    track(customer, actor, _("Class overridden: %(reason)s") % {"reason": reason})
    customer.save(update_fields=_CLASS_FIELDS)
    return customer


@transaction.atomic
def class_override_clear(*, customer: Customer, actor: User) -> Customer:
    """Back to the scoring rule's proposal."""
    _require(actor, "customers.classify")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    customer.class_overridden_by = None
    customer.class_override_reason = ""
    apply_proposal(customer)
    track(customer, actor, _("Class override cleared"))
    customer.save(update_fields=_CLASS_FIELDS)
    return customer


@transaction.atomic
def scoring_inputs_set(
    *,
    customer: Customer,
    actor: User,
    purchase_potential: str = "",
    purchase_intent: str = "",
    purchase_history: str = "",
) -> Customer:
    """The rep's judgement of the scoring inputs alone (the customer form sets them too); the
    proposal follows."""
    if not actor.has_right("customers.edit"):
        raise PermissionDenied()
    values = {
        "purchase_potential": (purchase_potential or "", Potential),
        "purchase_intent": (purchase_intent or "", Potential),
        "purchase_history": (purchase_history or "", PurchaseHistory),
    }
    errors = {
        k: _("Not one of the allowed values.")
        for k, (v, choices) in values.items()
        if v and v not in choices.values
    }
    if errors:
        raise ValidationFailed(fields=errors)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    for key, (value, _choices) in values.items():
        setattr(customer, key, value)
    apply_proposal(customer)
    track(customer, actor)
    customer.save(update_fields=[*values, *_CLASS_FIELDS])
    return customer


@transaction.atomic
def rescore(*, customer: Customer, actor: User) -> Customer:
    """Re-score one customer from its stored inputs (e.g. after a merge filled some)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = (customer.class_score, customer.class_proposed, customer.customer_class)
    apply_proposal(customer)
    if (customer.class_score, customer.class_proposed, customer.customer_class) != before:
        track(customer, actor)
        customer.save(update_fields=_CLASS_FIELDS)
    return customer


@transaction.atomic
def grade_set(*, customer: Customer, actor: User, grade: str) -> Customer:
    """A manager sets the grade (客户分级), which drives the visit frequency; blank clears it."""
    _require(actor, "customers.classify")
    if grade not in ("", *CustomerGrade.values):
        raise ValidationFailed(fields={"grade": _("Not one of the allowed values.")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.grade != grade:
        customer.grade = grade
        track(customer, actor)
        customer.save(update_fields=["grade", "updated_at"])
    return customer


# --- recompute all ---------------------------------------------------------------------


def _points_case(field: str, mapping: dict[str, int]) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(pts)) for value, pts in mapping.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def _score_expressions(rule: Rule) -> tuple[Any, Any]:
    """The score and the breakdown as SQL expressions, equal to ``score_customer``."""
    emp = _points_case("employee_band", rule.points["employees"])
    rev = _points_case("revenue_band", rule.points["revenue"])
    scale = Case(
        When(Q(employee_band="") & Q(revenue_band=""), then=Value(0)),
        When(employee_band="", then=rev),
        When(revenue_band="", then=emp),
        default=(emp + rev) / Value(2),
        output_field=IntegerField(),
    )
    points = {
        "scale": scale,
        "potential": _points_case("purchase_potential", rule.points["potential"]),
        "intent": _points_case("purchase_intent", rule.points["intent"]),
        "history": _points_case("purchase_history", rule.points["history"]),
    }
    total = rule.total_weight
    if total:
        raw = sum((points[f] * Value(rule.weights[f]) for f in FACTORS), Value(0))
        score = (Value(2) * raw + Value(total)) / Value(2 * total)
    else:
        score = Value(0)  # type: ignore[assignment]
    values = {
        "scale": JSONObject(employee_band=F("employee_band"), revenue_band=F("revenue_band")),
        "potential": F("purchase_potential"),
        "intent": F("purchase_intent"),
        "history": F("purchase_history"),
    }
    breakdown = JSONObject(
        total_weight=Value(total),
        thresholds=JSONObject(A=Value(rule.threshold_a), B=Value(rule.threshold_b)),
        factors=JSONArray(
            *[
                JSONObject(
                    key=Value(f),
                    value=values[f],
                    points=points[f],
                    weight=Value(rule.weights[f]),
                )
                for f in FACTORS
            ]
        ),
    )
    return score, breakdown


def recompute_all(*, actor: User, batch_size: int = RECOMPUTE_BATCH) -> int:
    """Re-score every customer after the policy's weights, points or thresholds changed: one
    set-based UPDATE per batch of ids sets the score, breakdown, proposal and (where no
    override stands) the class; rows already up to date are not rewritten. Management only.
    Returns how many customers changed."""
    _require(actor, "policy.manage")
    rule = scoring_rule()
    score, breakdown = _score_expressions(rule)
    proposed = Case(
        When(Q(new_score__gte=rule.threshold_a), then=Value(CustomerClass.A)),
        When(Q(new_score__gte=rule.threshold_b), then=Value(CustomerClass.B)),
        default=Value(CustomerClass.C),
    )
    pks = Customer.objects.values_list("pk", flat=True)
    first, last = pks.order_by("pk").first(), pks.order_by("-pk").first()
    if first is None or last is None:
        return 0
    done = 0
    start = first
    while start <= last:
        with transaction.atomic():
            stale = (
                Customer.objects.filter(pk__gte=start, pk__lt=start + batch_size)
                .alias(new_score=score)
                .alias(new_proposed=proposed, new_breakdown=breakdown)
                .filter(
                    Q(class_score__isnull=True)
                    | ~Q(class_score=F("new_score"))
                    | ~Q(class_proposed=F("new_proposed"))
                    | ~Q(class_breakdown=F("new_breakdown"))
                    | (Q(class_overridden_by__isnull=True) & ~Q(customer_class=F("new_proposed")))
                )
            )
            done += Customer.objects.filter(pk__in=stale.values("pk")).update(
                class_score=score,
                class_breakdown=breakdown,
                class_proposed=_proposed_from(score, rule),
                customer_class=Case(
                    When(class_overridden_by__isnull=True, then=_proposed_from(score, rule)),
                    default=F("customer_class"),
                ),
            )
        start += batch_size
    return done


def _proposed_from(score: Any, rule: Rule) -> Case:
    return Case(
        When(GreaterThanOrEqual(score, Value(rule.threshold_a)), then=Value(CustomerClass.A)),
        When(GreaterThanOrEqual(score, Value(rule.threshold_b)), then=Value(CustomerClass.B)),
        default=Value(CustomerClass.C),
    )
