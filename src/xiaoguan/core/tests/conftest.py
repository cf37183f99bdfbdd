import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The policy values are cached; a rolled-back test must not leak them to the next."""
    cache.clear()
    yield
    cache.clear()
