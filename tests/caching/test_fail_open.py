"""
The response cache fails open (caching/version.py, caching/middleware.py): with Redis
unreachable every anonymous page and API read answers 200 from the database, writes go
through, the throttle and the rate limit let visitors by; once Redis is back, nothing
cached before the outage is served as current. These tests start a redis-server of their
own (so stopping it never touches the machine's shared Redis); skipped without the binary.
"""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from caching import version as version_module
from caching.version import WATCH
from countries.models import Country
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")
PAGES = ["/", "/methodology/", "/sources/", "/api/v1/", "/api/v1/countries/"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server on a free port, in a temporary folder, that the test stops and starts."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self, save=False):
        """Stop it; with ``save``, what it holds is written to disk and loaded again by the next start."""
        redis.Redis(port=self.port).shutdown(save=save, nosave=not save)
        self.process.wait(10)


@pytest.fixture
def own_redis(settings, tmp_path):
    if not REDIS_SERVER:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    WATCH._drop()
    version_module.PENDING["bump"] = False
    yield server
    WATCH._drop()
    version_module.PENDING["bump"] = False
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def country():
    return CountryFactory(code="FR", name="France")


def test_pages_and_api_answer_200_with_redis_unreachable(client, own_redis, country):
    for url in PAGES:
        assert client.get(url)["X-Cache"] == "miss", url
    own_redis.stop()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["X-Cache"] == "off"


def test_a_write_while_redis_is_down_is_shown_at_once_and_after_it_is_back(client, own_redis, country):
    """The write succeeds and shows; a Redis that comes back holding the old entries never serves them."""
    assert b"France" in client.get("/").content
    assert client.get("/")["X-Cache"] == "hit"
    own_redis.stop(save=True)  # comes back with the old version and the old page
    Country.objects.filter(pk=country.pk).update(name="Republic of France")
    down = client.get("/")
    assert down.status_code == 200 and b"Republic of France" in down.content
    own_redis.start()
    assert caches["default"].get("sse-map:data-version") is not None  # the old entries are really there
    back = client.get("/")
    assert b"Republic of France" in back.content and back["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"


def test_a_reader_that_saw_the_outage_drops_old_entries_too(client, own_redis, country):
    """Even a process that wrote nothing (the write came from elsewhere) bumps once Redis is back."""
    client.get("/")
    own_redis.stop(save=True)
    assert client.get("/")["X-Cache"] == "off"
    # Another process renames it (its bump is lost with Redis down): simulated without signals.
    Country.objects.filter(pk=country.pk).update(name="Republic of France")
    version_module.PENDING["bump"] = True  # what this process itself noted when its read failed
    own_redis.start()
    assert b"Republic of France" in client.get("/").content


def test_throttle_lets_visitors_by_when_it_cannot_count(client, own_redis, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    own_redis.stop()
    assert [client.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 200]
