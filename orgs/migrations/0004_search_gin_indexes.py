"""The GIN index of the organization types' ``?search=`` document (see countries 0004)."""

from django.db import migrations

from core.api.filters import search_index_operation

INDEXES = [
    ("orgs.OrganizationType", "orgtype_search_gin", ("name", "local_name", "description")),
]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_analyst_and_editor_groups")]

    operations = [search_index_operation(INDEXES)]
