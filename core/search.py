"""
The stored search text (issue 19): the one rule that turns a record's searched fields into
the text ``?search=`` reads, kept in step on every write path.

A searchable model declares ``search_text = SearchTextField(sources=(...))``, its sources
being its filterset's ``search_fields``, in order. The column holds, one line per field, the
field's words ``normalise``d and single-spaced, every line ending in a newline. So:

- a query word (never blank, never spanning whitespace) occurs in one of the fields exactly
  when it occurs in the column: ``search_text__contains=word``, answered on PostgreSQL from a
  trigram GIN index (``trigram_index_operation``), on every database the same (both sides are
  already case folded, so the database's own case rules never apply);
- the first field (the name or title that ranks the results) is the text before the first
  newline.

It is written by ``SearchTextField.pre_save`` (``save()``, ``bulk_create``), by
``TimeStampedModel.save`` when only some fields are saved, by ``SearchTextQuerySetMixin``
for ``bulk_update`` and ``update``, and after a raw save (``loaddata``) by
``store_search_text_of_raw_rows``; the data migrations call ``search_text`` too.
"""

import functools
import unicodedata

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models


def normalise(text):
    """Search text: Unicode NFKC (full-width forms, compatibility characters), case folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def fold(text):
    """One field's line of the stored search text: ``normalise``d, its runs of spaces single."""
    return " ".join(normalise(text).split())


def search_text(values):
    """The stored search text of a record whose searched fields hold ``values``, in order."""
    return "".join(fold(value) + "\n" for value in values)


@functools.cache
def search_text_field(model):
    """``model``'s ``SearchTextField``, or ``None``."""
    for field in model._meta.concrete_fields:
        if isinstance(field, SearchTextField):
            return field
    return None


def store_search_text_of_raw_rows(sender, instance, raw=False, using=None, **kwargs):
    """
    ``post_save``: a row saved raw (``loaddata``, which calls no ``pre_save``) gets the search
    text of its fields, whatever the fixture carried (the shipped fixtures carry none).
    """
    field = search_text_field(sender) if raw else None
    if field is None:
        return
    stored = getattr(instance, field.attname)
    if field.compute(instance) != stored:
        sender._base_manager.using(using).filter(pk=instance.pk).update(**{field.attname: instance.search_text})


class SearchTextField(models.TextField):
    """
    The stored search text of ``sources`` (field names of the model), computed on every
    save and bulk insert; never edited. The column is a plain TextField's (migrations
    record it as one: the sources are not part of the schema).
    """

    def __init__(self, *args, sources=(), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def compute(self, instance):
        value = search_text(getattr(instance, name) for name in self.sources)
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, model_instance, add):
        return self.compute(model_instance)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def with_search_text(model, fields):
    """
    ``fields`` (of a save or bulk update of ``model``) with the search text added when one of
    its sources is among them, and the field itself (``None`` when nothing to add).
    """
    field = search_text_field(model)
    if field is None or fields is None:
        return fields, None
    names = set(fields)
    if not names & {*field.sources, field.name}:
        return fields, None
    return [*fields, field.name] if field.name not in names else list(fields), field


# Migration operations -------------------------------------------------------------------------


def fill_search_text_operation(models_sources):
    """
    A data migration filling the search text of every row, for each ``(model label, sources)``
    of ``models_sources`` (the historical models know no ``SearchTextField``, so the sources are
    the migration's).
    """

    def forwards(apps, schema_editor):
        for label, sources in models_sources:
            model = apps.get_model(label)
            manager = model._base_manager.using(schema_editor.connection.alias)
            rows = []
            for row in manager.only("pk", *sources).order_by("pk").iterator(chunk_size=2000):
                row.search_text = search_text(getattr(row, name) for name in sources)
                rows.append(row)
                if len(rows) == 2000:
                    manager.bulk_update(rows, ["search_text"])
                    rows = []
            manager.bulk_update(rows, ["search_text"])

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


def trigram_index_operation(indexes):
    """
    On PostgreSQL only, the pg_trgm extension and, for each ``(model label, index name)`` of
    ``indexes``, a GIN trigram index on its ``search_text``, from which PostgreSQL answers
    ``search_text LIKE '%word%'`` (the ``contains`` lookup). Other databases get no index.
    """

    def build(apps):
        for label, name in indexes:
            yield apps.get_model(label), GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name=name)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for model, index in build(apps):
                schema_editor.add_index(model, index)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for model, index in build(apps):
                schema_editor.remove_index(model, index)

    return migrations.RunPython(forwards, backwards, elidable=False)
