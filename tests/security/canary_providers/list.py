"""Canaries of the customer list part: a saved filter and an attachment of the canary
employee (West region)."""

from __future__ import annotations

from typing import Any


def provide(*, company, emp, values) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    from xiaoguan.core.models import Attachment
    from xiaoguan.customers.models import Customer, SavedFilter

    saved = SavedFilter.objects.create(
        user=emp, page="customers", name="CANARY-FILTER", query="q=CANARY"
    )
    customer = Customer.objects.get(pk=values["customer_id"])
    # A row without a stored file: downloading it answers 404 for everyone, which is enough
    # to check that its name never shows outside the scope.
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=customer.pk,
        file="attachments/canary/missing.pdf",
        name="CANARY-ATTACHMENT.pdf",
        size=3,
        uploaded_by=emp,
    )
    return {"filter_id": saved.pk, "attachment_id": attachment.pk}
