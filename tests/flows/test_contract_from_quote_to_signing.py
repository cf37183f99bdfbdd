"""Order to contract (R-QUO-3, R-CON-1..3), end to end through the services: a quote is
approved and accepted, becomes a draft contract without retyping, the rep completes the terms,
the contract goes through the sales head and legal, is signed with its scan, the
``contract_signed`` handlers run, production and logistics get their tasks, and a done task
shows on the contract's timeline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xiaoguan.approvals.models import ApprovalRequest
from xiaoguan.approvals.services import approval_decide
from xiaoguan.approvals.services.chains import default_chains_ensure
from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.models import ContractEvent
from xiaoguan.contracts.services.contracts import (
    ContractData,
    ContractLineData,
    contract_create_from_quote,
    contract_sign,
    contract_submit,
    contract_update,
)
from xiaoguan.contracts.services.schedule import PaymentTermData
from xiaoguan.customers.tests.factories import make_customer
from xiaoguan.org.department_tasks import department_task_complete
from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.models import DepartmentTask, Role
from xiaoguan.org.tests.factories import UserFactory, department_create
from xiaoguan.pricing.models import FloatRange
from xiaoguan.pricing.tests.factories import base_price, product
from xiaoguan.sales.enums import QuoteStatus
from xiaoguan.sales.services.quotes import (
    QuoteData,
    QuoteLineData,
    quote_accept,
    quote_create,
    quote_submit,
)


def _approve_pending(subject_pk: int, doc_type: str, approvers: dict) -> None:
    while True:
        request = ApprovalRequest.objects.filter(
            object_id=subject_pk, doc_type=doc_type, status="pending"
        ).first()
        if request is None:
            return
        task = request.tasks.get(status="pending", step_position=request.current_step)
        approval_decide(task_id=task.pk, actor=approvers[task.approver_id], decision="approve")


def test_from_an_accepted_quote_to_a_signed_contract_and_its_tasks(company):
    today = timezone.localdate()
    hydrant = product("SN65", "室内消火栓", "SN65", needs_installation=True, warranty_months=24)
    base_price(hydrant, "850.00", today - timedelta(days=30))
    FloatRange.objects.create(role=Role.objects.get(code="sales_rep"), max_discount=Decimal(10))
    production = department_create(
        name="生产部", code="PRD", kind=DepartmentKind.PRODUCTION, parent=company.depts["HQ"]
    )
    planner = UserFactory(
        username="planner", full_name="planner", department=production, roles=["production"]
    )
    default_chains_ensure()
    approvers = {u.pk: u for u in company.users.values()}
    rep = company.rep_e1
    customer = make_customer(rep, "上海某大厦物业管理有限公司")

    quote = quote_create(
        actor=rep,
        data=QuoteData(
            customer_id=customer.pk,
            title="室内消火栓更新",
            delivery_lead_days=20,
            payment_terms="签订后付30%，验收后付70%。",
        ),
        lines=[QuoteLineData(product_id=hydrant.pk, unit_id=hydrant.unit_id, quantity="40")],
    )
    quote_submit(actor=rep, quote=quote)
    _approve_pending(quote.pk, "quote", approvers)
    quote_accept(actor=rep, quote=quote.pk)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    contract = contract_create_from_quote(actor=rep, quote_id=quote.pk)
    assert contract.total == Decimal("34000.00")
    assert "签订后付30%" in contract.notes
    contract = contract_update(
        actor=rep,
        contract=contract,
        expected_version=contract.version,
        data=ContractData(
            customer_id=customer.pk,
            title=contract.title,
            delivery_date=today + timedelta(days=20),
            delivery_place="上海市浦东新区世纪大道100号",
            installation_required=True,
            warranty_months=24,
            inspection_cycle_months=0,
        ),
        lines=[ContractLineData(product_id=hydrant.pk, unit_id=hydrant.unit_id, quantity="40")],
        terms=[
            PaymentTermData("预付款", "signing", 7, percent=Decimal(30)),
            PaymentTermData("尾款", "acceptance", 30, percent=Decimal(70)),
        ],
    )
    contract_submit(actor=rep, contract=contract)
    _approve_pending(contract.pk, "contract", approvers)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.APPROVED

    signed = []
    registries.contract_signed.connect(handler := lambda **kw: signed.append(kw["contract"].pk))
    try:
        contract_sign(
            actor=rep,
            contract=contract,
            signed_on=today,
            customer_signatory="王经理",
            company_signatory="刘洋",
            scan=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 scan", "application/pdf"),
        )
    finally:
        registries.contract_signed.disconnect(handler)
    assert signed == [contract.pk]
    task = DepartmentTask.objects.get(subject_id=contract.pk, kind="contracts.production")
    department_task_complete(
        actor=planner,
        task_id=task.pk,
        response="已排产",
        data={"planned_completion": (today + timedelta(days=15)).isoformat()},
    )
    kinds = list(
        ContractEvent.objects.filter(root=contract)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds[0] == EventKind.CREATED
    assert EventKind.SUBMITTED in kinds and EventKind.APPROVED in kinds
    assert kinds.count(EventKind.APPROVAL_STEP) == 2
    assert kinds[-4:] == [EventKind.SIGNED, EventKind.TASK, EventKind.TASK, EventKind.TASK_DONE]
