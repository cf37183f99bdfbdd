"""Canaries of the amendments part: a signed contract of the West canary employee with an
amendment on the way and a problem routed to logistics, carrying the marker (title, reason,
problem; its product is neutral master data). Its problem id reaches the problem pages; the
contract pages get the contracts provider's contract id (a problem of another contract
through that id is not found either)."""

from __future__ import annotations

from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from xiaoguan.contracts.services.amendments import contract_amend_start
    from xiaoguan.contracts.services.problems import contract_problem_log
    from xiaoguan.contracts.tests.test_amendments_support import (
        lines_of,
        product,
        signed_contract,
    )
    from xiaoguan.customers.models import Customer

    customer = Customer.objects.filter(pk=values.get("customer_id")).first()
    contract = signed_contract(
        emp,
        lines_of(
            (
                product(
                    "AMD-P1",
                    "推车式干粉灭火器",
                    unit_name="AMD-件",
                    unit_code="AMD-U",
                    category=("AMD-C", "AMD-消防器材"),
                ),
                "10",
                "85.00",
            )
        ),
        cust=customer,
        title=f"{MARKER}-SIGNED-CONTRACT",
    )
    contract_amend_start(actor=emp, contract=contract, reason=f"{MARKER}-AMENDMENT-REASON")
    problem = contract_problem_log(
        actor=emp,
        contract=contract,
        title=f"{MARKER}-PROBLEM",
        description=f"{MARKER}-PROBLEM-DETAILS",
        department_id=company.depts["LOG"].pk,
    )
    return {"problem_id": problem.pk}
