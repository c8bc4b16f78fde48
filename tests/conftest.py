"""
The suite's shared set-up. The tests mirror the code's layers (docs/architecture.md):
``tests/<app>/`` holds the tests of ``<app>/``, ``tests/<app>/api/`` those of its API.
Fixtures used across the tree live in ``tests/fixtures/`` (loaded below); factories in
``tests/factories.py``; API helpers in ``tests/api_helpers.py``.
"""

import pytest

# The fixture modules are plugins (below) and this file imports one of them: register them for
# pytest's assertion rewriting before that import, or pytest warns it cannot rewrite them.
pytest.register_assert_rewrite("tests.fixtures")

from django.core.management import call_command  # noqa: E402 (after the registration above)
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from curation.dataset import default_paths  # noqa: E402
from orgs import landscape  # noqa: E402
from tests.fixtures.curation import note_roles, restore_roles  # noqa: E402

pytest_plugins = ["tests.fixtures.api", "tests.fixtures.curation", "tests.fixtures.public"]


# What the session's set-up leaves for the hooks below: the database blocker.
SESSION = {}


def load_method():
    call_command("load_dataset", str(default_paths()[0]), verbosity=0)


def is_transactional(item):
    """Whether the test runs outside a rolled-back transaction, so that its database is flushed at the end."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """
    Every test database starts with the method (features, sub-conditions, families). The
    roles the migrations granted are noted (``tests.fixtures.curation.ROLES``), so that a
    transactional test can restore them after an earlier one flushed the database.
    """
    SESSION["db_blocker"] = django_db_blocker
    with django_db_blocker.unblock():
        load_method()
        note_roles()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """
    A transactional test ends by flushing every table: the method and the roles come back, so
    that what runs next on this worker finds the database as ``django_db_setup`` left it. (In a
    single process the transactional tests run last; under pytest-xdist a worker takes test files
    in turn, and a file of ordinary tests may follow a transactional one.) Before another
    transactional test, or at the end, nothing is loaded: that test starts from a flushed
    database as it always did.
    """
    result = yield
    if is_transactional(item) and nextitem is not None and not is_transactional(nextitem):
        with SESSION["db_blocker"].unblock():
            load_method()
            restore_roles()
    return result


@pytest.fixture(scope="module")
def shipped_dataset(django_db_setup, django_db_blocker):
    """
    The whole shipped dataset, loaded once per test module inside a transaction that is
    rolled back when the module ends (loading it takes tens of seconds).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_dataset", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def full_dataset(shipped_dataset, db):
    """The shipped dataset; each test runs in its own savepoint, so what it changes is undone."""


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
