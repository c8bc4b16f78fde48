"""
Per-country roles in the admin's lists (issue 15): a curator limited to some countries
(``curation.models.CountryScope``) lists, opens, exports and looks up only their records;
curators without a scope, and superusers, see every country. The rule is one function,
``curation.services.scoped``, which ``CuratedAdmin.get_queryset`` calls.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from countries.models import Country, Law, Revision, Source
from curation import services
from curation.admin.base import CuratedAdmin
from curation.models import CountryScope
from orgs.models import Assessment, LegalBasis, OrganizationType, Reference
from tests.factories import (
    CountryFactory,
    LawEventFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    give_evidence,
)
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_countries(curated):
    """France (the curated dataset) and Germany, each with a type, its evidence and a law."""
    germany = CountryFactory(code="DE", name="Germany", slug="germany")
    law = LawFactory(slug="genossenschaftsgesetz", country=germany, title="Genossenschaftsgesetz")
    eg = OrganizationTypeFactory(slug="eg", country=germany, name="eG")
    give_evidence(eg, "democratic-governance", law=law)
    LegalBasisFactory(org_type=eg, law=law)
    LawEventFactory(law=law)
    return {"france": curated["country"], "germany": germany}


def limited_to(country, role="Analyst", name="kim"):
    user = make_user(name, role)
    scope = CountryScope.objects.create(user=user, note=f"{country.name} only")
    scope.countries.set([country])
    return User.objects.get(pk=user.pk)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def curated_models():
    return [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, CuratedAdmin)]


def test_every_curated_model_is_scoped_or_belongs_to_no_country(two_countries):
    """Each curated model's lookup path to its country works; only sources and the method have none."""
    user = limited_to(two_countries["germany"])
    unscoped = []
    for model in curated_models():
        lookup = services.country_lookup(model)
        if lookup is None:
            unscoped.append(model._meta.label)
            continue
        every = model._default_manager.all()
        mine = services.scoped(every, user)
        outside = every.exclude(**{f"{lookup}__in": [two_countries["germany"].pk]})
        assert not mine.filter(pk__in=outside.values("pk")).exists(), model._meta.label
    assert set(unscoped) <= {"countries.Source", "orgs.Feature", "orgs.SubCondition", "orgs.Family"}, unscoped


@pytest.mark.parametrize(
    "model", [Country, Law, OrganizationType, Assessment, Reference, LegalBasis], ids=lambda m: m.__name__
)
def test_a_limited_curator_lists_only_their_countries(two_countries, model):
    germany, france = two_countries["germany"], two_countries["france"]
    lookup = services.country_lookup(model)
    assert model._default_manager.filter(**{lookup: france.pk}).exists(), "the fixture has French rows"
    assert model._default_manager.filter(**{lookup: germany.pk}).exists(), "the fixture has German rows"
    response = logged_in(limited_to(germany)).get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    )
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed and all(services.country_of(row).pk == germany.pk for row in listed)


def test_unlimited_editor_and_superuser_see_every_country(two_countries, editor):
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    url = reverse("admin:orgs_organizationtype_changelist")
    for user in (editor, superuser):
        shown = {row.country.code for row in logged_in(user).get(url).context["cl"].result_list}
        assert {"FR", "DE"} <= shown, user.username


def test_another_countrys_record_cannot_be_opened(two_countries):
    french = OrganizationType.objects.get(slug="scop")
    client = logged_in(limited_to(two_countries["germany"], role="Editor", name="ed-de"))
    response = client.get(reverse("admin:orgs_organizationtype_change", args=[french.pk]))
    # The admin answers a record outside the queryset as it answers a missing one.
    assert response.status_code == 302 and response.url == reverse("admin:index")
    german = OrganizationType.objects.get(slug="eg")
    assert client.get(reverse("admin:orgs_organizationtype_change", args=[german.pk])).status_code == 200


def test_autocomplete_offers_only_the_scopes_laws(two_countries):
    """Choosing a law for a legal basis: another country's laws are not offered."""
    client = logged_in(limited_to(two_countries["germany"]))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "orgs", "model_name": "legalbasis", "field_name": "law", "term": ""},
    )
    assert response.status_code == 200, response.content[:300]
    offered = {item["text"] for item in response.json()["results"]}
    assert offered and all("Genossenschaft" in text for text in offered), offered


def test_the_review_queue_shows_a_limited_editor_only_their_countries_requests(two_countries, analyst):
    german = OrganizationType.objects.get(slug="eg")
    french = OrganizationType.objects.get(slug="draft-type")
    services.revision_propose(record=german, user=analyst, values={"description": "New."}, reason="Ready: eG")
    services.record_submit_for_review(record=french, user=analyst, reason="Ready: Draft type")
    client = Client()
    client.force_login(limited_to(two_countries["germany"], role="Editor", name="greta"))
    page = client.get(reverse("admin-review-queue")).content.decode()
    assert "Ready: eG" in page and "Ready: Draft type" not in page
    client.force_login(make_user("ulla", "Editor"))  # no scope: every country
    page = client.get(reverse("admin-review-queue")).content.decode()
    assert "Ready: eG" in page and "Ready: Draft type" in page


def test_the_review_requests_list_shows_a_limited_editor_only_their_countries(two_countries, analyst):
    german, french = OrganizationType.objects.get(slug="eg"), OrganizationType.objects.get(slug="draft-type")
    mine = services.revision_propose(record=german, user=analyst, values={"description": "New."}, reason="Ready: eG")
    other = services.record_submit_for_review(record=french, user=analyst, reason="Ready: Draft type")
    source = services.record_create(record=Source(slug="a-new-one", title="A new one"), user=analyst, reason="New")
    limited = limited_to(two_countries["germany"], role="Editor", name="greta")
    listed = services.scoped_requests(Revision.objects.all(), limited)
    assert set(listed.values_list("pk", flat=True)) == {mine.pk, source.pk}  # sources belong to no country
    client = Client()
    client.force_login(limited)
    assert client.get(reverse("admin:countries_revision_change", args=[other.pk])).status_code == 302  # missing
    page = client.get(reverse("admin:countries_revision_changelist")).content.decode()
    assert "Ready: eG" in page and "Ready: Draft type" not in page
