"""
The planner's statistics after a bulk load (docs/performance.md). Right after
``load_dataset``, ``generate_synthetic`` or an import of thousands of rows,
PostgreSQL's autovacuum has not analyzed the new rows yet, and the planner plans
for empty tables: the type list took 660 ms and search 5-6 s until an ANALYZE.
"""

from django.apps import apps
from django.db import connections, transaction

# The apps whose tables bulk loads fill (by label: core imports no domain app).
CURATED_APPS = ("countries", "orgs")


def tables(app_labels=CURATED_APPS):
    out = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                out.append(model._meta.db_table)
    return sorted(set(out))


def refresh_statistics(app_labels=CURATED_APPS, using="default"):
    """
    ``ANALYZE`` the tables of these apps once the current transaction commits (at once
    outside one), so that the planner sees the rows just written. A no-op on a database
    that keeps no statistics to speak of (SQLite is analyzed as a whole, cheaply).
    """

    def analyze():
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                quote = connection.ops.quote_name
                cursor.execute("ANALYZE " + ", ".join(quote(name) for name in tables(app_labels)))
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    transaction.on_commit(analyze, using=using)
