"""
The replica router against a real PostgreSQL primary and streaming replica: those of
``make cluster`` (ops/cluster.py). Skipped, saying so, when that cluster is not running.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops import cluster

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def probe():
    if not (cluster.pg_ready(cluster.PG_PORT) and cluster.pg_ready(cluster.REPLICA_PORT) and cluster.redis_up()):
        pytest.skip("no cluster running: start one with `make cluster` (a PostgreSQL primary and a streaming replica)")
    env = {**cluster.app_env(), "DJANGO_SETTINGS_MODULE": "sse_map.settings", "LOG_FORMAT": "text"}
    env.pop("PYTEST_CURRENT_TEST", None)
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "ops" / "replica_probe.py")], cwd=ROOT,
                            env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_two_databases_are_a_primary_and_a_replica(probe):
    assert probe["default_in_recovery"] is False and probe["replica_in_recovery"] is True


def test_anonymous_reads_land_on_the_replica(probe):
    assert probe["anonymous"]["status"] == 200
    assert probe["anonymous"]["replica"] > 0 and probe["anonymous"]["primary"] == 0


def test_writes_land_on_the_primary(probe):
    assert probe["write"] == {"replica_queries": 0, "on_primary": True}


def test_the_admin_reads_on_the_primary(probe):
    assert probe["admin"]["status"] == 200
    assert probe["admin"]["replica"] == 0 and probe["admin"]["primary"] > 0


def test_a_replica_behind_the_last_write_is_not_read(probe):
    assert probe["lagging"]["status"] == 200
    assert probe["lagging"]["replica"] == 1  # only the check of its replay position
    assert probe["lagging"]["primary"] > 0
    assert probe["caught_up"]["replica"] > 1 and probe["caught_up"]["primary"] == 0


def test_a_stopped_replica_falls_back_to_the_primary(probe):
    assert probe["replica_down"]["status"] == 200
    assert probe["replica_down"]["primary"] > 0


if os.environ.get("SSE_MAP_SKIP_CLUSTER"):
    pytestmark = pytest.mark.skip("SSE_MAP_SKIP_CLUSTER is set")
