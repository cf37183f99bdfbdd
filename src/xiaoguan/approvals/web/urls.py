from django.urls import path

from xiaoguan.approvals.web import views

app_name = "approvals"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("tasks/<int:task_id>/decide/", views.decide, name="decide"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/new/", views.chain_create, name="chain_create"),
    path("chains/<int:chain_id>/", views.chain_edit, name="chain_edit"),
    path("chains/<int:chain_id>/steps/", views.step_add, name="step_add"),
    path("steps/<int:step_id>/remove/", views.step_remove, name="step_remove"),
    path("steps/<int:step_id>/move/", views.step_move, name="step_move"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:delegation_id>/end/", views.delegation_end, name="delegation_end"),
]
