"""Registrations of the amendments part of contracts (rights, policy rules, navigation,
scope, approvals document types, extension-point handlers), called from ``AppConfig.ready()``.

Amendments, termination, the execution timeline and problems (R-CON-4, R-CON-5)."""

from django.utils.translation import gettext_lazy as _

SALES_ROLES = ("management", "sales_director", "sales_manager", "sales_rep", "sales_assistant")
# Everyone who sees contracts may log a problem of one (contracts.view holders).
PROBLEM_ROLES = (*SALES_ROLES, "legal", "finance", "logistics", "after_sales")


def _problem_task_completed(*, task, actor) -> None:
    from xiaoguan.contracts.services.problems import problem_task_completed

    problem_task_completed(task=task, actor=actor)


def register() -> None:
    from xiaoguan.contracts.services.problems import PROBLEM_TASK_KIND
    from xiaoguan.org import rights
    from xiaoguan.org.registries import TaskField, TaskKind, register_task_kind

    group = _("Contracts")
    rights.register(
        rights.Right(
            "contracts.terminate",
            _("Terminate signed contracts and record the settlement"),
            group,
            ("management", "sales_director", "legal"),
        )
    )
    rights.register(
        rights.Right(
            "contracts.problems",
            _("Log problems of contracts and route them to a department"),
            group,
            PROBLEM_ROLES,
        )
    )
    register_task_kind(
        TaskKind(
            code=PROBLEM_TASK_KIND,
            label=_("Contract problem"),
            fields=(TaskField("resolution", _("How it was solved"), "text", required=True),),
            on_completed=_problem_task_completed,
        )
    )
