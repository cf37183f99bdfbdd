"""Pages of the reports part of receivables (R-AR-4, R-AR-5, R-AR-6); included in
``receivables/web/urls.py`` (namespace "receivables")."""

from django.urls import path

from xiaoguan.receivables.web import aging_views, rate_views, statement_views

urlpatterns: list = [
    path("aging/", aging_views.aging, name="aging"),
    path("aging/export/", aging_views.aging_export, name="aging_export"),
    path("aging/instalments/", aging_views.aging_instalments, name="aging_instalments"),
    path(
        "aging/instalments/export/",
        aging_views.aging_instalments_export,
        name="aging_instalments_export",
    ),
    path("statements/", statement_views.statement_search, name="statement_search"),
    path(
        "statements/<int:customer_id>/",
        statement_views.statement_detail,
        name="statement_detail",
    ),
    path(
        "statements/<int:customer_id>/export/",
        statement_views.statement_export,
        name="statement_export",
    ),
    path(
        "statements/<int:customer_id>/pdf/",
        statement_views.statement_pdf,
        name="statement_pdf",
    ),
    path("collection-rate/", rate_views.rate_report, name="collection_rate"),
]
