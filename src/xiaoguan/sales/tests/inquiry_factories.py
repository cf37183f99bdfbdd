"""Test helpers of the inquiries part: production and technical departments with people, and
inquiries made through the service, as users make them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from xiaoguan.org.enums import DepartmentKind
from xiaoguan.org.models import Department
from xiaoguan.org.tests.factories import UserFactory, department_create
from xiaoguan.sales.services.inquiries import InquiryData, inquiry_create


def add_factory_departments(company) -> None:
    """生产部 (head prod_head, member planner) and 技术部 (head tech_head, member engineer)."""
    for code, name, kind, role, head, member in (
        ("PRD", "生产部", DepartmentKind.PRODUCTION, "production", "prod_head", "planner"),
        ("TEC", "技术部", DepartmentKind.TECHNICAL, "technical", "tech_head", "engineer"),
    ):
        dept = department_create(name=name, code=code, kind=kind, parent=company.depts["HQ"])
        dept = Department.objects.get(pk=dept.pk)
        boss = UserFactory(username=head, full_name=head, department=dept, roles=[role])
        company.users[head] = boss
        company.users[member] = UserFactory(
            username=member, full_name=member, department=dept, roles=[role], manager=boss
        )
        Department.objects.filter(pk=dept.pk).update(head=boss)
        dept.refresh_from_db()
        company.depts[code] = dept
    # Siblings are ordered by code: adding departments moves the paths of others; reload them.
    for key, department in company.depts.items():
        company.depts[key] = Department.objects.get(pk=department.pk)
    for user in company.users.values():
        user.refresh_from_db()


def make_inquiry(actor, customer, title: str = "办公楼消防改造询价", **fields):
    data = {
        "customer_id": customer.pk,
        "title": title,
        "source": "phone",
        "deadline": timezone.now() + timedelta(days=10),
        "estimated_amount": Decimal("120000"),
    }
    data.update(fields)
    return inquiry_create(actor=actor, data=InquiryData(**data))


def bid_chain() -> None:
    """The default approval chains (bid decision: management)."""
    from xiaoguan.approvals.services.chains import default_chains_ensure

    default_chains_ensure()
