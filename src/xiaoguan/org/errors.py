from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, Conflict, ValidationFailed


class OrgTreeCycle(ValidationFailed):
    code = "org_tree_cycle"

    def default_message(self):
        return _("A department cannot be moved under itself or one of its own sub-departments.")


class DepartmentNotEmpty(Conflict):
    code = "department_not_empty"

    def default_message(self):
        return _("The department still has employees or sub-departments; move them first.")


class HandoverRefused(ApplicationError):
    code = "handover_refused"


class RoleInvalid(ValidationFailed):
    code = "role_invalid"


class EmployeeInvalid(ValidationFailed):
    code = "employee_invalid"


class DepartmentInvalid(ValidationFailed):
    code = "department_invalid"


class ManagerCycle(ValidationFailed):
    code = "manager_cycle"

    def default_message(self):
        return _("An employee cannot report to themselves or to someone who reports to them.")


class TokenInvalid(ValidationFailed):
    code = "token_invalid"
