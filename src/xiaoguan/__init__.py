"""Xiaoguan (销管): sales management for B2B companies."""

from xiaoguan.celery import app as celery_app

__all__ = ["celery_app"]
