"""Reconciliation statement pages (对账单, R-AR-5): find a customer, see its statement for a
period, export it as xlsx or print it as a PDF for the customer to sign (both audited).
Thin: ``selectors.statements`` computes, for a customer in the user's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoguan.core.audit import audit_event_record
from xiaoguan.core.errors import ValidationFailed
from xiaoguan.core.models import AuditKind
from xiaoguan.core.pdf import pdf_response, render_pdf
from xiaoguan.core.web.decorators import require_right
from xiaoguan.core.xlsx import xlsx_response
from xiaoguan.customers import selectors as customer_selectors
from xiaoguan.customers.models import Customer
from xiaoguan.customers.web.pickers import customer_picker_field
from xiaoguan.org.scope import visible
from xiaoguan.receivables.selectors.statements import Statement, customer_statement

RIGHT = "receivables.reports"
SEARCH_LIMIT = 20


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, label=gettext_lazy("From"))
    end = forms.DateField(required=False, label=gettext_lazy("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start", "end"):
            value = data.get(name)
            if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        return data


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year, 1, 1), today


def _period(request: HttpRequest) -> tuple[PeriodForm, date, date]:
    form = PeriodForm(request.GET or None)
    start, end = default_period()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return form, start, end


def _statement(request: HttpRequest, customer_id: int) -> tuple[PeriodForm, Statement | None]:
    """The statement of the period asked for; a period refused by the selector comes back as
    a form error (the customer must still be in scope: otherwise 404)."""
    form, start, end = _period(request)
    try:
        return form, customer_statement(
            user=request.user, customer_id=customer_id, start=start, end=end
        )
    except Customer.DoesNotExist:
        raise Http404 from None
    except ValidationFailed as exc:
        form.add_error(None, str(exc.message))
        if not visible(Customer.objects.filter(pk=customer_id), request.user).exists():
            raise Http404 from None
        return form, None


class StatementCustomerForm(forms.Form):
    """The customer whose statement to draw up: suggested as the user types, checked against
    the customers in the user's scope."""

    customer = customer_picker_field(inactive=True, autosubmit=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customer_selectors.customer_choices(
            user=user, include_inactive=True
        )


@require_right(RIGHT)
def statement_search(request: HttpRequest) -> HttpResponse:
    """Find the customer whose statement to draw up (customers in the user's scope): the
    picker goes straight to the statement; without JavaScript ``?q=`` lists the matches."""
    form = StatementCustomerForm(
        request.GET if "customer" in request.GET else None, user=request.user
    )
    if form.is_bound and form.is_valid():
        return redirect(
            "receivables:statement_detail", customer_id=form.cleaned_data["customer"].pk
        )
    q = (request.GET.get("q") or "").strip()[:100]
    customers = (
        customer_selectors.customer_picker(
            user=request.user, q=q, include_inactive=True, limit=SEARCH_LIMIT
        )
        if q
        else []
    )
    return render(
        request,
        "receivables/statement_search.html",
        {"q": q, "customers": customers, "limit": SEARCH_LIMIT, "form": form},
    )


@require_right(RIGHT)
def statement_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    form, statement = _statement(request, customer_id)
    customer = (
        statement.customer
        if statement
        else visible(Customer.objects.all(), request.user).get(pk=customer_id)
    )
    return render(
        request,
        "receivables/statement_detail.html",
        {
            "form": form,
            "statement": statement,
            "customer": customer,
            "query": request.GET.urlencode(),
        },
    )


def _xlsx_rows(statement: Statement) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "on": statement.start,
            "kind": _("Opening balance"),
            "document": "",
            "description": "",
            "debit": None,
            "credit": None,
            "balance": statement.opening,
        }
    ]
    for line in statement.lines:
        rows.append(
            {
                "on": line.on,
                "kind": line.kind_label,
                "document": line.document,
                "description": line.description,
                "debit": line.debit or None,
                "credit": line.credit or None,
                "balance": line.balance,
            }
        )
    rows.append(
        {
            "on": statement.end,
            "kind": _("Closing balance"),
            "document": "",
            "description": _("Unallocated credit of the customer: %(amount)s")
            % {"amount": f"{statement.unallocated:,.2f}"},
            "debit": statement.debits,
            "credit": statement.credits,
            "balance": statement.closing,
        }
    )
    return rows


@require_right(RIGHT)
def statement_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The statement as xlsx: the opening balance, each line, the closing balance; audited."""
    _form, statement = _statement(request, customer_id)
    if statement is None:
        return statement_detail(request, customer_id)
    return xlsx_response(
        filename=f"statement-{statement.customer.pk}-{statement.start}-{statement.end}.xlsx",
        sheet_title=_("Reconciliation statement"),
        columns=[
            (_("date"), "on"),
            (_("Entry"), "kind"),
            (_("Document no."), "document"),
            (_("details"), "description"),
            (_("debit (owed)"), "debit"),
            (_("credit (paid)"), "credit"),
            (_("balance"), "balance"),
        ],
        rows=_xlsx_rows(statement),
        actor=request.user,
        request=request,
        what="receivables.statement",
    )


@require_right(RIGHT)
def statement_pdf(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The statement as the customer's PDF (Chinese): company, customer, period, lines,
    closing balance in capital numerals, a box for the customer's stamp and date; audited."""
    from xiaoguan.contracts.selectors.ledger import company_name
    from xiaoguan.core.money_words import amount_in_chinese_words

    _form, statement = _statement(request, customer_id)
    if statement is None:
        return statement_detail(request, customer_id)
    with translation.override("zh-hans"):
        content = render_pdf(
            "receivables/statement_pdf.html",
            {
                "statement": statement,
                "company": company_name(),
                "closing_in_words": amount_in_chinese_words(abs(statement.closing)),
                "closing_negative": statement.closing < 0,
                "printed_on": timezone.localdate(),
            },
        )
    audit_event_record(
        kind=AuditKind.EXPORT,
        actor=request.user,
        request=request,
        obj=statement.customer,
        summary=f"receivables.statement_pdf: {len(statement.lines)}",
        detail={
            "what": "receivables.statement_pdf",
            "rows": len(statement.lines),
            "customer": statement.customer.pk,
            "start": statement.start.isoformat(),
            "end": statement.end.isoformat(),
        },
    )
    return pdf_response(
        content,
        filename=f"对账单-{statement.customer.name}-{statement.start}-{statement.end}.pdf",
    )
