"""API of the reports part of activities, mounted on the activities router."""

from ninja import Router

router = Router()
