"""Security headers and production hardening."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_security_headers_on_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_check_deploy_reports_no_warning_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(
        SSE_MAP_ENV="production", SECRET_KEY="p" * 20 + "Q" * 20 + "1234567890", ALLOWED_HOSTS="example.org"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only_and_hsts_is_on():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(SSE_MAP_ENV="production", SECRET_KEY="s" * 50, ALLOWED_HOSTS="example.org")
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "True", "False"], result.stderr


def test_security_headers_on_an_api_response(client):
    """The API answers with the same hardening headers as the pages: CSP, nosniff, referrer policy, frame denial."""
    response = client.get("/api/v1/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
