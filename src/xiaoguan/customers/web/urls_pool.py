"""Pages of the pool part of customers; included in ``customers/web/urls.py`` (namespace "customers")."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
