"""Amendments (R-CON-5): drafting a new version of a signed contract, the one-at-a-time rule,
the shipped and collected floors, and the version taking effect."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from xiaoguan.contracts import registries
from xiaoguan.contracts.enums import ContractStatus, EventKind
from xiaoguan.contracts.errors import (
    AmendmentBelowCollected,
    AmendmentBelowShipped,
    AmendmentInvalid,
    AmendmentNotAllowed,
    AmendmentOpen,
)
from xiaoguan.contracts.models import Contract, ContractEvent, ContractLine, PaymentTerm
from xiaoguan.contracts.services.amendments import (
    amendment_check,
    amendment_discard,
    amendment_take_effect,
    contract_amend_start,
)
from xiaoguan.contracts.tests.test_amendments_support import (
    ShippedProvider,
    lines_of,
    product,
    signed_contract,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def products():
    return {
        "abc4": product("MFZ-ABC4", "手提式干粉灭火器"),
        "sn65": product("SN65", "室内消火栓", "套", "TAO"),
    }


@pytest.fixture
def v1(company, products):
    return signed_contract(
        company.rep_e1,
        lines_of((products["abc4"], "100", "85.00"), (products["sn65"], "20", "460.00")),
    )


def _set_quantity(contract, product_obj, quantity):
    """Edit a draft's line as the contract editor would (lines and total re-computed)."""
    line = ContractLine.objects.get(contract=contract, product=product_obj)
    line.quantity = Decimal(quantity)
    line.amount = (line.quantity * line.unit_price).quantize(Decimal("0.01"))
    line.save()
    total = sum(ContractLine.objects.filter(contract=contract).values_list("amount", flat=True))
    Contract.objects.filter(pk=contract.pk).update(total=total, list_total=total)
    contract.refresh_from_db()
    return contract


def _approved(contract):
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.APPROVED)
    contract.refresh_from_db()
    return contract


def _signed(contract):
    """What contract_sign does before it calls amendment_take_effect."""
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.SIGNED)
    contract.refresh_from_db()
    return contract


def test_amendment_is_a_draft_copy_of_the_signed_version(company, v1):
    # when
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="客户追加数量")
    # then
    v2.refresh_from_db()
    assert (v2.number, v2.version_no, v2.root_id, v2.amends_id) == (v1.number, 2, v1.pk, v1.pk)
    assert v2.status == ContractStatus.DRAFT
    assert v2.is_current is False
    assert v2.amendment_reason == "客户追加数量"
    assert (v2.customer_id, v2.owner_id, v2.department_id) == (
        v1.customer_id,
        v1.owner_id,
        v1.department_id,
    )
    assert (v2.total, v2.delivery_place, v2.warranty_months) == (
        Decimal("17700.00"),
        "成都市高新区天府大道100号",
        12,
    )
    assert v2.signed_on is None and v2.customer_signatory == ""
    assert list(
        v2.lines.order_by("position").values_list("product__code", "quantity", "amount")
    ) == [
        ("MFZ-ABC4", Decimal("100.000"), Decimal("8500.00")),
        ("SN65", Decimal("20.000"), Decimal("9200.00")),
    ]
    assert list(v2.payment_terms.values_list("label", "percent", "amount")) == [
        ("预付款", Decimal("30.00"), Decimal("5310.00")),
        ("到货款", Decimal("70.00"), Decimal("12390.00")),
    ]
    v1.refresh_from_db()
    assert (v1.status, v1.is_current) == (ContractStatus.SIGNED, True)
    event = ContractEvent.objects.get(root=v1, kind=EventKind.AMENDMENT)
    assert event.contract_id == v2.pk
    assert event.actor == company.rep_e1


def test_amendment_of_an_amendment_keeps_the_root(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    with transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    # when
    v3 = contract_amend_start(actor=company.rep_e1, contract=v2, reason="第二次变更")
    # then
    assert (v3.version_no, v3.root_id, v3.amends_id) == (3, v1.pk, v2.pk)


@pytest.mark.parametrize("reason", ["", "   "])
def test_refuses_an_amendment_without_a_reason(company, v1, reason):
    before = snapshot(v1)
    with pytest.raises(AmendmentInvalid) as exc:
        contract_amend_start(actor=company.rep_e1, contract=v1, reason=reason)
    assert "reason" in exc.value.fields
    assert snapshot(v1) == before


@pytest.mark.parametrize(
    "status",
    [
        ContractStatus.DRAFT,
        ContractStatus.IN_APPROVAL,
        ContractStatus.APPROVED,
        ContractStatus.TERMINATED,
        ContractStatus.SUPERSEDED,
        ContractStatus.COMPLETED,
    ],
)
def test_refuses_to_amend_a_contract_that_is_not_signed_and_in_force(company, v1, status):
    Contract.objects.filter(pk=v1.pk).update(status=status)
    v1.refresh_from_db()
    before = snapshot(v1)
    with pytest.raises(AmendmentNotAllowed):
        contract_amend_start(actor=company.rep_e1, contract=v1, reason="变更")
    assert snapshot(v1) == before


def test_refuses_to_amend_a_superseded_version(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    with transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    v1.refresh_from_db()
    before = snapshot(v1)
    with pytest.raises(AmendmentNotAllowed):
        contract_amend_start(actor=company.rep_e1, contract=v1, reason="对旧版本变更")
    assert snapshot(v1) == before


@pytest.mark.parametrize(
    "status", [ContractStatus.DRAFT, ContractStatus.RETURNED, ContractStatus.IN_APPROVAL]
)
def test_refuses_a_second_open_amendment(company, v1, status):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    Contract.objects.filter(pk=v2.pk).update(status=status)
    before = snapshot(v1)
    with pytest.raises(AmendmentOpen):
        contract_amend_start(actor=company.rep_e1, contract=v1, reason="第二次变更")
    assert snapshot(v1) == before


def test_an_approved_amendment_also_blocks_another(company, v1):
    _approved(contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更"))
    with pytest.raises(AmendmentOpen):
        contract_amend_start(actor=company.rep_e1, contract=v1, reason="第二次变更")


def test_a_discarded_or_rejected_amendment_makes_room_for_another(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    amendment_discard(actor=company.rep_e1, contract=v2, reason="客户撤回")
    v3 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第二次变更")
    Contract.objects.filter(pk=v3.pk).update(status=ContractStatus.REJECTED)
    # when
    v4 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第三次变更")
    # then
    v2.refresh_from_db()
    assert v2.status == ContractStatus.CANCELLED
    assert v4.version_no == 4
    assert ContractEvent.objects.filter(root=v1, kind=EventKind.CANCELLED).count() == 1


def test_discard_refuses_a_signed_version(company, v1):
    with pytest.raises(AmendmentNotAllowed):
        amendment_discard(actor=company.rep_e1, contract=v1)


def test_taking_effect_supersedes_the_old_version_and_carries_the_figures(company, v1):
    Contract.objects.filter(pk=v1.pk).update(
        shipped_amount=Decimal("4250.00"),
        invoiced_amount=Decimal("4250.00"),
        collected_amount=Decimal("5310.00"),
    )
    v1.refresh_from_db()
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="客户追加数量")
    _set_quantity(v2, ContractLine.objects.get(contract=v2, position=1).product, "120")
    calls = []

    def handler(*, old, new, actor):
        calls.append((old.pk, old.status, new.pk, new.is_current, actor.pk))

    # The contracts part alone: the higher apps' handlers (receivables recomputes collected
    # from its own allocations, tested there) are set aside for this test.
    others = registries.contract_amended.handlers
    for other in others:
        registries.contract_amended.disconnect(other)
    registries.contract_amended.connect(handler)
    try:
        with transaction.atomic():
            amendment_take_effect(old=v1, new=_signed(v2), actor=company.mgr_east)
    finally:
        registries.contract_amended.disconnect(handler)
        for other in others:
            registries.contract_amended.connect(other)
    # then
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v1.is_current) == (ContractStatus.SUPERSEDED, False)
    assert (v2.status, v2.is_current) == (ContractStatus.SIGNED, True)
    assert (v2.shipped_amount, v2.invoiced_amount, v2.collected_amount) == (
        Decimal("4250.00"),
        Decimal("4250.00"),
        Decimal("5310.00"),
    )
    assert calls == [(v1.pk, ContractStatus.SUPERSEDED, v2.pk, True, company.mgr_east.pk)]
    event = ContractEvent.objects.get(root=v1, kind=EventKind.AMENDED)
    assert (event.contract_id, event.detail["old"], event.detail["new"]) == (v2.pk, v1.pk, v2.pk)
    assert list(
        Contract.objects.filter(number=v1.number, is_current=True).values_list("pk", flat=True)
    ) == [v2.pk]


def test_a_third_version_replaces_the_second_without_two_current_versions(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    with transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    v3 = contract_amend_start(actor=company.rep_e1, contract=v2, reason="第二次变更")
    # when
    with transaction.atomic():
        amendment_take_effect(old=v2, new=_signed(v3), actor=company.rep_e1)
    # then
    current = Contract.objects.filter(number=v1.number, is_current=True)
    assert list(current.values_list("version_no", flat=True)) == [3]
    assert list(
        Contract.objects.filter(number=v1.number).order_by("version_no").values_list("status")
    ) == [(ContractStatus.SUPERSEDED,), (ContractStatus.SUPERSEDED,), (ContractStatus.SIGNED,)]


def test_the_database_refuses_two_current_amendments_of_one_contract(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="第一次变更")
    with transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    v3 = contract_amend_start(actor=company.rep_e1, contract=v2, reason="第二次变更")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=v3.pk).update(is_current=True)


def test_taking_effect_refuses_when_the_old_version_is_no_longer_in_force(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="变更")
    Contract.objects.filter(pk=v1.pk).update(status=ContractStatus.TERMINATED)
    v1.refresh_from_db()
    with pytest.raises(AmendmentNotAllowed), transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    v2.refresh_from_db()
    assert v2.is_current is False


# --- what was shipped and collected ------------------------------------------------------


def test_refuses_a_quantity_below_what_was_shipped_naming_the_product(company, v1, products):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="减少数量")
    _set_quantity(v2, products["abc4"], "50")
    key = (products["abc4"].pk, products["abc4"].unit_id)
    with ShippedProvider({key: Decimal("60.000")}) as provider:
        # when
        with pytest.raises(AmendmentBelowShipped) as exc:
            amendment_check(contract=v2)
        # then
        assert provider.calls == [v1.pk]
        assert "手提式干粉灭火器" in str(exc.value.message)
        assert "60 具" in str(exc.value.message)
        assert exc.value.status == 422
        before = snapshot(v1)
        with pytest.raises(AmendmentBelowShipped), transaction.atomic():
            amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
        assert snapshot(v1) == before
    assert provider not in registries.shipped_quantity_providers


def test_removing_a_shipped_line_is_refused(company, v1, products):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="取消消火栓")
    ContractLine.objects.filter(contract=v2, product=products["sn65"]).delete()
    key = (products["sn65"].pk, products["sn65"].unit_id)
    with ShippedProvider({key: Decimal("5")}), pytest.raises(AmendmentBelowShipped) as exc:
        amendment_check(contract=v2)
    assert "室内消火栓" in str(exc.value.message)
    assert "5 套" in str(exc.value.message)


def test_the_shipped_floor_sums_the_lines_of_one_product_and_unit(company, v1, products):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="拆分交付")
    _set_quantity(v2, products["abc4"], "30")
    ContractLine.objects.create(
        contract=v2,
        position=3,
        product=products["abc4"],
        unit=products["abc4"].unit,
        spec="二期",
        quantity=Decimal("40"),
        list_price=Decimal("85.00"),
        unit_price=Decimal("85.00"),
        discount=Decimal(0),
        amount=Decimal("3400.00"),
    )
    key = (products["abc4"].pk, products["abc4"].unit_id)
    with ShippedProvider({key: Decimal("60")}):
        amendment_check(contract=v2)  # 30 + 40 >= 60: accepted
    with ShippedProvider({key: Decimal("71")}), pytest.raises(AmendmentBelowShipped):
        amendment_check(contract=v2)


def test_without_a_provider_nothing_counts_as_shipped(company, v1, products):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="减少数量")
    _set_quantity(v2, products["abc4"], "1")
    amendment_check(contract=v2)


def test_refuses_a_total_below_what_was_collected(company, v1, products):
    Contract.objects.filter(pk=v1.pk).update(collected_amount=Decimal("12000.00"))
    v1.refresh_from_db()
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="减少数量")
    _set_quantity(v2, products["sn65"], "5")  # total 8,500 + 2,300 = 10,800
    with pytest.raises(AmendmentBelowCollected) as exc:
        amendment_check(contract=v2)
    assert "¥10,800.00" in str(exc.value.message)
    assert "¥12,000.00" in str(exc.value.message)
    before = snapshot(v1)
    with pytest.raises(AmendmentBelowCollected), transaction.atomic():
        amendment_take_effect(old=v1, new=_signed(v2), actor=company.rep_e1)
    assert snapshot(v1) == before


def test_refuses_an_amendment_that_changes_the_customer(company, v1):
    from xiaoguan.contracts.tests.test_amendments_support import customer

    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="换客户")
    other = customer(company.rep_e1, name="广元恒达商贸有限公司")
    Contract.objects.filter(pk=v2.pk).update(customer=other)
    v2.refresh_from_db()
    with pytest.raises(AmendmentInvalid):
        amendment_check(contract=v2)


def test_the_check_passes_a_first_version(company, v1):
    amendment_check(contract=v1)


def test_amend_start_copies_the_schedule_rows_exactly(company, v1):
    v2 = contract_amend_start(actor=company.rep_e1, contract=v1, reason="变更")
    fields = ("position", "label", "trigger", "days_after", "percent", "amount", "is_retention")
    assert list(PaymentTerm.objects.filter(contract=v2).values_list(*fields)) == list(
        PaymentTerm.objects.filter(contract=v1).values_list(*fields)
    )
