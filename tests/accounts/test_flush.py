"""The database can be emptied (manage.py flush, and between transactional tests) on every backend."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_users_although_knox_made_a_table_of_its_own():
    """knox's unmapped ``knox_authtoken`` table must not hold a foreign key that stops TRUNCATE auth_user."""
    User.objects.create_user("someone")
    call_command("flush", "--noinput", verbosity=0)
    assert not User.objects.exists()
    if connection.vendor != "postgresql":
        return  # SQLite's flush deletes rows with foreign keys unchecked; PostgreSQL's TRUNCATE refuses
    with connection.cursor() as cursor:
        if "knox_authtoken" in connection.introspection.table_names(cursor):
            constraints = connection.introspection.get_constraints(cursor, "knox_authtoken").values()
            assert not [c for c in constraints if c["foreign_key"]]
