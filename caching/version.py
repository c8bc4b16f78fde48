"""
The data version: one cache key that changes whenever curated data changes.

Cached anonymous responses are keyed by it (``caching.middleware``), so a
bump makes every cached page and API response unreachable at once. Every
write path bumps it: model signals (save, delete, m2m changes; so the admin,
the API, the ORM, ``loaddata`` and imports), the querysets' bulk methods
(``DataVersionQuerySet``), and commands that write with raw deletes.

Redis unreachable (fail open): the version reads as None, which ``caching.middleware``
takes to mean "no cache": every request is rendered from the database, nothing is stored.
A bump that cannot reach Redis is remembered (``PENDING``) and made before this process
next reads a version, and any process that saw Redis fail bumps once it is back: entries
written before the outage are never served as current after it. (A Redis that restarts
empty, as the cache should be run, has nothing stale anyway: docs/deploy.md.)

A write bumps it twice: at once, so that reads later in the same
transaction (and tests, whose transactions never commit) see fresh
responses, and again when the transaction commits, because between the two a
concurrent request may have cached the old rows under the first new version.
"""

import logging
import os
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

VERSION_KEY = "sse-map:data-version"
# Every bump is also announced here (Redis pub/sub), so processes need not read the version per request.
VERSION_CHANNEL = "sse-map:data-version-bumped"
CACHE_ALIAS = "default"
# The databases: writes on the primary; the replica, when configured, for anonymous reads (ops/replica.py).
PRIMARY_ALIAS, REPLICA_ALIAS = "default", "replica"

logger = logging.getLogger(__name__)

# Set when this process could not reach Redis (a bump failed, or a read did): the next
# successful contact bumps first, so nothing cached before the outage reads as current.
PENDING = {"bump": False}


# What "the cache is unreachable" raises (redis-py's and django-redis's errors). With
# django-redis's IGNORE_EXCEPTIONS (settings/caching.py) plain cache calls answer None
# instead; a version that still reads None is taken the same way.
CACHE_ERRORS = (RedisError, ConnectionInterrupted)


def _cache():
    return caches[CACHE_ALIAS]


def _unreachable(exc) -> None:
    if not PENDING["bump"]:
        logger.warning("Cache unreachable (%s): serving uncached until it is back.", exc)
    PENDING["bump"] = True


def _settle_pending() -> bool:
    """Make the bump owed since an outage; False while Redis is still unreachable."""
    if not PENDING["bump"]:
        return True
    try:
        _write_new_version()
    except CACHE_ERRORS as exc:
        _unreachable(exc)
        return False
    PENDING["bump"] = False
    logger.warning("Cache reachable again: data version bumped, entries from before the outage dropped.")
    return True


def data_version() -> str | None:
    """The current data version (created on first use; never expires); None if the cache is unreachable."""
    if not _settle_pending():
        return None
    cache = _cache()
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, new_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    except CACHE_ERRORS as exc:
        _unreachable(exc)
        return None
    if version is None:  # django-redis ignored the error: the cache is unreachable all the same
        _unreachable("no answer")
    return version


def data_version_and(key):
    """The current data version and the value cached at ``key``, in one round trip; (None, None) if unreachable."""
    if not _settle_pending():
        return None, None
    cache = _cache()
    try:
        found = cache.get_many([VERSION_KEY, key])
    except CACHE_ERRORS as exc:
        _unreachable(exc)
        return None, None
    version = found.get(VERSION_KEY)
    if version is None:
        version = data_version()
    return version, found.get(key) if version is not None else None


def is_redis(cache) -> bool:
    """Whether ``cache`` is django-redis (shared by every process), not a per-process cache."""
    return hasattr(getattr(cache, "client", None), "get_client")


def new_version() -> str:
    """
    A new version. With a read replica, it starts with the primary's WAL position now
    ("16/B374D848:<random>"): reads go to the replica only once it has replayed that far
    (ops/replica.py), so nothing cached under this version predates the write.
    """
    lsn = None
    if REPLICA_ALIAS in settings.DATABASES and connections[PRIMARY_ALIAS].vendor == "postgresql":
        with connections[PRIMARY_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            lsn = cursor.fetchone()[0]
    return f"{lsn}:{uuid.uuid4().hex}" if lsn else uuid.uuid4().hex


def lsn_of(version):
    """The primary's WAL position a version was made at ("16/B374D848"), or None."""
    head, sep, _ = (version or "").partition(":")
    return head if sep else None


def _write_new_version() -> None:
    cache, version = _cache(), new_version()
    if not is_redis(cache):
        cache.set(VERSION_KEY, version, timeout=None)
        return
    pipe = cache.client.get_client(write=True).pipeline(transaction=True)
    pipe.set(cache.make_key(VERSION_KEY), cache.client.encode(version))
    pipe.publish(cache.make_key(VERSION_CHANNEL), b"bumped")
    pipe.execute()
    WATCH.forget()


def bump_data_version() -> None:
    """
    Give the data a new version now (on Redis: and announce it, in one transaction). If the
    cache is unreachable the write goes on (fail open) and the bump is made once it is back.
    """
    try:
        _write_new_version()
    except CACHE_ERRORS as exc:
        _unreachable(exc)


class VersionWatch:
    """
    This process's copy of the data version, kept current by Redis pub/sub.

    Every bump is announced on ``VERSION_CHANNEL`` in the same transaction as
    the new version is written. The process subscribes (and waits for Redis to
    confirm) before it first reads the version, so no bump can fall between;
    each request then drains the subscription with a non-blocking read, and
    any message makes it read the version again. A request that starts after a
    bump was written therefore sees it, without a round trip to Redis per
    request. If the subscription drops (redis-py reconnects it by itself,
    losing what was announced meanwhile) or anything fails, ``current()``
    answers None and the caller reads the version itself, as without a watch;
    the next request subscribes afresh. The copy is also re-read every
    ``max_age`` seconds, which bounds how long a silently broken connection
    could go unnoticed.
    """

    max_age = 1.0

    def __init__(self):
        self.lock = threading.RLock()  # re-entered: a bump owed since an outage is made while reading
        self.pid = None
        self.pubsub = None
        self.version = None
        self.read_at = 0.0
        self.reconnected = False

    def _on_connect(self, connection):
        # redis-py reconnects a dropped subscription by itself: bumps sent meanwhile were lost.
        self.reconnected = True

    def forget(self):
        with self.lock:
            self.version = None

    def _drop(self):
        pubsub, self.pubsub, self.version = self.pubsub, None, None
        if pubsub is not None and self.pid == os.getpid():
            try:
                pubsub.close()
            except Exception:  # noqa: BLE001 - a broken connection is what is being dropped
                pass

    def _subscribe(self, cache):
        pubsub = cache.client.get_client(write=False).pubsub()
        pubsub.subscribe(cache.make_key(VERSION_CHANNEL))
        deadline = time.monotonic() + 2.0
        while True:
            message = pubsub.get_message(timeout=max(0.0, deadline - time.monotonic()))
            if message is not None and message["type"] == "subscribe":
                self.reconnected = False
                pubsub.connection.register_connect_callback(self._on_connect)
                return pubsub
            if time.monotonic() >= deadline:
                pubsub.close()
                raise TimeoutError("Redis did not confirm the subscription to data-version bumps.")

    def current(self):
        """The current data version, or None when there is no watch (not Redis, or it failed)."""
        cache = _cache()
        if not is_redis(cache):
            return None
        with self.lock:
            if self.pid != os.getpid():  # a forked worker: the parent's connection is not ours
                self.pubsub, self.version, self.pid = None, None, os.getpid()
            try:
                if self.pubsub is None:
                    self.pubsub = self._subscribe(cache)
                    self.version = None
                while self.pubsub.get_message(timeout=0.0) is not None:
                    self.version = None
                if self.reconnected:
                    raise ConnectionError("the subscription was re-established; bumps may have been missed")
                now = time.monotonic()
                if self.version is None or now - self.read_at > self.max_age:
                    self.version, self.read_at = data_version(), now
                if self.version is None:
                    raise ConnectionError("the data version could not be read")
                return self.version
            except Exception as exc:  # noqa: BLE001 - any failure: no watch, the caller reads the version itself
                logger.warning("Data-version watch stopped (%s); reading the version per request.", exc)
                self._drop()
                return None


WATCH = VersionWatch()


def bump_on_commit(using=None) -> None:
    """Bump now and again when the current transaction on ``using`` commits."""
    bump_data_version()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump_data_version, using=using)
