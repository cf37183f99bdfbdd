"""API of the data part of customers, mounted on the customers router."""

from ninja import Router

router = Router()
