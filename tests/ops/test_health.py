"""/healthz and /readyz, the request id in the logs and the response, optional Sentry, gunicorn's settings."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers Redis there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


@pytest.mark.django_db
def test_healthz_answers_without_database_or_cache(client, django_assert_num_queries, settings):
    settings.CACHES = UNREACHABLE_REDIS
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"Database(alias='default')": "OK", "Cache(alias='default')": "OK"}
    assert "X-Cache" not in response  # never served from the response cache


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_is_unreachable_while_pages_still_answer(client, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/readyz?format=json")
    assert response.status_code == 500
    assert response.json()["Cache(alias='default')"] != "OK"
    assert response.json()["Database(alias='default')"] == "OK"
    assert client.get("/methodology/").status_code == 200


@pytest.mark.django_db
def test_the_request_id_is_taken_from_nginx_or_made_and_returned(client):
    given = "0123456789abcdef0123456789abcdef"  # nginx's $request_id
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    made = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    # Anything that is not an id (a forged log line) is replaced, never written to the logs.
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\n{\"level\": \"CRITICAL\"}")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def run(code, **env):
    environment = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
         "'sse_map.settings'); django.setup()\n" + code],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_logs_are_json_lines_with_the_request_id():
    code = (
        "from django.test import Client\nfrom django.utils import timezone\nfrom orgs import landscape\n"
        "landscape.checked['on'] = timezone.localdate()  # no database here: skip the daily refresh\n"
        "Client().get('/no-such-page/', HTTP_X_REQUEST_ID='0123456789abcdef0123456789abcdef')\n"
    )
    result = run(code, LOG_FORMAT="json")
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines, result.stderr
    not_found = next(line for line in lines if line["message"] == "Not Found: /no-such-page/")
    assert not_found["request_id"] == "0123456789abcdef0123456789abcdef"
    assert not_found["level"] == "WARNING" and not_found["logger"] == "django.request"
    assert not [line for line in result.stderr.splitlines() if line.startswith("Not Found")]  # not twice


def test_sentry_is_off_by_default_and_on_with_a_dsn():
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    off = run(code, SENTRY_DSN="")
    assert off.stdout.strip() == "False"
    on = run(code, SENTRY_DSN="https://public@sentry.invalid/1")
    assert on.stdout.strip() == "True"


def test_gunicorn_logs_access_recycles_workers_and_times_out():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.accesslog == "-" and "x-request-id" in conf.access_log_format
    assert conf.timeout == 30 and conf.graceful_timeout == 30
    assert conf.max_requests > 0 and conf.max_requests_jitter > 0
