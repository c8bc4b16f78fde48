"""
Reads from the PostgreSQL streaming replica (``DATABASE_REPLICA_URL``), through Django's
database router.

- Anonymous reads (public pages, API GETs without credentials) go to the replica; writes,
  the admin and anything a signed-in user or a token holder reads go to the primary
  (read-your-writes). ``ReplicaMiddleware`` decides per request, ``PrimaryReplicaRouter``
  routes each query.
- Never behind the last write: every data version (``caching.version``) carries the
  primary's WAL position at the time of the write. A request uses the replica only when
  the replica has replayed at least that far; a replica that is behind (or whose position
  cannot be read, or when the version is unknown because Redis is down) means the primary.
  So a response cached under a version was built from data at least as new as that version.
- A replica that is down is skipped for ``REPLICA_RETRY_SECONDS``; a query that fails on it
  mid-request is answered again from the primary (the request is a read: safe to re-run).
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, Error, connections

from caching.version import lsn_of

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
_use_replica = contextvars.ContextVar("sse_map_use_replica", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _use_replica.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica receives everything through streaming replication


def _lsn(text):
    """A PostgreSQL LSN ('16/B374D848') as a number."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


class ReplicaState:
    """This process's knowledge of the replica: how far it has replayed, or that it is down."""

    def __init__(self):
        self.lock = threading.Lock()
        self.replayed = -1
        self.read_at = 0.0
        self.down_until = 0.0

    def reset(self):
        self.__init__()

    def mark_down(self, exc):
        retry = settings.REPLICA_RETRY_SECONDS
        logger.warning("Replica unavailable (%s): reading from the primary for %ss.", exc, retry)
        self.down_until = time.monotonic() + retry
        self.replayed = -1
        try:
            connections[REPLICA].close()
        except Error:
            pass

    def has_replayed(self, needed) -> bool:
        """Whether the replica is up and has replayed the WAL up to ``needed`` (a number)."""
        now = time.monotonic()
        if now < self.down_until:
            return False
        if self.replayed >= needed:
            return True  # positions only grow: an older reading that is far enough still holds
        with self.lock:
            if now - self.read_at < settings.REPLICA_RECHECK_SECONDS and self.replayed >= 0:
                return self.replayed >= needed
            try:
                with connections[REPLICA].cursor() as cursor:
                    cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()")
                    recovering, replayed = cursor.fetchone()
            except DatabaseError as exc:
                self.mark_down(exc)
                return False
            self.read_at = now
            self.replayed = _lsn(replayed) if recovering and replayed else -1
            return self.replayed >= needed


STATE = ReplicaState()


class ReplicaMiddleware:
    """After the response cache (which stamps ``request.data_version``): picks the database of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not has_replica() or not self.replica_allowed(request):
            return self.get_response(request)
        token = _use_replica.set(True)
        request.read_from_replica = True
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)

    def replica_allowed(self, request) -> bool:
        version = getattr(request, "data_version", None)
        if version is None or request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
            return False
        needed = lsn_of(version)
        return needed is not None and STATE.has_replayed(_lsn(needed))

    def process_exception(self, request, exception):
        """A read that failed on the replica (it stopped mid-request) is answered again from the primary."""
        if not getattr(request, "read_from_replica", False) or not isinstance(exception, Error):
            return None
        STATE.mark_down(exception)
        request.read_from_replica = False
        match = request.resolver_match
        token = _use_replica.set(False)
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response
        finally:
            _use_replica.reset(token)
