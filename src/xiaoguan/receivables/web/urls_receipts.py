"""Pages of the receipts part of receivables (namespace "receivables")."""

from django.urls import path

from xiaoguan.receivables.web import bills_views, instalments_views, receipts_views

urlpatterns: list = [
    path("receipts/", receipts_views.receipt_list, name="receipt_list"),
    path("receipts/export/", receipts_views.receipt_export, name="receipt_export"),
    path("receipts/new/", receipts_views.receipt_create, name="receipt_create"),
    path("receipts/<int:receipt_id>/", receipts_views.receipt_detail, name="receipt_detail"),
    path(
        "receipts/<int:receipt_id>/allocate/",
        receipts_views.receipt_allocate,
        name="receipt_allocate",
    ),
    path(
        "receipts/<int:receipt_id>/reverse/",
        receipts_views.receipt_reverse,
        name="receipt_reverse",
    ),
    path(
        "customers/<int:customer_id>/use-credit/",
        receipts_views.customer_credit_use,
        name="customer_credit_use",
    ),
    path("instalments/", instalments_views.instalment_list, name="instalment_list"),
    path(
        "contracts/<int:contract_id>/plan/",
        instalments_views.contract_plan,
        name="contract_plan",
    ),
    path("bills/", bills_views.bill_list, name="bill_list"),
    path("bills/<int:receipt_id>/endorse/", bills_views.bill_endorse, name="bill_endorse"),
    path("bills/<int:receipt_id>/discount/", bills_views.bill_discount, name="bill_discount"),
    path("bills/<int:receipt_id>/mature/", bills_views.bill_mature, name="bill_mature"),
    path("bills/<int:receipt_id>/dishonour/", bills_views.bill_dishonour, name="bill_dishonour"),
]
