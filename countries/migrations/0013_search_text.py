"""
The stored search text (issue 19, ``core.search``): the column, filled for existing rows, and
on PostgreSQL a trigram GIN index on it; the full-text GIN indexes of 0004 go (nothing reads them).
"""

from django.db import migrations, models

from core.api.filters import search_index_operation
from core.search import fill_search_text_operation, trigram_index_operation

# The searched fields of each model, in order: the models' SearchTextField sources.
SOURCES = [
    ("countries.Source", ("title", "publisher", "locator", "note")),
    ("countries.Country", ("name", "local_name", "narrative")),
    ("countries.Law", ("title", "local_title", "short_title", "citation", "summary")),
    ("countries.Statistic", ("label", "note")),
]
TRIGRAM_INDEXES = [
    ("countries.Source", "source_search_trgm"),
    ("countries.Country", "country_search_trgm"),
    ("countries.Law", "law_search_trgm"),
    ("countries.Statistic", "statistic_search_trgm"),
]
# 0004's full-text indexes, dropped (and made again when migrating backwards).
OLD_INDEXES = [
    ("countries.Country", "country_search_gin", ("name", "local_name", "narrative")),
    ("countries.Law", "law_search_gin", ("title", "local_title", "short_title", "citation", "summary")),
    ("countries.Statistic", "statistic_search_gin", ("label", "note")),
    ("countries.Source", "source_search_gin", ("title", "publisher", "locator", "note")),
]
_old = search_index_operation(OLD_INDEXES)


def search_text_field():
    return models.TextField(blank=True, default="", editable=False)


class Migration(migrations.Migration):
    dependencies = [("countries", "0012_requests_for_sources_and_method")]

    operations = [
        migrations.AddField(model_name="country", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="law", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="source", name="search_text", field=search_text_field()),
        migrations.AddField(model_name="statistic", name="search_text", field=search_text_field()),
        fill_search_text_operation(SOURCES),
        trigram_index_operation(TRIGRAM_INDEXES),
        migrations.RunPython(_old.reverse_code, _old.code, elidable=False),
    ]
