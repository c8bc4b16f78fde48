"""
GIN indexes for the API's full-text search (``?search=``) on PostgreSQL.

Each index covers exactly the document ``sse_map.api.filters.search`` builds
from the filterset's ``search_fields`` (same fields, same order, same text
search configuration), so the search is answered from the index instead of
computing the document for every row. Other databases get no index.
"""

from django.db import migrations

from sse_map.api.filters import search_index_operation

INDEXES = [
    ("orgs.OrganizationType", "orgtype_search_gin", ("name", "local_name", "description")),
]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_analyst_and_editor_groups")]

    operations = [search_index_operation(INDEXES)]
