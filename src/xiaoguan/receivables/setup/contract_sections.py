"""The contract page's receivables sections ("Collection plan", "Invoices"), registered with
the contracts part's registry; called from ``AppConfig.ready()``."""

from __future__ import annotations


def register() -> None:
    from xiaoguan.contracts.web import contract_sections
    from xiaoguan.receivables.web.contract_sections import invoices_section, plan_section

    contract_sections.register(plan_section)
    contract_sections.register(invoices_section)
