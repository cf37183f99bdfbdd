"""Business trip pages (R-CUS-7): list, request (with the three-visit rule shown per
customer), submit to approval, the manager's override, withdraw, cancel, trip report.
Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoguan.activities.enums import TripStatus
from xiaoguan.activities.errors import TripBlocked
from xiaoguan.activities.models import Trip
from xiaoguan.activities.selectors import trips as selectors
from xiaoguan.activities.selectors.visits import no_progress_customers
from xiaoguan.activities.services import trips as services
from xiaoguan.activities.web.trips_forms import (
    TripCancelForm,
    TripForm,
    TripOverrideForm,
    TripReportForm,
    status_choices,
)
from xiaoguan.approvals.selectors import approval_history_for
from xiaoguan.core.errors import ApplicationError
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.web.forms import form_apply_error

PAGE_SIZE = 25


def _trip(request: HttpRequest, trip_id: int) -> Trip:
    try:
        return selectors.trip_get(user=request.user, trip_id=trip_id)
    except Trip.DoesNotExist:
        raise Http404 from None


@require_right("activities.view")
def trip_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    if status not in TripStatus.values:
        status = ""
    mine = request.GET.get("mine") == "1"
    qs = selectors.trip_list(user=request.user, filters={"status": status, "mine": mine})
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/trip_list.html",
        {
            "page": page,
            "status": status,
            "mine": mine,
            "statuses": status_choices(),
            "can_request": request.user.has_right("trips.request"),
        },
    )


def _blocked_ids(choices) -> set[int]:
    enabled, n = services.rule_in_force()
    if not enabled:
        return set()
    return no_progress_customers(customer_ids=[c.pk for c in choices], n=n)


def _form_page(request: HttpRequest, trip: Trip | None) -> HttpResponse:
    choices = list(selectors.trip_customer_choices(user=request.user, trip=trip))
    initial = {}
    if trip is not None:
        initial = {
            "customers": [str(s.customer_id) for s in trip.trip_customers.all()],
            "destination": trip.destination,
            "purpose": trip.purpose,
            "start_date": trip.start_date,
            "end_date": trip.end_date,
            "budget": trip.budget,
            "version": trip.version,
        }
    form = TripForm(request.POST or None, customer_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if trip is None:
                trip = services.trip_create(actor=request.user, data=form.to_data())
                messages.success(request, _("Trip request saved as a draft."))
            else:
                services.trip_update(
                    actor=request.user,
                    trip=trip,
                    data=form.to_data(),
                    expected_version=form.cleaned_data.get("version"),
                )
                messages.success(request, _("Trip request saved."))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            return redirect("activities:trip_detail", trip_id=trip.pk)
    blocked = _blocked_ids(choices)
    return render(
        request,
        "activities/trip_form.html",
        {
            "form": form,
            "trip": trip,
            "blocked": blocked,
            "rule_n": services.rule_in_force()[1],
        },
    )


@require_right("trips.request")
def trip_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@require_right("trips.request")
def trip_edit(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    if trip.owner_id != request.user.pk or not trip.is_editable:
        messages.error(request, _("Only your own draft or returned trips can be edited."))
        return redirect("activities:trip_detail", trip_id=trip.pk)
    return _form_page(request, trip)


@require_right("activities.view")
def trip_detail(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    user = request.user
    is_owner = trip.owner_id == user.pk and user.has_right("trips.request")
    stops = list(trip.trip_customers.all())
    can_override = (
        user.has_right("trips.override") and trip.owner_id != user.pk and trip.is_editable
    )
    return render(
        request,
        "activities/trip_detail.html",
        {
            "trip": trip,
            "stops": stops,
            "open_blocks": [s for s in stops if s.blocked_reason and not s.override_at],
            "is_owner": is_owner,
            "can_override": can_override,
            "can_report": is_owner
            and trip.status == TripStatus.APPROVED
            and timezone.localdate() >= trip.end_date,
            "history": approval_history_for(trip),
            "override_form": TripOverrideForm(),
            "cancel_form": TripCancelForm(),
        },
    )


def _act(request: HttpRequest, trip: Trip, action, success: str) -> HttpResponse:
    try:
        action()
    except TripBlocked as exc:
        messages.error(request, str(exc.message))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("activities:trip_detail", trip_id=trip.pk)


@require_right("trips.request")
@require_POST
def trip_submit(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    return _act(
        request,
        trip,
        lambda: services.trip_submit(actor=request.user, trip=trip),
        _("Trip request sent for approval."),
    )


@require_right("trips.request")
@require_POST
def trip_withdraw(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    return _act(
        request,
        trip,
        lambda: services.trip_withdraw(actor=request.user, trip=trip),
        _("Trip request withdrawn; it is a draft again."),
    )


@require_right("trips.request")
@require_POST
def trip_request_override(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    return _act(
        request,
        trip,
        lambda: services.trip_request_override(actor=request.user, trip=trip),
        _("Your manager has been asked to review the blocked customers."),
    )


@require_right("trips.override")
@require_POST
def trip_override(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    form = TripOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the override."))
        return redirect("activities:trip_detail", trip_id=trip.pk)
    return _act(
        request,
        trip,
        lambda: services.trip_override(
            actor=request.user,
            trip=trip,
            customer_id=form.cleaned_data["customer"],
            reason=form.cleaned_data["reason"],
        ),
        _("Override recorded."),
    )


@require_right("trips.request")
@require_POST
def trip_cancel(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    form = TripCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        trip,
        lambda: services.trip_cancel(actor=request.user, trip=trip, reason=reason),
        _("Trip cancelled."),
    )


@require_right("trips.request")
def trip_report(request: HttpRequest, trip_id: int) -> HttpResponse:
    trip = _trip(request, trip_id)
    form = TripReportForm(request.POST or None, initial={"actual_cost": trip.budget})
    if request.method == "POST" and form.is_valid():
        try:
            services.trip_report(actor=request.user, trip=trip, **form.cleaned_data)
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Trip report saved."))
            return redirect("activities:trip_detail", trip_id=trip.pk)
    return render(request, "activities/trip_report.html", {"form": form, "trip": trip})
