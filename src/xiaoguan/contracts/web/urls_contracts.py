"""Pages of the contracts part of contracts; included in ``contracts/web/urls.py`` (namespace
"contracts"). The list of contracts is the ledger (``contracts:ledger``)."""

from django.urls import path

from xiaoguan.contracts.web import contracts_views as views

urlpatterns: list = [
    path("new/", views.contract_create, name="contract_create"),
    path("editor/line/", views.contract_line_row, name="contract_line_row"),
    path("editor/term/", views.contract_term_row, name="contract_term_row"),
    path("editor/preview/", views.contract_preview, name="contract_preview"),
    path(
        "from-quote/<int:quote_id>/",
        views.contract_from_quote,
        name="contract_from_quote",
    ),
    path("<int:contract_id>/", views.contract_detail, name="contract_detail"),
    path("<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path("<int:contract_id>/submit/", views.contract_submit, name="contract_submit"),
    path("<int:contract_id>/withdraw/", views.contract_withdraw, name="contract_withdraw"),
    path("<int:contract_id>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("<int:contract_id>/sign/", views.contract_sign, name="contract_sign"),
]
