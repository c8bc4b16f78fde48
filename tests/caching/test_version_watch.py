"""
With Redis, each process keeps a copy of the data version, kept current by the
pub/sub announcement that goes with every bump (``caching.version.VersionWatch``),
and serves responses it has served before from its own memory. These tests run
against the real Redis of the machine (skipped when there is none) and show that
a bump made elsewhere is seen by the very next request, that a dropped or silent
subscription can only make a process read more, and that hits need no round trip.
"""

import uuid

import pytest
import redis
from django.core.cache import caches
from django.db.models import QuerySet

from caching import version as data_version_module
from caching.middleware import local_responses
from caching.version import VERSION_CHANNEL, VERSION_KEY, WATCH, VersionWatch, bump_data_version, data_version
from tests.factories import OrganizationTypeFactory

REDIS_URL = "redis://127.0.0.1:6379/15"

pytestmark = pytest.mark.django_db


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not redis_available():
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-watch-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    WATCH._drop()
    yield caches["default"]
    WATCH._drop()
    raw = redis.Redis.from_url(REDIS_URL)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def bump_elsewhere(cache, new_version, announce=True):
    """What another process's ``bump_data_version`` does, through a connection of its own."""
    other = redis.Redis.from_url(REDIS_URL)
    pipe = other.pipeline(transaction=True)
    pipe.set(cache.make_key(VERSION_KEY), cache.client.encode(new_version))
    if announce:
        pipe.publish(cache.make_key(VERSION_CHANNEL), b"bumped")
    pipe.execute()


def test_a_bump_made_elsewhere_is_seen_by_the_next_read(redis_cache):
    first = WATCH.current()
    assert first == data_version()
    bump_elsewhere(redis_cache, "from-another-process")
    assert WATCH.current() == "from-another-process"


def test_the_copy_is_used_between_bumps_and_re_read_after_max_age(redis_cache):
    first = WATCH.current()
    # A write without the announcement (which our code never makes): the copy is kept...
    bump_elsewhere(redis_cache, "unannounced", announce=False)
    assert WATCH.current() == first
    # ...for at most max_age seconds.
    WATCH.read_at -= WATCH.max_age + 0.01
    assert WATCH.current() == "unannounced"


def test_our_bumps_are_announced_to_other_processes(redis_cache):
    other = VersionWatch()  # another worker's watch
    try:
        first = other.current()
        bump_data_version()
        assert other.current() not in (None, first)
        assert other.current() == data_version()
    finally:
        other._drop()


def test_a_dropped_subscription_falls_back_to_reading_the_version(redis_cache):
    WATCH.current()
    WATCH.pubsub.connection.disconnect()
    bump_elsewhere(redis_cache, "while-disconnected", announce=True)
    # The announcement was lost with the connection: the watch says it cannot vouch...
    assert WATCH.current() is None
    # ...and subscribes again (reading the version afresh) on the next request.
    assert WATCH.current() == "while-disconnected"


def test_pages_change_at_once_when_data_changes_elsewhere(client, redis_cache):
    org_type = OrganizationTypeFactory(name="Before the edit")
    url = org_type.get_absolute_url()
    assert "Before the edit" in client.get(url).content.decode()
    hit = client.get(url)
    assert hit["X-Cache"] == "hit"
    assert local_responses().get(next(reversed(local_responses().entries)))[0] == WATCH.version
    # Another process edits the record: its write bumps the version and announces it.
    QuerySet.update(type(org_type).objects.filter(pk=org_type.pk), name="After the edit")  # none of our hooks
    bump_elsewhere(redis_cache, "edited-elsewhere")
    fresh = client.get(url)
    assert fresh["X-Cache"] == "miss"
    assert "After the edit" in fresh.content.decode()


def test_a_hit_costs_no_round_trip_to_redis(client, redis_cache, monkeypatch):
    org_type = OrganizationTypeFactory()
    url = org_type.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    calls = []
    monkeypatch.setattr(data_version_module, "data_version", lambda: calls.append("read") or WATCH.version)
    monkeypatch.setattr(redis_cache, "get", lambda *a, **k: calls.append("get"))
    monkeypatch.setattr(redis_cache, "get_many", lambda *a, **k: calls.append("get_many"))
    assert client.get(url)["X-Cache"] == "hit"
    assert calls == []


def test_local_copies_are_bounded_in_bytes(settings):
    from caching.middleware import LocalResponses

    local = LocalResponses(max_bytes=100)
    local.put("a", ("v", 200, {}, b"x" * 60))
    local.put("b", ("v", 200, {}, b"x" * 30))
    assert local.get("a") is not None  # now the most recently used
    local.put("c", ("v", 200, {}, b"x" * 30))  # over 100 bytes: the least recently used (b) goes
    assert local.get("b") is None and local.get("a") is not None and local.get("c") is not None
    local.put("huge", ("v", 200, {}, b"x" * 101))
    assert local.get("huge") is None and local.size <= 100
