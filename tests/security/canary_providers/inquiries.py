"""Canaries of the inquiries part and of the department task inbox: an inquiry of the canary
employee (West) whose subject and requirements carry the marker, and a department task the
canary employee sent to their own department."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

MARKER = "CANARY"


def provide(*, company, emp, values) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.customers import services as customers
    from xiaoguan.customers.models import Customer
    from xiaoguan.org.department_tasks import department_task_create
    from xiaoguan.sales.services.inquiries import (
        SUBJECT_TYPE,
        TASK_TECHNICAL,
        InquiryData,
        inquiry_create,
        inquiry_url,
    )

    customer = Customer.objects.filter(pk=values.get("customer_id"), owner=emp).first()
    if customer is None:
        customer = customers.customer_create(
            actor=emp, data=customers.CustomerData(name=f"{MARKER}-INQ-CUSTOMER")
        )
    inquiry = inquiry_create(
        actor=emp,
        data=InquiryData(
            customer_id=customer.pk,
            title=f"{MARKER}-INQUIRY",
            source="tender_platform",
            kind="tender",
            tender_number=f"{MARKER}-TENDER-NO",
            deadline=timezone.now() + timedelta(days=20),
            estimated_amount=Decimal("654321"),
            description=f"{MARKER}-INQUIRY-REQUIREMENTS",
        ),
    )
    task = department_task_create(
        actor=emp,
        department=emp.department,
        kind=TASK_TECHNICAL,
        title=f"{MARKER}-DEPARTMENT-TASK",
        description=f"{MARKER}-DEPARTMENT-TASK-DESCRIPTION",
        subject_type=SUBJECT_TYPE,
        subject_id=inquiry.pk,
        subject_label=f"{inquiry.number} {MARKER}",
        subject_url=inquiry_url(inquiry),
    )
    return {"inquiry_id": inquiry.pk, "department_task_id": task.pk}
