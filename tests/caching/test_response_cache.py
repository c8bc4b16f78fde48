"""Anonymous responses are cached by URL and data version; every write path invalidates them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from caching.version import data_version
from core.choices import PublicationStatus
from countries.models import Country, Revision, RevisionStatus
from curation.services import revision_approve
from orgs.models import Assessment, OrganizationType, Reference
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, SourceFactory
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
HOME = "/"


@pytest.fixture
def country():
    return CountryFactory(code="FR", name="France")


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password-1")
    client.force_login(user)
    return client


def cached_twice(client, url=HOME):
    """Request ``url`` twice; return both responses (the second should come from the cache)."""
    return client.get(url), client.get(url)


def test_second_anonymous_request_is_served_from_the_cache(client, country):
    """The first anonymous GET renders and stores; the second is a hit with the same body and no queries."""
    first = client.get(HOME)
    assert first["X-Cache"] == "miss" and b"France" in first.content
    second = client.get(HOME)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_cache_hit_runs_no_sql(client, country, django_assert_num_queries):
    """A cached page is answered without touching the database."""
    client.get(HOME)
    with django_assert_num_queries(0):
        assert client.get(HOME)["X-Cache"] == "hit"


def test_orm_save_invalidates(client, country):
    """Renaming a country through the ORM shows the new name on the next anonymous request."""
    cached_twice(client)
    country.name = "République française"
    country.save()
    response = client.get(HOME)
    assert response["X-Cache"] == "miss"
    assert "République française" in response.content.decode()


def test_orm_delete_invalidates(client, country):
    """Deleting a published country removes it from the cached home page."""
    other = CountryFactory(code="DE", name="Germany")
    cached_twice(client)
    other.delete()
    response = client.get(HOME)
    assert b"Germany" not in response.content and b"France" in response.content


def test_admin_edit_invalidates(client, staff_client, country):
    """A source retitled in the admin shows its new title to the next anonymous visitor of the sources page."""
    from django.test import Client

    source = SourceFactory(title="Old title")
    country.narrative_sources.add(source)  # cited by a published record, so listed publicly
    anonymous = Client()
    url = reverse("countries:source-list")
    assert b"Old title" in cached_twice(anonymous, url)[1].content
    change_url = reverse("admin:countries_source_change", args=[source.pk])
    form = staff_client.get(change_url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    # The review workflow asks for a reason on every admin change; extra fields are ignored otherwise.
    data.update(title="New title", change_reason="Retitled to test the response cache")
    response = staff_client.post(change_url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    # A source is public: the edit is a request for review, and the page changes once it is approved.
    assert b"Old title" in anonymous.get(url).content
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    revision_approve(revision=revision, user=make_user("emma", "Editor"))
    assert b"New title" in anonymous.get(url).content


def test_bulk_create_invalidates(client, country):
    """Rows written with bulk_create (no model signals) still invalidate."""
    cached_twice(client)
    Country.objects.bulk_create(
        [Country(code="JP", name="Japan", slug="japan", region="east_asia", publication_status="published")]
    )
    assert b"Japan" in client.get(HOME).content


def test_queryset_update_invalidates(client, country):
    """A queryset update (as a workflow transition or admin action might do) invalidates."""
    cached_twice(client)
    Country.objects.filter(pk=country.pk).update(publication_status=PublicationStatus.DRAFT)
    assert b"France" not in client.get(HOME).content


def test_m2m_change_invalidates(country):
    """Adding an amendment link between two laws bumps the data version."""
    first, second = LawFactory(country=country), LawFactory(country=country)
    before = data_version()
    first.amends.add(second)
    assert data_version() != before
    before = data_version()
    first.amends.clear()
    assert data_version() != before


def test_reference_bulk_create_invalidates(country):
    """Bulk-created references (which reclassify their types) bump the data version."""
    org_type = OrganizationTypeFactory(country=country)
    law = LawFactory(country=country)
    cell = Assessment.objects.filter(org_type=org_type).first()
    before = data_version()
    Reference.objects.bulk_create([Reference(assessment=cell, law=law, finding="met", source=SourceFactory())])
    assert data_version() != before


def test_dataset_import_invalidates(client):
    """Loading the dataset files (the import path) makes the new countries appear at once."""
    cached_twice(client)
    call_command("load_dataset", verbosity=0)
    assert b"Republic of Korea" in client.get(HOME).content


def test_raw_loaddata_invalidates(tmp_path):
    """Fixtures loaded with loaddata (raw saves) bump the data version too."""
    fixture = tmp_path / "one.json"
    fixture.write_text(
        '[{"model": "countries.country", "fields": {"code": "IT", "name": "Italy", "slug": "italy",'
        ' "region": "east_asia", "phase": 1, "publication_status": "published",'
        ' "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}}]'
    )
    before = data_version()
    call_command("loaddata", str(fixture), verbosity=0)
    assert data_version() != before


def test_version_is_bumped_again_when_the_transaction_commits(django_capture_on_commit_callbacks, country):
    """A write inside a transaction also bumps on commit, so nothing cached mid-transaction survives it."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            country.name = "France again"
            country.save()
    assert callbacks, "no bump was scheduled for the commit"
    before = data_version()
    for callback in callbacks:
        callback()
    assert data_version() != before


def test_authenticated_users_bypass_the_cache(client, staff_client, country):
    """A logged-in editor always gets a fresh page, even when the cache holds a stale one."""
    from django.test import Client

    anonymous = Client()
    cached_twice(anonymous)
    # A write that bypasses every hook: the cache cannot know about it.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Country._meta.db_table} SET name = %s WHERE id = %s", ["Stale check", country.pk])
    assert b"Stale check" not in anonymous.get(HOME).content
    fresh = staff_client.get(HOME)
    assert b"Stale check" in fresh.content
    assert "X-Cache" not in fresh


def test_requests_with_credentials_are_not_cached(client, country):
    """An Authorization header or a session/CSRF cookie makes the request bypass the cache."""
    client.get(HOME)
    assert "X-Cache" not in client.get(HOME, HTTP_AUTHORIZATION="Token abc")
    client.cookies["csrftoken"] = "x" * 32
    assert "X-Cache" not in client.get(HOME)


def test_responses_setting_cookies_or_failing_are_not_stored(client):
    """The admin login page sets a CSRF cookie and a missing page is a 404: neither is stored."""
    assert client.get("/admin/login/").cookies
    assert "X-Cache" not in client.get("/admin/login/")
    assert client.get("/countries/nowhere/").status_code == 404
    assert "X-Cache" not in client.get("/countries/nowhere/")


def test_pages_answer_conditional_get_with_304(client, country):
    """A page's ETag, sent back in If-None-Match, gets 304 Not Modified until the data changes."""
    etag = client.get(HOME)["ETag"]
    assert client.get(HOME, HTTP_IF_NONE_MATCH=etag).status_code == 304
    country.name = "France renamed"
    country.save()
    response = client.get(HOME, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_cached_pages_must_be_revalidated_by_browsers(client, country):
    """Browsers may keep a page but must revalidate it, so they never show it stale after a publish."""
    assert "no-cache" in client.get(HOME)["Cache-Control"]


def test_redis_is_the_cache_when_redis_url_is_set():
    """With REDIS_URL set the cache backend is django-redis; without it, local memory."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}

    def backend(extra):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                f"'sse_map.settings'); django.setup(); {code}",
            ],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert backend({"REDIS_URL": "redis://127.0.0.1:6379/0"}) == "django_redis.cache.RedisCache"
    assert backend({}) == "django.core.cache.backends.locmem.LocMemCache"


def test_unpublished_types_do_not_leak_through_the_cache(client, country):
    """A type page cached while published disappears (404) once it is unpublished."""
    org_type = OrganizationTypeFactory(country=country)
    url = org_type.get_absolute_url()
    assert cached_twice(client, url)[1]["X-Cache"] == "hit"
    OrganizationType.objects.filter(pk=org_type.pk).update(publication_status=PublicationStatus.DRAFT)
    assert client.get(url).status_code == 404
