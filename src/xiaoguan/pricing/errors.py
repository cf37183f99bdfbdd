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


# --- price approval requests (R-PRC-2, R-PRC-3; helper "price-requests") ---------------------


class PriceBelowRange(PricingError):
    """A quote or contract has lines below its owner's float range and no approved price
    request covers exactly those lines; ``extra["lines"]`` names them (no floor prices)."""

    code = "price_below_range"
    status = 422

    def default_message(self) -> Any:
        return _(
            "Some prices are below your price range; a price approval request is needed "
            "before this document can be submitted."
        )


class PriceRequestInvalid(PricingError):
    code = "price_request_invalid"


class PriceRequestNotNeeded(PriceRequestInvalid):
    """Every line is within the owner's float range: there is nothing to approve."""

    code = "price_request_not_needed"

    def default_message(self) -> Any:
        return _("Every price is within the range; no price approval is needed.")


class PriceRequestPending(PricingError):
    """A request for the same document is already waiting for approval."""

    code = "price_request_pending"
    status = 409

    def default_message(self) -> Any:
        return _("A price approval request for this document is already waiting for approval.")


class PriceRequestAlreadyApproved(PricingError):
    """An approved request already covers exactly these lines."""

    code = "price_request_already_approved"
    status = 409

    def default_message(self) -> Any:
        return _("An approved price request already covers exactly these prices.")
