"""
The data version: one cache key that changes whenever curated data changes.

Cached anonymous responses are keyed by it (``caching.middleware``), so a
bump makes every cached page and API response unreachable at once. Every
write path bumps it: model signals (save, delete, m2m changes; so the admin,
the API, the ORM, ``loaddata`` and imports), the querysets' bulk methods
(``DataVersionQuerySet``), and commands that write with raw deletes.

A write bumps it twice: at once, so that reads later in the same
transaction (and tests, whose transactions never commit) see fresh
responses, and again when the transaction commits, because between the two a
concurrent request may have cached the old rows under the first new version.
"""

import uuid

from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "sse-map:data-version"
CACHE_ALIAS = "default"


def _cache():
    return caches[CACHE_ALIAS]


def data_version() -> str:
    """The current data version (created on first use; never expires)."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_version_and(key):
    """The current data version and the value cached at ``key``, in one round trip to the cache."""
    cache = _cache()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = data_version()
    return version, found.get(key)


def bump_data_version() -> None:
    """Give the data a new version now."""
    _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def bump_on_commit(using=None) -> None:
    """Bump now and again when the current transaction on ``using`` commits."""
    bump_data_version()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump_data_version, using=using)
