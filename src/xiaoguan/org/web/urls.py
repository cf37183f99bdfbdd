from django.urls import path

from xiaoguan.org.web import picker_views, task_views, views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:department_id>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:department_id>/move/", views.department_move, name="department_move"),
    path(
        "departments/<int:department_id>/deactivate/",
        views.department_deactivate,
        name="department_deactivate",
    ),
    path(
        "departments/<int:department_id>/reactivate/",
        views.department_reactivate,
        name="department_reactivate",
    ),
    path("employees/", views.employee_list, name="employees"),
    path("employees/picker/", picker_views.employee_picker, name="employee_picker"),
    path("employees/export/", views.employee_export, name="employee_export"),
    path("employees/new/", views.employee_create, name="employee_create"),
    path("employees/<int:employee_id>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:employee_id>/edit/", views.employee_edit, name="employee_edit"),
    path(
        "employees/<int:employee_id>/password/", views.employee_password, name="employee_password"
    ),
    path(
        "employees/<int:employee_id>/reactivate/",
        views.employee_reactivate,
        name="employee_reactivate",
    ),
    path(
        "employees/<int:employee_id>/handover/", views.employee_handover, name="employee_handover"
    ),
    path("handovers/<int:handover_id>/", views.handover_detail, name="handover_detail"),
    path("roles/", views.role_list, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:role_id>/edit/", views.role_edit, name="role_edit"),
    path("me/tokens/", views.my_tokens, name="my_tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("tasks/", task_views.task_inbox, name="tasks"),
    path("tasks/badge/", task_views.task_badge, name="tasks_badge"),
    path("tasks/<int:department_task_id>/", task_views.task_detail, name="task_detail"),
    path(
        "tasks/<int:department_task_id>/complete/", task_views.task_complete, name="task_complete"
    ),
    path("tasks/<int:department_task_id>/cancel/", task_views.task_cancel, name="task_cancel"),
    path(
        "tasks/<int:department_task_id>/attachments/<int:attachment_id>/",
        task_views.task_attachment,
        name="task_attachment",
    ),
]
