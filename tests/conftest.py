"""
The suite's shared set-up. The tests mirror the code's layers (docs/architecture.md):
``tests/<app>/`` holds the tests of ``<app>/``, ``tests/<app>/api/`` those of its API.
Fixtures used across the tree live in ``tests/fixtures/`` (loaded below); factories in
``tests/factories.py``; API helpers in ``tests/api_helpers.py``.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from curation.dataset import default_paths
from orgs import landscape

pytest_plugins = ["tests.fixtures.api", "tests.fixtures.curation", "tests.fixtures.public"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the method (features, sub-conditions, families)."""
    with django_db_blocker.unblock():
        call_command("load_dataset", str(default_paths()[0]), verbosity=0)


@pytest.fixture
def full_dataset(db):
    """The whole shipped dataset, loaded inside the test's transaction."""
    call_command("load_dataset", verbosity=0)


@pytest.fixture(autouse=True)
def _landscape_checked_today():
    """
    The stored landscape is kept current by the write paths in each test; the middleware's
    once-a-day refresh (orgs.landscape) is tested on its own, so it does not run per test.
    """
    landscape.checked["on"] = timezone.localdate()
    yield
    landscape.checked["on"] = None


@pytest.fixture(autouse=True)
def _fresh_cache(settings, request):
    """Each test gets its own empty local-memory cache (the response cache and the data version)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
