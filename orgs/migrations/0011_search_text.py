"""
The stored search text (issue 19, ``core.search``): the column, filled for existing rows, and
on PostgreSQL a trigram GIN index on it; the full-text GIN index of 0004 goes (nothing reads it).
"""

from django.db import migrations, models

from core.api.filters import search_index_operation
from core.search import fill_search_text_operation, trigram_index_operation

# The searched fields of each model, in order: the models' SearchTextField sources.
SOURCES = [
    ("orgs.Feature", ("name", "description")),
    ("orgs.SubCondition", ("name", "description")),
    ("orgs.Family", ("name", "description")),
    ("orgs.OrganizationType", ("name", "local_name", "description")),
]
TRIGRAM_INDEXES = [
    ("orgs.Feature", "feature_search_trgm"),
    ("orgs.SubCondition", "subcondition_search_trgm"),
    ("orgs.Family", "family_search_trgm"),
    ("orgs.OrganizationType", "orgtype_search_trgm"),
]
# 0004's full-text index, dropped (and made again when migrating backwards).
OLD_INDEXES = [("orgs.OrganizationType", "orgtype_search_gin", ("name", "local_name", "description"))]
_old = search_index_operation(OLD_INDEXES)


def search_text_field():
    return models.TextField(blank=True, default="", editable=False)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0010_roles_for_sources_and_method")]

    operations = [
        migrations.AddField(model_name="family", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="feature", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="organizationtype", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="subcondition", name="search_text", field=search_text_field()),
        fill_search_text_operation(SOURCES),
        trigram_index_operation(TRIGRAM_INDEXES),
        migrations.RunPython(_old.reverse_code, _old.code, elidable=False),
    ]
