"""
GIN indexes for the API's full-text search (``?search=``) on PostgreSQL.

Each index covers exactly the document ``core.api.filters.search`` builds
from the filterset's ``search_fields`` (same fields, same order, same text
search configuration), so the search is answered from the index instead of
computing the document for every row. Other databases get no index.
"""

from django.db import migrations

from core.api.filters import search_index_operation

INDEXES = [
    ("countries.Country", "country_search_gin", ("name", "local_name", "narrative")),
    ("countries.Law", "law_search_gin", ("title", "local_title", "short_title", "citation", "summary")),
    ("countries.Statistic", "statistic_search_gin", ("label", "note")),
    ("countries.Source", "source_search_gin", ("title", "publisher", "locator", "note")),
]


class Migration(migrations.Migration):
    dependencies = [("countries", "0003_workflow_permissions_and_review_requests")]

    operations = [search_index_operation(INDEXES)]
