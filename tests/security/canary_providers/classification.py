"""Canaries of classification, credit file and customer care (R-CUS-3, R-CUS-9, R-CUS-10): a
West customer of the canary employee, graded A and long not contacted (so it is overdue for
a visit), with a class override whose reason carries the marker, a credit rating, a marked
investigation note, and a contact whose birthday is today. No new URL parameters: the pages
take ``customer_id``, which the customer canaries already provide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MARKER = "CANARY"


def provide(*, company: Any, emp: Any, values: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from xiaoguan.customers import services as customers
    from xiaoguan.customers.models import Customer
    from xiaoguan.customers.services import classification, credit

    customer = customers.customer_create(
        actor=emp,
        data=customers.CustomerData(
            name=f"{MARKER}-CLASS-CUSTOMER", purchase_potential="high", purchase_intent="high"
        ),
    )
    classification.class_override(
        customer=customer,
        actor=company.mgr_west,
        customer_class="A",
        reason=f"{MARKER}-OVERRIDE-REASON",
    )
    classification.grade_set(customer=customer, actor=company.mgr_west, grade="A")
    Customer.objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timedelta(days=400),
        last_contact_at=timezone.now() - timedelta(days=200),
    )
    credit.credit_set(
        customer=customer, actor=company.finance1, rating="C", limit="1000", reason=MARKER
    )
    credit.credit_note_add(customer=customer, actor=emp, content=f"{MARKER}-CREDIT-NOTE")
    today = timezone.localdate()
    birthday = today.replace(year=1980) if (today.month, today.day) != (2, 29) else today
    customers.contact_create(
        customer=customer,
        actor=emp,
        data=customers.ContactData(name=f"{MARKER}-BIRTHDAY-CONTACT", birthday=birthday),
    )
    return {}
