"""
On the embedded SQLite default, concurrent write transactions wait their turn (WAL, an
immediate transaction mode, busy_timeout: settings/django.py) instead of failing with
"database is locked"; one that still fails is a JSON 503, never a 500 page.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import OperationalError
from django.http import HttpResponse

from ops.middleware import DatabaseBusyMiddleware
from public import views

ROOT = Path(__file__).resolve().parents[2]

# Twenty threads, each in a transaction that reads, pauses, then writes: with SQLite's
# default deferred transactions the read takes a shared lock that cannot be upgraded while
# another holds one, and SQLite answers "database is locked" at once, without waiting.
WRITERS = textwrap.dedent(
    """
    import json, sys, threading, time
    import django
    from django.conf import settings
    django.setup()
    from django.db import connection, transaction, OperationalError
    if sys.argv[1] == "deferred":
        settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = "DEFERRED"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS hits (n INTEGER)")
    connection.close()
    errors, barrier = [], threading.Barrier(20)

    def write():
        from django.db import connection
        barrier.wait()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM hits")
                    time.sleep(0.05)
                    cursor.execute("INSERT INTO hits VALUES (1)")
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(20)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hits")
        rows = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    print(json.dumps({"errors": errors, "rows": rows, "journal": mode}))
    """
)


def run_writers(tmp_path, mode):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "sse_map.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WRITERS, mode], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_concurrent_sqlite_writes_all_succeed(tmp_path):
    outcome = run_writers(tmp_path, "settings")
    assert outcome == {"errors": [], "rows": 20, "journal": "wal"}


def test_without_the_immediate_mode_the_same_writes_fail(tmp_path):
    """The test above can fail: SQLite's default transactions lose writes to 'database is locked'."""
    outcome = run_writers(tmp_path, "deferred")
    assert outcome["errors"] and all("locked" in error for error in outcome["errors"])
    assert outcome["rows"] == 20 - len(outcome["errors"])


def test_a_write_that_still_cannot_get_the_lock_is_a_json_503(rf):
    middleware = DatabaseBusyMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(rf.post("/admin/x/"), OperationalError("database is locked"))
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert response["Content-Type"] == "application/json"
    assert "nothing was saved" in json.loads(response.content)["detail"]
    # Other database errors are not hidden behind it.
    assert middleware.process_exception(rf.get("/"), OperationalError("no such table: x")) is None


@pytest.mark.django_db
def test_the_busy_answer_comes_through_the_whole_stack(client, monkeypatch):
    """A view whose transaction cannot get the lock answers the JSON 503 through the real middleware chain."""
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views.MethodologyView, "get", locked)
    response = client.get("/methodology/", HTTP_COOKIE="sessionid=x")
    assert response.status_code == 503 and response.json()["detail"].startswith("The database is busy")
