"""Project-level guarantees: migrations in step, production settings fail fast."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _check(env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _check({"SSE_MAP_ENV": "production", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _check({"SSE_MAP_ENV": "production", "ALLOWED_HOSTS": "example.org", "SECRET_KEY": "short"})
    assert "needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _check({"SSE_MAP_ENV": "production", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_a_key_and_hosts():
    result = _check({"SSE_MAP_ENV": "production", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_serves_the_project_and_freezes_startup_objects(monkeypatch):
    import gc
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "sse_map.wsgi"
    assert config["workers"] == 3
    gc.unfreeze()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The default is the fast one (docs/performance.md, sixth pass): JIT off on every connection."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgres_jit_on_keeps_the_servers_setting():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    base = {k: v for k, v in os.environ.items() if k != "POSTGRES_JIT"}
    base.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/unused", DJANGO_SETTINGS_MODULE="sse_map.settings")
    for extra, expected in (({}, "-c jit=off"), ({"POSTGRES_JIT": "on"}, "")):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**base, **extra}, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected
