"""Pages of the collection part; included in ``receivables/web/urls.py`` (namespace
"receivables"): the overdue list, dunning, bad-debt write-offs and invoice records."""

from django.urls import path

from xiaoguan.receivables.web import dunning_views, invoice_views, overdue_views, write_off_views

urlpatterns: list = [
    path("overdue/", overdue_views.overdue_list, name="overdue_list"),
    path("overdue/export/", overdue_views.overdue_export, name="overdue_export"),
    path("dunning/", dunning_views.dunning_list, name="dunning_list"),
    path("dunning/export/", dunning_views.dunning_export, name="dunning_export"),
    path("dunning/new/", dunning_views.dunning_create, name="dunning_create"),
    path(
        "dunning/customers/<int:customer_id>/",
        dunning_views.dunning_customer,
        name="dunning_customer",
    ),
    path(
        "dunning/customers/<int:customer_id>/escalate/",
        dunning_views.dunning_escalate,
        name="dunning_escalate",
    ),
    path("write-offs/", write_off_views.write_off_list, name="write_off_list"),
    path("write-offs/new/", write_off_views.write_off_create, name="write_off_create"),
    path(
        "write-offs/<int:write_off_id>/",
        write_off_views.write_off_detail,
        name="write_off_detail",
    ),
    path(
        "write-offs/<int:write_off_id>/submit/",
        write_off_views.write_off_submit,
        name="write_off_submit",
    ),
    path(
        "write-offs/<int:write_off_id>/cancel/",
        write_off_views.write_off_cancel,
        name="write_off_cancel",
    ),
    path("invoices/", invoice_views.invoice_list, name="invoice_list"),
    path("invoices/export/", invoice_views.invoice_export, name="invoice_export"),
    path("invoices/new/", invoice_views.invoice_create, name="invoice_create"),
    path("invoices/<int:invoice_id>/", invoice_views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/issue/", invoice_views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/cancel/", invoice_views.invoice_cancel, name="invoice_cancel"),
    path("invoices/<int:invoice_id>/void/", invoice_views.invoice_void, name="invoice_void"),
]
