"""Refusals of the pricing services; each has a stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError


class PricingError(ApplicationError):
    """Base of the pricing refusals."""

    code = "pricing_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class PriceMissing(PricingError):
    """No base price is in force for a product in a unit on a date; the message names the
    product."""

    code = "price_missing"
    status = 422

    def default_message(self) -> Any:
        return _("There is no base price for this product on this date.")


class PriceChangeInvalid(PricingError):
    code = "price_change_invalid"


class PromotionInvalid(PricingError):
    code = "promotion_invalid"


class DiscountRuleInvalid(PricingError):
    code = "discount_rule_invalid"


class FloatRangeInvalid(PricingError):
    code = "float_range_invalid"
