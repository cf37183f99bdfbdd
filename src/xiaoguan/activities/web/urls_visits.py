"""Pages of the visits part of activities; included in ``activities/web/urls.py`` (namespace "activities")."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
