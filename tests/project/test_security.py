"""Security headers and production hardening."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from core.api.throttling import AnonReadThrottle
from core.client import client_address
from orgs.models import OrganizationType

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


# --- One client address (core/client.py) behind 0, 1 or 2 proxies, for the throttle, the
# correction form's rate limit and the admin lockout alike; X-Forwarded-For cannot spoof it.

NGINX, BALANCER = "10.0.0.2", "10.0.0.1"


def via(proxies, visitor, spoof=None):
    """The request META a visitor's request has once it went through ``proxies`` proxies of ours."""
    if proxies == 0:
        meta = {"REMOTE_ADDR": visitor}
        if spoof:
            meta["HTTP_X_FORWARDED_FOR"] = spoof
        return meta
    hops = ([spoof] if spoof else []) + [visitor] + ([BALANCER] if proxies == 2 else [])
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": ", ".join(hops)}


@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_client_address_is_the_visitor_behind_our_proxies_and_cannot_be_spoofed(rf, settings, proxies):
    settings.NUM_PROXIES = proxies
    assert client_address(rf.get("/", **via(proxies, "203.0.113.7"))) == "203.0.113.7"
    # Whatever the visitor puts in X-Forwarded-For themselves is left of what our proxies wrote.
    spoofed = rf.get("/", **via(proxies, "203.0.113.7", spoof="198.51.100.1, 198.51.100.2"))
    assert client_address(spoofed) == "203.0.113.7"
    # A header shorter than our chain of proxies, or garbage, falls back to the connection's address.
    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="")) == "192.0.2.9"
    if proxies:
        garbage = "x" if proxies == 1 else "x, y"
        assert client_address(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=garbage)) == NGINX


def test_the_three_limits_read_the_one_client_address(settings):
    """The throttle, the rate limit and the lockout are configured to the same function."""
    assert settings.RATELIMIT_IP_META_KEY == settings.AXES_CLIENT_IP_CALLABLE == "core.client.client_address"
    settings.NUM_PROXIES = 1

    class Request:
        META = via(1, "203.0.113.7", spoof="1.2.3.4")

    assert AnonReadThrottle().get_ident(Request()) == "203.0.113.7"


@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_api_throttle_keys_on_the_visitor_not_on_a_forged_header(client, settings, proxies):
    settings.NUM_PROXIES = proxies
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    for _ in range(2):
        assert client.get("/api/v1/", **via(proxies, "203.0.113.7")).status_code == 200
    assert client.get("/api/v1/", **via(proxies, "203.0.113.7")).status_code == 429
    # A made-up X-Forwarded-For does not make a new visitor.
    for forged in ("198.51.100.1", "198.51.100.2, 198.51.100.3"):
        assert client.get("/api/v1/", **via(proxies, "203.0.113.7", spoof=forged)).status_code == 429
    # Another visitor behind the same proxies has a limit of their own.
    assert client.get("/api/v1/", **via(proxies, "203.0.113.8")).status_code == 200


@pytest.mark.parametrize("proxies", [1, 2])
def test_correction_form_rate_limit_keys_on_the_visitor(client, landscape, settings, proxies):
    settings.NUM_PROXIES = proxies
    org_type = OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")
    url = reverse("orgs:org-type-suggest", args=[org_type.slug])
    form = {"message": "The provision number is wrong: it is Art. 7.", "evidence_url": "", "contact": ""}
    for _ in range(5):
        assert client.post(url, form, **via(proxies, "203.0.113.7")).status_code == 302
    assert client.post(url, form, **via(proxies, "203.0.113.7")).status_code == 429
    assert client.post(url, form, **via(proxies, "203.0.113.7", spoof="198.51.100.1")).status_code == 429
    # Behind the proxy every visitor used to share one limit: another visitor is not limited.
    assert client.post(url, form, **via(proxies, "203.0.113.8")).status_code == 302


@pytest.mark.parametrize("proxies", [1, 2])
def test_admin_lockout_keys_on_the_visitor(client, settings, proxies):
    settings.NUM_PROXIES = proxies
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user("curator", password="correct-horse-battery-staple-42", is_staff=True)
    login = "/admin/login/?next=/admin/"
    wrong = {"username": "curator", "password": "wrong"}
    assert client.post(login, wrong, **via(proxies, "203.0.113.7")).status_code == 200
    assert client.post(login, wrong, **via(proxies, "203.0.113.7", spoof="198.51.100.1")).status_code == 429
    right = {"username": "curator", "password": "correct-horse-battery-staple-42"}
    # Still locked whatever the forged header says; another visitor signs in.
    assert client.post(login, right, **via(proxies, "203.0.113.7", spoof="198.51.100.9")).status_code == 429
    assert client.__class__().post(login, right, **via(proxies, "203.0.113.8")).status_code == 302


# --- The thanks page's "from" link (url_has_allowed_host_and_scheme).

@pytest.mark.parametrize(
    "target",
    ["/\\evil.example/x", "//evil.example/x", "https://evil.example/x", "https:evil.example", "javascript:alert(1)",
     "/\\/evil.example", "\\\\evil.example"],
)
def test_thanks_link_refuses_other_hosts_and_schemes(client, target):
    html = client.get(reverse("orgs:suggestion-thanks"), {"from": target}).content.decode()
    assert "evil.example" not in html and "javascript:" not in html


def test_thanks_link_keeps_a_path_on_this_site(client):
    html = client.get(reverse("orgs:suggestion-thanks"), {"from": "/orgs/some-type/"}).content.decode()
    assert 'href="/orgs/some-type/"' in html
