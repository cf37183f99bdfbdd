"""Pages of the amendments part of contracts (amendments, versions, termination, problems);
included in ``contracts/web/urls.py`` (namespace "contracts")."""

from django.urls import path

from xiaoguan.contracts.web import amendments_views as views

urlpatterns: list = [
    path("<int:contract_id>/amend/", views.amend_start, name="amend_start"),
    path("<int:contract_id>/amend/discard/", views.amend_discard, name="amend_discard"),
    path("<int:contract_id>/diff/", views.contract_diff, name="contract_diff"),
    path("<int:contract_id>/terminate/", views.terminate, name="contract_terminate"),
    path("<int:contract_id>/problems/new/", views.problem_log, name="problem_log"),
    path(
        "<int:contract_id>/problems/<int:problem_id>/solve/",
        views.problem_solve,
        name="problem_solve",
    ),
]
