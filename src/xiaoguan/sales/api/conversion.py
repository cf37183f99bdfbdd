"""API of the conversion part of sales (R-CUS-4), mounted at ``/api/v1/sales/conversion``:
``POST /{lead_id}`` converts a lead into a customer (or attaches it to an existing one) and an
opportunity. A duplicate customer is a 409 ``customer_duplicate`` listing the matches the
caller may see (retry with ``attach_customer_id``); a second conversion is 409
``lead_converted``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from xiaoguan.core.api import require_rights
from xiaoguan.customers.models import Lead
from xiaoguan.customers.selectors import leads as lead_selectors
from xiaoguan.customers.services import CustomerData
from xiaoguan.sales.services import conversion as services

router = Router(tags=["sales"])


class CustomerIn(Schema):
    """The new customer's details; omitted fields are taken from the lead."""

    customer_name: str | None = Field(None, max_length=200)
    credit_code: str = Field("", max_length=30)
    customer_phone: str | None = Field(None, max_length=30)
    province: str | None = Field(None, max_length=12)
    city: str | None = Field(None, max_length=12)
    district: str | None = Field(None, max_length=12)
    street: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=20)
    equipment_demand: str | None = Field(None, max_length=2000)

    model_config = {"extra": "forbid"}


class ConversionIn(Schema):
    opportunity_name: str = Field(..., max_length=200)
    amount: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)
    expected_close: date
    probability: int | None = Field(None, ge=0, le=100)
    description: str = Field("", max_length=5000)
    customer: CustomerIn | None = None
    attach_customer_id: int | None = None

    model_config = {"extra": "forbid"}


class ConversionOut(Schema):
    lead_id: int
    customer_id: int
    customer_created: bool
    contact_id: int | None
    opportunity_id: int
    opportunity_number: str


@router.post(
    "/{int:lead_id}",
    response={201: ConversionOut},
    summary="Convert a lead into a customer and an opportunity",
)
def lead_convert(request, lead_id: int, payload: ConversionIn):
    user = require_rights(request, "leads.edit", "customers.edit")
    customer = None
    if payload.attach_customer_id is None:
        try:
            lead = lead_selectors.lead_get(user=user, lead_id=lead_id)
        except Lead.DoesNotExist:  # the service answers 404 for a lead out of scope
            lead = None
        if lead is not None:
            base = services.customer_data_from_lead(lead)
            given = payload.customer.model_dump(exclude_none=True) if payload.customer else {}
            renamed = {"customer_name": "name", "customer_phone": "phone"}
            customer = CustomerData(
                **{
                    **base.__dict__,
                    **{renamed.get(k, k): v for k, v in given.items()},
                }
            )
    result = services.lead_convert(
        actor=user,
        lead=lead_id,
        data=services.ConversionData(
            opportunity_name=payload.opportunity_name,
            amount=payload.amount,
            expected_close=payload.expected_close,
            probability=payload.probability,
            description=payload.description,
            customer=customer,
            attach_customer_id=payload.attach_customer_id,
        ),
    )
    return Status(
        201,
        ConversionOut(
            lead_id=result.lead.pk,
            customer_id=result.customer.pk,
            customer_created=result.customer_created,
            contact_id=result.contact.pk if result.contact else None,
            opportunity_id=result.opportunity.pk,
            opportunity_number=result.opportunity.number,
        ),
    )
