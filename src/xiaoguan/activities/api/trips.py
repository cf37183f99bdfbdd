"""API of the trips part of activities, mounted on the activities router."""

from ninja import Router

router = Router()
