"""Pages of the ledger part of contracts; included in ``contracts/web/urls.py`` (namespace
"contracts"): the contract ledger at ``/contracts/``, its export and the contract PDF."""

from django.urls import path

from xiaoguan.contracts.web import ledger_views, pdf_views

urlpatterns: list = [
    path("", ledger_views.ledger, name="ledger"),
    path("export/", ledger_views.ledger_export, name="ledger_export"),
    path("<int:contract_id>/pdf/", pdf_views.contract_pdf, name="contract_pdf"),
]
