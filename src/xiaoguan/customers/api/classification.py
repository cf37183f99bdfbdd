"""API of the classification part of customers, mounted on the customers router."""

from ninja import Router

router = Router()
