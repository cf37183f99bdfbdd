"""Refusals of the catalog services; each has a stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed


class ProductInvalid(ApplicationError):
    code = "product_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class CategoryInvalid(ApplicationError):
    code = "category_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class UnitInvalid(ApplicationError):
    code = "unit_invalid"
    status = 422

    def default_message(self) -> Any:
        return _("Some fields are not valid.")


class CodeTaken(Conflict):
    """Two people saved the same code at once; the later one is told, nothing is saved."""

    code = "code_taken"

    def default_message(self) -> Any:
        return _("This code is already used.")


class ProductNotFound(NotFound):
    code = "not_found"

    def default_message(self) -> Any:
        return _("Product not found.")


class StockInvalid(ValidationFailed):
    """A stock operation or warehouse edit refused (bad quantity, unit, warehouse ...)."""

    code = "stock_invalid"


class StockShortage(StockInvalid):
    """Fewer units are available (on hand minus reserved) than wanted. ``wanted`` and
    ``available`` are in the product's base unit; the API body carries both."""

    code = "stock_shortage"

    def __init__(
        self,
        message: Any = None,
        *,
        product_id: int,
        warehouse_id: int,
        wanted: Any,
        available: Any,
        **kwargs: Any,
    ) -> None:
        self.product_id = product_id
        self.warehouse_id = warehouse_id
        self.wanted = wanted
        self.available = available
        extra = {
            "product_id": product_id,
            "warehouse_id": warehouse_id,
            "wanted": str(wanted),
            "available": str(available),
        }
        extra.update(kwargs.pop("extra", None) or {})
        super().__init__(message, extra=extra, **kwargs)

    def default_message(self) -> Any:
        return _("Not enough stock.")
