"""The contract PDF (R-CON-6): the customer's document, printed from the contract's version as
drafted from its template — parties, lines, the total in figures and in Chinese uppercase
(大写), delivery, payment schedule, after-sales terms, the clauses, signatures. It shows
only what the customer signs (unit price and amounts), never effective or floor prices,
discounts or costs, whoever prints it. An unsigned version carries a "草稿 / DRAFT" mark."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from xiaoguan.contracts.models import Contract, PaymentTerm
from xiaoguan.contracts.selectors import ledger as selectors
from xiaoguan.core.pdf import pdf_response, render_pdf
from xiaoguan.core.web.decorators import require_right
from xiaoguan.customers import divisions

# How each instalment's trigger reads in the contract (the document is Chinese).
TRIGGER_TEXT = {
    "signing": ("合同签订后", "合同签订时"),
    "before_shipment": ("发货前", "发货前"),
    "delivery": ("到货后", "到货时"),
    "acceptance": ("验收合格后", "验收合格时"),
    "warranty_end": ("质保期满后", "质保期满时"),
}


def _when(term: PaymentTerm) -> str:
    after, at = TRIGGER_TEXT.get(term.trigger, (term.get_trigger_display(),) * 2)
    return f"{after} {term.days_after} 天内" if term.days_after else at


def _plain(value: Decimal | None) -> str:
    """A quantity or percent without trailing zeros and never in exponent form (10, 2.5)."""
    return "" if value is None else format(value.normalize(), "f")


def contract_pdf_context(contract: Contract) -> dict:
    from xiaoguan.core.money_words import amount_in_chinese_words

    customer = contract.customer
    return {
        "contract": contract,
        "company": selectors.company_name(),
        "customer": customer,
        "customer_address": divisions.full_address(
            customer.province, customer.city, customer.district, customer.street
        ),
        "lines": [(line, _plain(line.quantity)) for line in contract.lines.all()],
        "terms": [
            (term, _plain(term.percent), _when(term)) for term in contract.payment_terms.all()
        ],
        "total_in_words": amount_in_chinese_words(contract.total),
        "is_draft": contract.signed_on is None,
        "clauses": [c for c in (contract.clauses or []) if isinstance(c, dict)],
    }


@require_right("contracts.view")
def contract_pdf(request: HttpRequest, contract_id: int) -> HttpResponse:
    try:
        contract = selectors.contract_for_pdf(user=request.user, contract_id=contract_id)
    except Contract.DoesNotExist:
        raise Http404 from None
    # The document is Chinese whatever the language of the user's pages.
    with translation.override("zh-hans"):
        content = render_pdf("contracts/pdf/contract.html", contract_pdf_context(contract))
    suffix = f"-v{contract.version_no}" if contract.version_no > 1 else ""
    return pdf_response(content, filename=f"销售合同-{contract.number}{suffix}.pdf")
