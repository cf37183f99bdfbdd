"""API of the conversion part of sales, mounted on the sales router."""

from ninja import Router

router = Router()
