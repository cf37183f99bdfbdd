"""Refusals of the orders services; each has a stable code for the API.

Parts of the app append their own errors here (orders and credit control first, then
shipping)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied


class OrderNotFound(NotFound):
    code = "order_not_found"

    def default_message(self) -> Any:
        return _("Order not found.")


class OrderInvalid(ApplicationError):
    """An order (or its lines) that cannot be saved or submitted as typed."""

    code = "order_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields of the order are not valid.")


class OrderOverContract(OrderInvalid):
    """More would be ordered than remains of the contract's quantities."""

    code = "order_over_contract"

    def default_message(self) -> Any:
        return _("More is ordered than remains of the contract.")


class OrderPriceBelowRange(OrderInvalid):
    """A direct order's price is below the owner's float range (no price approval for
    direct orders: the price must be within the range or the order go through a contract)."""

    code = "order_price_below_range"


class OrderNotEditable(Conflict):
    code = "order_not_editable"

    def default_message(self) -> Any:
        return _("Only a draft or a returned order can be edited.")


class OwnOrderReview(PermissionDenied):
    code = "order_own_review"

    def default_message(self) -> Any:
        return _("You cannot review an order you drafted yourself.")


class CreditHoldNotFound(NotFound):
    code = "credit_hold_not_found"

    def default_message(self) -> Any:
        return _("Credit hold not found.")


class CreditHoldInvalid(ApplicationError):
    code = "credit_hold_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")
