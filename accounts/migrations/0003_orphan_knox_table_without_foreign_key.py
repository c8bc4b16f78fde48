"""
knox's own migrations create its ``knox_authtoken`` table even though our tokens live in
``accounts.ApiToken`` (``KNOX_TOKEN_MODEL``): its 0001 does not mark the model swappable.
The table stays empty and no model maps it, so Django's flush (between transactional tests,
and ``manage.py flush``) does not empty it, and PostgreSQL refuses to TRUNCATE ``auth_user``
while that table's foreign key points at it. The foreign key goes; the table stays, so that
knox's later migrations still find it.
"""

from django.conf import settings
from django.db import migrations

KNOX_TABLE = "knox_authtoken"


def drop_foreign_keys(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or settings.KNOX_TOKEN_MODEL == "knox.AuthToken":
        return
    with connection.cursor() as cursor:
        if KNOX_TABLE not in connection.introspection.table_names(cursor):
            return
        constraints = connection.introspection.get_constraints(cursor, KNOX_TABLE)
        for name, info in constraints.items():
            if info["foreign_key"]:
                schema_editor.execute(
                    f"ALTER TABLE {schema_editor.quote_name(KNOX_TABLE)} DROP CONSTRAINT {schema_editor.quote_name(name)}"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_knox_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(drop_foreign_keys, migrations.RunPython.noop, elidable=False)]
