"""
Load the shipped dataset (``fixtures/``) idempotently.

The files are ordinary Django fixtures in YAML with natural keys, so
``loaddata`` reads them too. ``load_dataset`` differs from ``loaddata`` in
three ways a curated dataset needs:

* it upserts by natural key and writes a row only when a field the file
  gives has changed, so loading twice changes nothing (not even
  ``updated_at``, which partners mirror on);
* fields a file leaves out (e.g. a country's imported boundary) are kept;
* every row is validated (``full_clean``) and saved through the model, so the
  history records the load; one bad row aborts the whole load. The types the
  rows touch are reclassified once, at the end, and the whole landscape (law
  statuses, cells, classifications) is then brought up to date for today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import models, transaction

from core.statistics import refresh_statistics
from countries.querysets import refresh_laws_at_end
from orgs.landscape import refresh_all
from orgs.signals import reclassify_at_end

from .services import load_state

# libyaml's safe loader where PyYAML was built with it (ten times faster), else the pure-Python one.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Fields written by the system, never by a dataset file.
SYSTEM_FIELDS = {"created_at", "updated_at"}


def default_paths() -> list[Path]:
    """The shipped dataset in load order: the method, one file per country, then the research's claims."""
    root = Path(settings.BASE_DIR) / "fixtures"
    return [root / "method.yaml", *sorted((root / "countries").glob("*.yaml")), root / "claims.yaml"]


class DatasetError(Exception):
    """A dataset file that cannot be loaded; the message names the file and record."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_model: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def load_paths(paths, *, reason: str = "Dataset load") -> LoadReport:
    """Load every file in ``paths`` in one transaction; raise ``DatasetError`` on any problem."""
    report = LoadReport()
    with transaction.atomic():
        with reclassify_at_end(), refresh_laws_at_end():
            _load_files(paths, reason, report)
        refresh_all()
        refresh_statistics()  # on commit: the planner sees the rows just loaded
    return report


def _load_files(paths, reason, report):
    for path in paths:
        path = Path(path)
        try:
            records = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise DatasetError(f"{path.name}: cannot be read: {exc}") from exc
        if not isinstance(records, list):
            raise DatasetError(f"{path.name}: expected a list of records at the top level.")
        for index, record in enumerate(records, start=1):
            where = f"{path.name}, record {index}"
            _load_record(record, where, f"{reason}: {path.name}", report)


def _exact_decimals(record):
    """
    The record's fields with a YAML float given to a decimal field read as the decimal it
    was written as (``14.1``, not the binary float 14.0999...).
    """
    fields = dict(record["fields"])
    try:
        model = apps.get_model(record["model"])
    except (LookupError, ValueError):
        return fields  # the deserializer names the unknown model
    for name, value in fields.items():
        if isinstance(value, float):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.DecimalField):
                fields[name] = Decimal(repr(value))
    return fields


def _describe(record):
    fields = record.get("fields") or {}
    for key in ("slug", "code", "short_code", "name", "title"):
        if key in fields:
            return f"{record.get('model')} {key}={fields[key]!r}"
    return str(record.get("model"))


def _load_record(record, where, reason, report):
    if not isinstance(record, dict) or "model" not in record or not isinstance(record.get("fields"), dict):
        raise DatasetError(f"{where}: each record needs 'model' and a mapping of 'fields'.")
    if "pk" in record:
        raise DatasetError(f"{where}: use natural keys, not 'pk' (database ids differ between databases).")
    given = set(record["fields"])
    try:
        record = {**record, "fields": _exact_decimals(record)}
        (deserialized,) = serializers.deserialize("python", [record], handle_forward_references=False)
    except (
        DeserializationError,
        FieldDoesNotExist,
        LookupError,
        ObjectDoesNotExist,
        ValueError,
        TypeError,
    ) as exc:
        raise DatasetError(f"{where} ({_describe(record)}): {_root_message(exc)}") from exc

    incoming = deserialized.object
    model = type(incoming)
    report.by_model[model._meta.label] = report.by_model.get(model._meta.label, 0) + 1
    existing = model._default_manager.filter(pk=incoming.pk).first() if incoming.pk else None

    if existing is None:
        target = incoming
        target.pk = None
        changed_fields = given
    else:
        target = existing
        changed_fields = set()
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in SYSTEM_FIELDS or f.name not in given:
                continue
            new = getattr(incoming, f.attname)
            if getattr(target, f.attname) != new:
                if f.attname == "publication_status":
                    load_state(target, new)  # a protected state machine (core.models)
                else:
                    setattr(target, f.attname, new)
                changed_fields.add(f.name)

    m2m_changes = {}
    for name, pks in (deserialized.m2m_data or {}).items():
        wanted = {int(pk) if isinstance(pk, str) and pk.isdigit() else pk for pk in pks}
        current = set(getattr(target, name).values_list("pk", flat=True)) if target.pk else set()
        if wanted != current:
            m2m_changes[name] = wanted

    if existing is not None and not changed_fields and not m2m_changes:
        report.unchanged += 1
        return

    try:
        target.full_clean(exclude=[f.name for f in model._meta.many_to_many])
    except ValidationError as exc:
        raise DatasetError(f"{where} ({_describe(record)}): {_validation_message(exc)}") from exc
    target._change_reason = reason
    target.save()
    for name, pks in m2m_changes.items():
        getattr(target, name).set(pks)
    if existing is None:
        report.created += 1
    else:
        report.updated += 1


def _root_message(exc):
    while getattr(exc, "__cause__", None) is not None:
        exc = exc.__cause__
    text = str(exc)
    if isinstance(exc, ObjectDoesNotExist) or "matching query does not exist" in text:
        return f"refers to a record that does not exist ({text})"
    return text


def _validation_message(exc):
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
