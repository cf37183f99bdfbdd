"""Drafting, mandatory terms, submission, the approval chain and signing of contracts
(R-CON-1..3), through the services as the pages and the API call them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalRequest, ApprovalTask
from xiaoguan.approvals.services import approval_decide
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractSource, ContractStatus, EventKind
from xiaoguan.contracts.errors import (
    ContractInvalid,
    ContractNotEditable,
    DeliveryBeforeSigning,
    ScheduleInvalid,
    SignInvalid,
    TermsMissing,
)
from xiaoguan.contracts.models import Contract, ContractEvent, ContractLine, PaymentTerm
from xiaoguan.contracts.services.contracts import (
    PaymentTermData,
    contract_cancel,
    contract_missing_terms,
    contract_sign,
    contract_submit,
    contract_update,
    contract_withdraw,
)
from xiaoguan.contracts.tests.test_contracts_support import (
    approval_chain,
    catalog,
    complete_data,
    departments,
    draft,
    float_range,
    line,
    scan,
    terms_30_60_10,
)
from xiaoguan.core.errors import InvalidTransition, StaleEdit
from xiaoguan.core.models import Attachment
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.models import DepartmentTask
from xiaoguan.pricing.errors import PriceBelowRange


@pytest.fixture
def given(company):
    cat = catalog()
    float_range("sales_rep", "10")
    departments(company)
    approval_chain()
    customer = make_customer(company.rep_e1, "上海某大厦物业管理有限公司")
    return cat, customer


def _kinds(contract: Contract) -> list[str]:
    return list(
        ContractEvent.objects.filter(root_id=contract.root_id or contract.pk)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def _pending(contract: Contract) -> ApprovalTask:
    request = ApprovalRequest.objects.get(
        object_id=contract.pk, doc_type="contract", status="pending"
    )
    return request.tasks.get(status="pending", step_position=request.current_step)


def _approve_all(contract: Contract, approvers: list) -> list[str]:
    steps = []
    for person in approvers:
        task = _pending(contract)
        assert task.approver_id == person.pk, (task.step_name, task.approver)
        steps.append(task.step_name)
        approval_decide(task_id=task.pk, actor=person, decision="approve")
    return steps


def test_draft_from_scratch_prices_lines_and_splits_the_schedule(company, given):
    cat, customer = given
    contract = draft(
        company.rep_e1,
        customer,
        [line(cat.extinguisher, "100", "110.00"), line(cat.hydrant, "3")],
    )
    assert contract.number.startswith(f"HT-{timezone.localdate().year}-")
    assert len(contract.number) == len("HT-2026-000001")
    assert contract.source == ContractSource.SCRATCH
    assert contract.owner == company.rep_e1
    lines = list(ContractLine.objects.filter(contract=contract).order_by("position"))
    assert [(x.list_price, x.unit_price, x.discount, x.amount) for x in lines] == [
        (Decimal("120.00"), Decimal("110.00"), Decimal("8.33"), Decimal("11000.00")),
        (Decimal("850.00"), Decimal("850.00"), Decimal("0.00"), Decimal("2550.00")),
    ]
    assert contract.list_total == Decimal("14550.00")
    assert contract.total == Decimal("13550.00")
    amounts = list(PaymentTerm.objects.filter(contract=contract).values_list("amount", flat=True))
    assert amounts == [Decimal("4065.00"), Decimal("8130.00"), Decimal("1355.00")]
    assert sum(amounts) == contract.total
    assert _kinds(contract) == [EventKind.CREATED]
    assert contract_missing_terms(contract=contract) == []


@pytest.mark.parametrize(
    ("quantity", "price", "field"),
    [
        ("0", None, "lines.1.quantity"),
        ("-5", None, "lines.1.quantity"),
        ("10", "0", "lines.1.unit_price"),
        ("10", "-120", "lines.1.unit_price"),
        ("abc", None, "lines.1.quantity"),
    ],
)
def test_zero_or_negative_quantities_and_prices_are_refused(company, given, quantity, price, field):
    cat, customer = given
    with pytest.raises(ContractInvalid) as exc:
        draft(company.rep_e1, customer, [line(cat.extinguisher, quantity, price)])
    assert field in exc.value.fields
    assert Contract.objects.count() == 0
    assert ContractLine.objects.count() == 0


def test_a_schedule_that_does_not_add_up_is_refused_naming_the_gap(company, given):
    cat, customer = given
    terms = [
        PaymentTermData("预付款", "signing", amount=Decimal("30000")),
        PaymentTermData("发货款", "before_shipment", amount=Decimal("65000")),
    ]
    with pytest.raises(ScheduleInvalid) as exc:
        draft(company.rep_e1, customer, [line(cat.extinguisher, "1000", "100")], terms=terms)
    assert str(exc.value.message) == (
        "The instalments add up to ¥95,000.00, ¥5,000.00 short of the total of ¥100,000.00."
    )
    percents = [
        PaymentTermData("预付款", "signing", percent=Decimal("30")),
        PaymentTermData("尾款", "acceptance", percent=Decimal("65")),
    ]
    with pytest.raises(ScheduleInvalid) as exc:
        draft(company.rep_e1, customer, [line(cat.extinguisher, "1000", "100")], terms=percents)
    assert str(exc.value.message) == "The percentages add up to 95 %, 5 % short of 100 %."
    assert Contract.objects.count() == 0
    assert PaymentTerm.objects.count() == 0


def test_submit_is_refused_while_terms_are_missing(company, given):
    _cat, customer = given
    contract = draft(
        company.rep_e1,
        customer,
        [],
        delivery_date=None,
        delivery_place="",
        warranty_months=None,
        inspection_cycle_months=None,
        terms=[],
    )
    with pytest.raises(TermsMissing) as exc:
        contract_submit(actor=company.rep_e1, contract=contract)
    assert exc.value.extra["missing"] == [
        "the contract lines",
        "the delivery date",
        "the place of delivery",
        "the payment schedule",
        "the warranty period",
        "the inspection cycle (or “none”)",
    ]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    assert not ApprovalRequest.objects.filter(object_id=contract.pk, doc_type="contract").exists()
    assert _kinds(contract) == [EventKind.CREATED]


def test_a_deactivated_customer_blocks_submission(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10")])
    type(customer).objects.filter(pk=customer.pk).update(is_active=False)
    contract.refresh_from_db()
    assert contract_missing_terms(contract=contract) == [
        "an active customer (this one has been deactivated)"
    ]


def test_approval_chain_is_head_then_legal_then_management_above_500k(company, given):
    cat, customer = given
    small = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])  # ¥8,500
    contract_submit(actor=company.rep_e1, contract=small)
    steps = _approve_all(small, [company.mgr_east, company.legal1])
    assert steps == ["销售部门负责人审核", "法务审核"]
    small.refresh_from_db()
    assert small.status == ContractStatus.APPROVED
    assert small.approved_at is not None

    big = draft(company.rep_e1, customer, [line(cat.hydrant, "600")])  # ¥510,000
    contract_submit(actor=company.rep_e1, contract=big)
    steps = _approve_all(big, [company.mgr_east, company.legal1, company.gm])
    assert steps == ["销售部门负责人审核", "法务审核", "总经理审批"]
    big.refresh_from_db()
    assert big.status == ContractStatus.APPROVED
    assert _kinds(big) == [
        EventKind.CREATED,
        EventKind.SUBMITTED,
        EventKind.APPROVAL_STEP,
        EventKind.APPROVAL_STEP,
        EventKind.APPROVAL_STEP,
        EventKind.APPROVED,
    ]


def test_returned_contract_is_edited_and_resubmitted(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10")])
    contract_submit(actor=company.rep_e1, contract=contract)
    with pytest.raises(ContractNotEditable):
        contract_update(
            actor=company.rep_e1,
            contract=contract,
            expected_version=contract.version,
            data=complete_data(customer),
            lines=[line(cat.extinguisher, "20")],
            terms=terms_30_60_10(),
        )
    task = _pending(contract)
    approval_decide(
        task_id=task.pk, actor=company.mgr_east, decision="return", comment="数量改为20具"
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.RETURNED
    comment = ContractEvent.objects.get(contract=contract, kind=EventKind.APPROVAL_STEP).summary
    assert "数量改为20具" in comment
    contract = contract_update(
        actor=company.rep_e1,
        contract=contract,
        expected_version=contract.version,
        data=complete_data(customer),
        lines=[line(cat.extinguisher, "20")],
        terms=terms_30_60_10(),
    )
    assert contract.total == Decimal("2400.00")
    contract_submit(actor=company.rep_e1, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL


def test_a_stale_edit_is_refused(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10")])
    args = {
        "actor": company.rep_e1,
        "contract": contract,
        "expected_version": 1,
        "data": complete_data(customer),
        "terms": terms_30_60_10(),
    }
    contract_update(lines=[line(cat.extinguisher, "20")], **args)
    with pytest.raises(StaleEdit):
        contract_update(lines=[line(cat.extinguisher, "30")], **args)
    contract.refresh_from_db()
    assert contract.total == Decimal("2400.00")


def test_a_price_below_the_range_needs_an_approved_request(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "100", "100.00")])
    with pytest.raises(PriceBelowRange) as exc:  # 16.67 % below, the rep may go 10 %
        contract_submit(actor=company.rep_e1, contract=contract)
    assert exc.value.code == "price_below_range"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    within = draft(company.rep_e1, customer, [line(cat.extinguisher, "100", "108.00")])
    contract_submit(actor=company.rep_e1, contract=within)
    within.refresh_from_db()
    assert within.status == ContractStatus.IN_APPROVAL


def test_withdraw_and_cancel(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.extinguisher, "10")])
    contract_submit(actor=company.rep_e1, contract=contract)
    contract = contract_withdraw(actor=company.rep_e1, contract=contract)
    assert contract.status == ContractStatus.DRAFT
    contract = contract_cancel(actor=company.rep_e1, contract=contract, reason="客户改期")
    assert contract.status == ContractStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        contract_submit(actor=company.rep_e1, contract=contract)


def _approved(company, given, **overrides) -> Contract:
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")], **overrides)
    contract_submit(actor=company.rep_e1, contract=contract)
    _approve_all(contract, [company.mgr_east, company.legal1])
    contract.refresh_from_db()
    return contract


def _sign(company, contract, **overrides):
    args = {
        "actor": company.rep_e1,
        "contract": contract,
        "signed_on": timezone.localdate(),
        "customer_signatory": "王经理",
        "company_signatory": "刘洋",
        "scan": scan(),
    }
    args.update(overrides)
    return contract_sign(**args)


def test_signing_runs_the_handlers_inside_the_transaction_and_creates_tasks(company, given):
    contract = _approved(company, given)
    seen = []

    def handler(*, contract, actor):
        seen.append((contract.pk, contract.status, actor.pk, connection.in_atomic_block))

    registries.contract_signed.connect(handler)
    try:
        signed = _sign(company, contract)
    finally:
        registries.contract_signed.disconnect(handler)
    assert seen == [(contract.pk, ContractStatus.SIGNED, company.rep_e1.pk, True)]
    assert signed.status == ContractStatus.SIGNED
    assert signed.signed_on == timezone.localdate()
    tasks = DepartmentTask.objects.filter(subject_type="contracts.contract", subject_id=contract.pk)
    assert sorted(tasks.values_list("kind", "department__code")) == [
        ("contracts.logistics", "LOG"),
        ("contracts.production", "PRD"),
    ]
    assert Attachment.objects.filter(object_id=contract.pk, name="signed.pdf").count() == 1
    assert _kinds(contract)[-3:] == [EventKind.SIGNED, EventKind.TASK, EventKind.TASK]


def test_signing_recorded_after_the_delivery_date_gives_tasks_due_today(company, given):
    # given a contract signed on paper ten days ago, to be delivered five days ago
    contract = _approved(company, given)
    today = timezone.localdate()
    Contract.objects.filter(pk=contract.pk).update(delivery_date=today - timedelta(days=5))
    contract.refresh_from_db()
    # when the signing is recorded today
    signed = _sign(company, contract, signed_on=today - timedelta(days=10))
    # then it is in force and production and logistics are asked for it today
    assert signed.status == ContractStatus.SIGNED
    tasks = DepartmentTask.objects.filter(subject_type="contracts.contract", subject_id=contract.pk)
    assert sorted(tasks.values_list("due_on", flat=True)) == [today, today]


def test_a_raising_handler_rolls_the_signing_back_completely(company, given):
    contract = _approved(company, given)
    events_before = ContractEvent.objects.count()

    def handler(*, contract, actor):
        raise ContractInvalid("receivables refused the schedule")

    registries.contract_signed.connect(handler)
    try:
        with pytest.raises(ContractInvalid):
            _sign(company, contract)
    finally:
        registries.contract_signed.disconnect(handler)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert contract.signed_on is None
    assert ContractEvent.objects.count() == events_before
    assert not DepartmentTask.objects.filter(subject_id=contract.pk).exists()
    assert not Attachment.objects.filter(object_id=contract.pk).exists()


def test_signing_refusals_change_nothing(company, given):
    contract = _approved(company, given)
    today = timezone.localdate()
    with pytest.raises(SignInvalid) as exc:
        _sign(company, contract, signed_on=today + timedelta(days=1))
    assert "signed_on" in exc.value.fields
    with pytest.raises(DeliveryBeforeSigning):
        Contract.objects.filter(pk=contract.pk).update(delivery_date=today - timedelta(days=2))
        _sign(company, contract, signed_on=today - timedelta(days=1))
    Contract.objects.filter(pk=contract.pk).update(delivery_date=today + timedelta(days=10))
    with pytest.raises(SignInvalid) as exc:
        _sign(company, contract, scan=None)
    assert "scan" in exc.value.fields
    with pytest.raises(SignInvalid) as exc:
        _sign(company, contract, scan=scan("signed.docx"))
    assert "scan" in exc.value.fields
    with pytest.raises(SignInvalid) as exc:
        _sign(company, contract, customer_signatory=" ")
    assert "customer_signatory" in exc.value.fields
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED
    assert not Attachment.objects.filter(object_id=contract.pk).exists()


def test_only_an_approved_contract_can_be_signed(company, given):
    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])
    with pytest.raises(InvalidTransition):
        _sign(company, contract)


def test_out_of_scope_contract_is_not_found(company, given):
    from xiaoguan.contracts.errors import ContractNotFound

    cat, customer = given
    contract = draft(company.rep_e1, customer, [line(cat.hydrant, "10")])
    with pytest.raises(ContractNotFound):
        contract_submit(actor=company.rep_w1, contract=contract)


def test_a_done_production_task_is_on_the_timeline(company, given):
    from xiaoguan.org.department_tasks import department_task_complete
    from xiaoguan.org.tests.factories import UserFactory

    contract = _signed(company, given)
    task = DepartmentTask.objects.get(subject_id=contract.pk, kind="contracts.production")
    planner = UserFactory(
        username="planner", full_name="planner", department=task.department, roles=["production"]
    )
    day = timezone.localdate() + timedelta(days=14)
    department_task_complete(
        actor=planner,
        task_id=task.pk,
        response="已排产",
        data={"planned_completion": day.isoformat()},
    )
    event = ContractEvent.objects.filter(contract=contract).order_by("-at", "-pk").first()
    assert event.kind == EventKind.TASK_DONE
    assert event.department == task.department
    assert event.detail["figures"] == {"planned_completion": day.isoformat()}


def _signed(company, given) -> Contract:
    contract = _approved(company, given)
    return _sign(company, contract)
