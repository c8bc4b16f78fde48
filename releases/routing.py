"""
Reading a release: each release is materialised once as its own SQLite database (migrated, its
frozen rows loaded), cached in ``SSE_MAP_RELEASES_DIR`` and registered as a database alias at
runtime. Within ``reading(release)`` (``ReleaseMiddleware`` for ``?release=``) the router sends
every query on the curated apps to that alias; users, tokens and sessions stay on the default
database. Outside it the router has no opinion (the replica router decides).
"""

import contextlib
import contextvars
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from core.search import search_text_field

PREFIX = "release_"
# The apps a release holds (curation's tables, the tombstones, are empty in a release).
FROZEN_APPS = {"countries", "orgs", "curation"}

_alias = contextvars.ContextVar("sse_map_release_alias", default=None)
# While a release database is built: every model (the migrations' data steps included) goes there.
_everything = contextvars.ContextVar("sse_map_release_everything", default=False)
_lock = threading.Lock()


class ReleaseRouter:
    def _route(self, model):
        alias = _alias.get()
        if alias is not None and (_everything.get() or model._meta.app_label in FROZEN_APPS):
            return alias
        return None

    def db_for_read(self, model, **hints):
        return self._route(model)

    def db_for_write(self, model, **hints):
        return self._route(model)

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return True if db.startswith(PREFIX) else None


def active_alias():
    return _alias.get()


@contextlib.contextmanager
def routed_to(alias, everything=False):
    _attach(alias)
    token, token_all = _alias.set(alias), _everything.set(everything)
    try:
        yield
    finally:
        _alias.reset(token)
        _everything.reset(token_all)


def within(alias, chunks):
    """A streamed body read from ``alias`` (the middleware has returned by the time it is iterated)."""
    with routed_to(alias):
        yield from chunks


# The release databases known to this process: alias -> file. Each thread opens its own
# connection to it when it first reads it (connections are per thread); the aliases are not
# added to settings.DATABASES, so nothing that iterates every database (request-end checks,
# the test runner's) meets them.
_paths = {}


def _attach(alias):
    if not hasattr(connections._connections, alias):
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_paths[alias])}
        config = connections.configure_settings({"default": config})["default"]
        connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)


def _detach(alias):
    if hasattr(connections._connections, alias):
        connections[alias].close()
        del connections[alias]


# The curated rows a release freezes (not their history, the review requests or the public's
# suggestions), in the order they are loaded: the cells before their types, because saving a
# new type creates its missing cells (orgs.signals), which would then clash with the frozen ones
# (loaddata checks the foreign keys at the end).
FROZEN_MODELS = [
    "countries.Source",
    "countries.Country",
    "countries.Law",
    "countries.LawEvent",
    "orgs.Feature",
    "orgs.SubCondition",
    "orgs.Family",
    "orgs.Assessment",
    "orgs.Reference",
    "orgs.OrganizationType",
    "orgs.LegalBasis",
    "countries.Statistic",
    "orgs.Claim",
]


def freeze() -> bytes:
    """Every frozen model's rows as Django fixture JSON, in a fixed order (same rows, same bytes)."""
    rows = []
    for label in FROZEN_MODELS:
        model = apps.get_model(label)
        rows.extend(json.loads(serializers.serialize("json", model._base_manager.order_by("pk"))))
    return json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()


def _build(alias, path, rows_json):
    """Migrate a new SQLite file, load the frozen rows, then write back what load-time signals recomputed."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    _paths[alias] = tmp
    try:
        with routed_to(alias, everything=True):
            call_command("migrate", database=alias, verbosity=0, interactive=False)
            with tempfile.TemporaryDirectory() as folder:
                fixture = Path(folder) / "release.json"
                fixture.write_bytes(rows_json)
                call_command("loaddata", str(fixture), database=alias, verbosity=0)
            # Loading a reference reclassifies its type as of today: put back the values as frozen.
            by_model = {}
            for obj in serializers.deserialize("json", rows_json):
                by_model.setdefault(type(obj.object), []).append(obj.object)
            for model, objects in by_model.items():
                fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                # The search text is derived: computed from the frozen fields (a release cut before
                # it was stored carries none).
                search_field = search_text_field(model)
                for obj in objects if search_field is not None else ():
                    search_field.compute(obj)
                model._base_manager.using(alias).bulk_update(objects, fields, batch_size=200)
    finally:
        _detach(alias)
        del _paths[alias]
    os.replace(tmp, path)


def alias_for(release):
    """The database alias holding ``release``'s rows, built the first time it is asked for."""
    folder = Path(settings.SSE_MAP_RELEASES_DIR)
    path = folder / f"{release.version}-{release.digest[:16]}.sqlite3"
    alias = PREFIX + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    with _lock:
        if _paths.get(alias) == path and path.exists():
            return alias
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            _build(alias, path, release.rows_json())
        _paths[alias] = path
    return alias


@contextlib.contextmanager
def reading(release):
    """Within this block, the curated apps are read from ``release``."""
    alias = alias_for(release)
    with routed_to(alias):
        yield alias
