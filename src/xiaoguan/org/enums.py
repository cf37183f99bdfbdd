from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    COMPANY = "company", _("Company")
    SALES_CENTRE = "sales_centre", _("Sales centre")
    REGION = "region", _("Region")
    TEAM = "team", _("Team")
    LEGAL = "legal", _("Legal")
    FINANCE = "finance", _("Finance")
    LOGISTICS = "logistics", _("Logistics")
    AFTER_SALES = "after_sales", _("After-sales")
    MARKETING = "marketing", _("Marketing")
    HR = "hr", _("Human resources")
    PRODUCTION = "production", _("Production")
    TECHNICAL = "technical", _("Technical")
    PROCUREMENT = "procurement", _("Procurement")
    OTHER = "other", _("Other")


class DataScope(models.TextChoices):
    """How far a role sees owned records (R-ORG-1), narrowest first."""

    OWN = "own", _("Own records")
    DEPARTMENT = "department", _("Own department")
    SUBTREE = "subtree", _("Own department and below")
    ALL = "all", _("All")


SCOPE_RANK = {DataScope.OWN: 0, DataScope.DEPARTMENT: 1, DataScope.SUBTREE: 2, DataScope.ALL: 3}


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
