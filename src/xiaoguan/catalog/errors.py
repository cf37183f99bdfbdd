"""Refusals of the catalog services; each has a stable code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoguan.core.errors import ApplicationError, Conflict, NotFound


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
