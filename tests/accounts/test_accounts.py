"""Accounts: admin sign-in lockout, password rules, API tokens shown once and revocable."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
STRONG = "correct-horse-battery-staple-42"


@pytest.fixture
def staff(db):
    return User.objects.create_user("curator", password=STRONG, is_staff=True, is_superuser=True)


def attempt(client, password):
    return client.post(LOGIN, {"username": "curator", "password": password})


def test_admin_login_locks_out_after_the_failure_limit(client, staff, settings):
    """After AXES_FAILURE_LIMIT wrong passwords the sign-in is refused (429) with a clear message,
    even with the right password; failures below the limit leave the form usable."""
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = attempt(client, "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = attempt(client, "wrong-password")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Sign-in temporarily locked" in text and "Too many failed sign-in attempts (3)" in text
    assert "Try again in 0:15:00" in text
    assert attempt(client, STRONG).status_code == 429
    assert "_auth_user_id" not in client.session


def test_success_below_the_limit_resets_the_failures(client, staff, settings):
    """A successful sign-in clears earlier failures, so an analyst's typo never adds up to a lockout."""
    settings.AXES_FAILURE_LIMIT = 3
    attempt(client, "wrong-password")
    attempt(client, "wrong-password")
    assert attempt(client, STRONG).status_code == 302
    client.logout()
    attempt(client, "wrong-password")
    assert attempt(client, STRONG).status_code == 302


def test_lockout_is_per_username_and_address(client, staff, settings):
    """Another address can still sign in while one address is locked out of an account."""
    settings.AXES_FAILURE_LIMIT = 2
    attempt(client, "wrong")
    assert attempt(client, "wrong").status_code == 429
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert other.post(LOGIN, {"username": "curator", "password": STRONG}).status_code == 302


def test_failure_limit_and_cool_off_come_from_the_environment():
    """The limit and cool-off are read from AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "AXES_FAILURE_LIMIT": "7", "AXES_COOLOFF_MINUTES": "45"}
    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
    )
    assert result.stdout.split() == ["7", "0:45:00"], result.stderr


@pytest.mark.parametrize("weak", ["short1", "password1234", "123456789012", "curatorcurator"])
def test_weak_passwords_are_refused(weak):
    """Too short, common, all-numeric or close to the username: each is refused with a reason."""
    user = User(username="curatorcurator", email="c@example.org")
    with pytest.raises(ValidationError) as excinfo:
        validate_password(weak, user)
    assert excinfo.value.messages


def test_a_strong_password_passes():
    validate_password(STRONG, User(username="curator"))


def test_admin_password_change_refuses_a_weak_password(admin_client, admin_user):
    """The admin's password form applies the validators: a weak new password is not stored."""
    response = admin_client.post(
        f"/admin/auth/user/{admin_user.pk}/password/",
        {"password1": "qwerty", "password2": "qwerty", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password("qwerty") is False


def authorized(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # A bad token is a 401 even on a public read.
    return client.get("/api/v1/countries/").status_code


def test_command_shows_the_key_once_and_revokes_it(staff):
    """`api_token create` prints the key once; `list` masks it; `revoke` makes it stop working."""
    out = io.StringIO()
    call_command("api_token", "create", "curator", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert authorized(key) == 200

    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "curator" in listing.getvalue() and key not in listing.getvalue()
    assert key[:4] in listing.getvalue()

    with pytest.raises(CommandError, match="already has an API token"):
        call_command("api_token", "create", "curator", stdout=io.StringIO())

    call_command("api_token", "revoke", "curator", stdout=io.StringIO())
    assert authorized(key) == 401
    with pytest.raises(CommandError, match="has no API token"):
        call_command("api_token", "revoke", "curator", stdout=io.StringIO())


def test_replace_revokes_the_old_key(staff):
    first = io.StringIO()
    call_command("api_token", "create", "curator", stdout=first, stderr=io.StringIO())
    second = io.StringIO()
    call_command("api_token", "create", "curator", "--replace", stdout=second, stderr=io.StringIO())
    assert authorized(first.getvalue().strip()) == 401
    assert authorized(second.getvalue().strip()) == 200


def test_admin_shows_the_key_once_then_only_masked(admin_client, staff):
    """Created in the admin, the key appears in the confirmation message only; the list, the token's
    page and the admin history never show it; deleting the token revokes it."""
    response = admin_client.post("/admin/accounts/apitoken/add/", {"user": staff.pk}, follow=True)
    token = ApiToken.objects.get(user=staff)
    page = response.content.decode()
    assert token.key in page and "will not be shown again" in page

    for url in (
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        "/admin/",
        f"/admin/accounts/apitoken/{token.pk}/delete/",
    ):
        later = admin_client.get(url)
        assert later.status_code == 200, url
        assert token.key not in later.content.decode(), url
    assert token.key[:4] in admin_client.get("/admin/accounts/apitoken/").content.decode()
    from django.contrib.admin.models import LogEntry

    assert all(token.key not in entry.object_repr for entry in LogEntry.objects.all())

    assert authorized(token.key) == 200
    admin_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.filter(user=staff).exists()
    assert authorized(token.key) == 401
