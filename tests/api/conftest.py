import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttle_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return APIClient()


def user_with(*codenames, username="analyst"):
    user = User.objects.create_user(username=username, password="not-used-here-123")
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def viewer(db):
    """A reader holding every view permission: sees drafts."""
    return token_client(
        user_with("view_country", "view_law", "view_statistic", "view_organizationtype", username="viewer")
    )


@pytest.fixture
def plain_user(db):
    """Authenticated, no permission at all."""
    return token_client(user_with(username="plain"))
