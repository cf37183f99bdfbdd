"""Registrations of the trips part of activities (R-CUS-7): rights, the three-visit rule's
policy settings, navigation, the approvals document type; called from ``AppConfig.ready()``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def register() -> None:
    from xiaoguan.activities.models import Trip, TripCustomer
    from xiaoguan.activities.services import trips as services
    from xiaoguan.approvals.registries import DocumentType, register_document_type
    from xiaoguan.core import navigation, policy
    from xiaoguan.org import rights, scope

    group = _("Visits and trips")
    rights.register(
        rights.Right(
            "trips.request",
            _("Request business trips and report on them"),
            group,
            ("sales_director", "sales_manager", "sales_rep"),
        )
    )
    rights.register(
        rights.Right(
            "trips.override",
            _("Override the three-visit rule for a customer on a trip"),
            group,
            ("management", "sales_director", "sales_manager"),
        )
    )
    scope.register(TripCustomer, owner="trip__owner", department="trip__department")
    section = _("Business trips")
    policy.register(
        policy.PolicyRule(
            key="trips.no_progress_rule",
            section=section,
            label=_("Refuse trips to customers visited repeatedly without progress"),
            kind="bool",
            default=True,
            spec="R-CUS-7",
            help_text=_(
                "A customer whose last visits all had no progress, and who has no open "
                "follow-up, cannot be on a trip unless the manager overrides it with a reason."
            ),
        )
    )
    policy.register(
        policy.PolicyRule(
            key="trips.no_progress_visits",
            section=section,
            label=_("Visits without progress that block a trip"),
            kind="int",
            default=3,
            min_value=1,
            max_value=20,
            unit=_("visits"),
            spec="R-CUS-7",
        )
    )
    navigation.register(
        navigation.NavItem(
            key="trips",
            label=_("Business trips"),
            url_name="activities:trip_list",
            icon="airplane",
            right="activities.view",
            order=144,
            section=_("Activities"),
        )
    )
    register_document_type(
        DocumentType(
            code="trip",
            label=_("Business trip"),
            model=Trip,
            get_title=lambda t: (
                f"{t.number or ''} {t.destination} {t.start_date:%m-%d}~{t.end_date:%m-%d}".strip()
            ),
            get_amount=lambda t: t.budget,
            url_for=lambda t: reverse("activities:trip_detail", args=[t.pk]),
            on_approved=services.trip_on_approved,
            on_rejected=services.trip_on_rejected,
            on_returned=services.trip_on_returned,
            on_cancelled=services.trip_on_cancelled,
        )
    )
