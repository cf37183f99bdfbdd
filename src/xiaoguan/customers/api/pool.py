"""API of the pool part of customers, mounted on the customers router."""

from ninja import Router

router = Router()
