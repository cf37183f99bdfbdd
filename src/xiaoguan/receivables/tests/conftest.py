"""The receivables tests read messages in English (the msgids), whatever the translations say:
services run under ``translation.override("en")`` and pages are asked for in English."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
