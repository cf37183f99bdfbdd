"""API of the leads part of customers, mounted on the customers router."""

from ninja import Router

router = Router()
