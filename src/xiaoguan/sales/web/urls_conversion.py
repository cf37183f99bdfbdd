"""Pages of the conversion part of sales; included in ``sales/web/urls.py`` (namespace "sales")."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
