"""Pages of the data part of customers (import, merge); included in ``customers/web/urls.py``
(namespace "customers")."""

from django.urls import path

from xiaoguan.customers.web import data_views

urlpatterns: list = [
    path("import/", data_views.import_page, name="import"),
    path("import/run/", data_views.import_confirm, name="import_run"),
    path(
        "import/template/<slug:import_kind>/",
        data_views.import_template,
        name="import_template",
    ),
    path("<int:customer_id>/merge/", data_views.customer_merge_page, name="merge"),
]
