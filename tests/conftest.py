import pytest
from django.core.management import call_command

from countries.dataset import default_paths


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the method (features, sub-conditions, families)."""
    with django_db_blocker.unblock():
        call_command("load_dataset", str(default_paths()[0]), verbosity=0)


@pytest.fixture
def full_dataset(db):
    """The whole shipped dataset, loaded inside the test's transaction."""
    call_command("load_dataset", verbosity=0)
