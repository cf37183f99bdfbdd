from decimal import Decimal

import pytest

from xg_testapp.models import Expense
from xiaoguan.core.models import AuditEvent, AuditKind
from xiaoguan.org import registries, services
from xiaoguan.org.errors import HandoverRefused
from xiaoguan.org.models import ApiToken, Department, Handover, User


def _expense(owner, title, status="draft"):
    return Expense.objects.create(
        owner=owner,
        department=owner.department,
        title=title,
        amount=Decimal("100.00"),
        status=status,
    )


def _snapshot():
    return {
        "expenses": list(
            Expense.objects.order_by("pk").values_list("pk", "owner_id", "department_id")
        ),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "manager_id", "is_active", "left_on")
        ),
        "heads": list(Department.objects.order_by("pk").values_list("pk", "head_id")),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "handovers": Handover.objects.count(),
        "audit": AuditEvent.objects.filter(kind=AuditKind.HANDOVER).count(),
    }


def test_hands_over_records_reports_headships_and_deactivates(company):
    # given: the east manager leaves; rep_w1 (west) succeeds
    mine = [
        _expense(company.mgr_east, "差旅"),
        _expense(company.mgr_east, "招待", status="approved"),
    ]
    other = _expense(company.rep_e1, "rep")
    services.api_token_create(user=company.mgr_east, name="cli")
    # when
    handover = services.employee_handover(
        employee=company.mgr_east, successor=company.mgr_west, actor=company.hr1, note="离职"
    )
    # then
    for expense in mine:
        expense.refresh_from_db()
        assert (expense.owner_id, expense.department_id) == (
            company.mgr_west.pk,
            company.depts["R-W"].pk,
        )
    other.refresh_from_db()
    assert other.owner_id == company.rep_e1.pk
    assert set(
        User.objects.filter(manager=company.mgr_west).values_list("username", flat=True)
    ) == {"rep_w1", "rep_e1", "rep_e1b", "rep_e2"}
    assert Department.objects.get(code="R-E").head_id == company.mgr_west.pk
    leaver = User.objects.get(pk=company.mgr_east.pk)
    assert leaver.is_active is False
    assert leaver.left_on is not None
    assert not ApiToken.objects.filter(user=leaver, revoked_at__isnull=True).exists()
    assert handover.counts == {
        "xg_testapp.Expense": 2,
        "org.User.manager": 3,
        "org.Department.head": 1,
    }
    assert (handover.performed_by, handover.note, handover.deactivated) == (
        company.hr1,
        "离职",
        True,
    )
    event = AuditEvent.objects.get(kind=AuditKind.HANDOVER)
    assert (event.actor_id, event.object_id) == (company.hr1.pk, str(company.mgr_east.pk))
    assert event.detail["counts"] == handover.counts


def test_reports_keep_a_history_row_naming_the_handover(company):
    services.employee_handover(
        employee=company.mgr_east, successor=company.mgr_west, actor=company.hr1
    )
    record = User.objects.get(pk=company.rep_e1.pk).history.first()
    assert record.history_change_reason == "handover mgr_east -> mgr_west"
    assert record.history_user == company.hr1
    assert record.manager_id == company.mgr_west.pk


def test_a_successor_who_reported_to_the_leaver_takes_the_leavers_manager(company):
    services.employee_handover(
        employee=company.mgr_east, successor=company.rep_e1, actor=company.gm
    )
    assert User.objects.get(pk=company.rep_e1.pk).manager_id == company.director.pk
    assert User.objects.get(pk=company.rep_e2.pk).manager_id == company.rep_e1.pk


def test_without_deactivation_the_employee_stays_active(company):
    _expense(company.rep_e1, "a")
    handover = services.employee_handover(
        employee=company.rep_e1, successor=company.rep_e1b, actor=company.gm, deactivate=False
    )
    assert User.objects.get(pk=company.rep_e1.pk).is_active is True
    assert handover.counts == {"xg_testapp.Expense": 1}
    assert Expense.objects.get().owner_id == company.rep_e1b.pk


def test_calls_the_registered_handlers(company):
    # given
    calls = []

    def handler(*, from_employee, to_employee, actor):
        calls.append((from_employee.username, to_employee.username, actor.username))
        return {"approvals.Task": 4}

    registries.register_handover_handler(handler)
    try:
        # when
        handover = services.employee_handover(
            employee=company.rep_e2, successor=company.rep_e1, actor=company.gm
        )
    finally:
        registries.handover_handlers.remove(handler)
    # then
    assert calls == [("rep_e2", "rep_e1", "gm")]
    assert handover.counts == {"approvals.Task": 4}


def test_refuses_a_handover_to_oneself(company):
    _expense(company.rep_e1, "a")
    before = _snapshot()
    with pytest.raises(HandoverRefused):
        services.employee_handover(
            employee=company.rep_e1, successor=company.rep_e1, actor=company.gm
        )
    assert _snapshot() == before


def test_refuses_a_handover_to_an_inactive_employee(company):
    _expense(company.rep_e1, "a")
    User.objects.filter(pk=company.rep_w1.pk).update(is_active=False)
    before = _snapshot()
    with pytest.raises(HandoverRefused) as exc:
        services.employee_handover(
            employee=company.rep_e1, successor=company.rep_w1, actor=company.gm
        )
    assert exc.value.code == "handover_refused"
    assert _snapshot() == before


def test_a_failing_handler_leaves_nothing_half_done(company):
    # given
    _expense(company.mgr_east, "a")
    services.api_token_create(user=company.mgr_east, name="cli")
    before = _snapshot()

    def broken(**kwargs):
        raise HandoverRefused("approvals refused")

    registries.register_handover_handler(broken)
    try:
        # when / then
        with pytest.raises(HandoverRefused):
            services.employee_handover(
                employee=company.mgr_east, successor=company.mgr_west, actor=company.gm
            )
    finally:
        registries.handover_handlers.remove(broken)
    assert _snapshot() == before
