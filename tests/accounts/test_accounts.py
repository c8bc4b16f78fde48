"""Accounts: admin sign-in lockout, password rules, API tokens shown once and revocable."""

import hashlib
import io
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from rest_framework.authtoken.models import Token
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


def create(username="curator", name="sync", *extra):
    out = io.StringIO()
    call_command("api_token", "create", username, "--name", name, *extra, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_command_shows_the_key_once_and_revokes_it(staff):
    """`api_token create` prints the key once; `list` masks it; `revoke` makes it stop working."""
    key = create()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert authorized(key) == 200

    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "curator\tsync" in listing.getvalue() and key not in listing.getvalue()
    assert key[:8] in listing.getvalue()

    with pytest.raises(CommandError, match="already has an API token named 'sync'"):
        create()

    call_command("api_token", "revoke", "curator", "--name", "sync", stdout=io.StringIO())
    assert authorized(key) == 401
    with pytest.raises(CommandError, match="has no API token named 'sync'"):
        call_command("api_token", "revoke", "curator", "--name", "sync", stdout=io.StringIO())


def test_keys_are_stored_hashed_never_in_clear(staff):
    """The database holds a SHA-512 digest and the first 15 characters, never the key."""
    key = create()
    token = ApiToken.objects.get(user=staff)
    stored = " ".join(str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert key not in stored
    assert token.digest == hashlib.sha512(key.encode()).hexdigest() and token.token_key == key[:15]


def test_several_named_tokens_per_user_each_revocable(staff):
    first, second = create(name="dashboard"), create(name="nightly sync")
    assert authorized(first) == authorized(second) == 200
    call_command("api_token", "revoke", "curator", "--name", "dashboard", stdout=io.StringIO())
    assert (authorized(first), authorized(second)) == (401, 200)
    call_command("api_token", "revoke", "curator", "--all", stdout=io.StringIO())
    assert authorized(second) == 401


def test_tokens_expire(staff, settings):
    """A token past its expiry is refused; the default lifetime comes from API_TOKEN_DAYS."""
    key = create("curator", "short", "--days", "1")
    token = ApiToken.objects.get(user=staff, name="short")
    assert timedelta(hours=23) < token.expiry - timezone.now() <= timedelta(days=1)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert authorized(key) == 401
    create("curator", "default")
    default = ApiToken.objects.get(user=staff, name="default")
    assert default.expiry - timezone.now() > timedelta(days=settings.API_TOKEN_DAYS - 1)
    create("curator", "forever", "--days", "0")
    assert ApiToken.objects.get(user=staff, name="forever").expiry is None


def test_a_token_of_an_inactive_user_is_refused(staff):
    key = create()
    staff.is_active = False
    staff.save()
    assert authorized(key) == 401


def test_admin_shows_the_key_once_then_only_masked(admin_client, staff):
    """Created in the admin, the key appears in the confirmation message only; the list, the token's
    page and the admin history never show it; deleting the token revokes it."""
    response = admin_client.post(
        "/admin/accounts/apitoken/add/", {"user": staff.pk, "name": "partner portal", "days": "30"}, follow=True
    )
    token = ApiToken.objects.get(user=staff)
    page = response.content.decode()
    key = re.search(r"created for curator: ([0-9a-f]{64})", page).group(1)
    assert "will not be shown again" in page and token.name == "partner portal"
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)

    for url in (
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        "/admin/",
        f"/admin/accounts/apitoken/{token.pk}/delete/",
    ):
        later = admin_client.get(url)
        assert later.status_code == 200, url
        assert key not in later.content.decode(), url
    assert key[:8] in admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert all(key not in entry.object_repr for entry in LogEntry.objects.all())

    # The same name twice for one user is refused with a message, not a 500.
    twice = {"user": staff.pk, "name": "partner portal", "days": "1"}
    again = admin_client.post("/admin/accounts/apitoken/add/", twice)
    assert again.status_code == 200 and "already exists" in again.content.decode()

    assert authorized(key) == 200
    admin_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.filter(user=staff).exists()
    assert authorized(key) == 401


def test_old_drf_tokens_are_carried_over_hashed_by_the_migration(staff):
    """Migration 0002 turns a plain-text DRF key into a knox digest: the key still works, the clear text is gone."""
    migration = import_module("accounts.migrations.0002_knox_tokens")
    old = Token.objects.create(user=staff)
    # The models as the migration sees them (historical, with plain managers).
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0002_knox_tokens"))
    migration.carry_over_drf_tokens(state.apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get(user=staff)
    assert token.name == "migrated" and token.expiry is not None
    assert authorized(old.key) == 200
