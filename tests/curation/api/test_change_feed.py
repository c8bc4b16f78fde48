"""The change feed: ``updated_since`` on every list, and tombstones for deletions."""

import datetime

import pytest
from django.utils import timezone

from core.choices import PublicationStatus
from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs.models import Assessment, Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition
from tests.api_helpers import API, errors, keys, results
from tests.factories import CountryFactory, LawFactory, OrganizationTypeFactory, StatisticFactory, give_evidence

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(datetime.datetime(2001, 1, 1))
LAST_WEEK = timezone.now() - datetime.timedelta(days=7)


def age(model, **filters):
    """Make rows look last touched long ago (update() skips auto_now)."""
    model.objects.filter(**filters).update(updated_at=LONG_AGO)


@pytest.mark.parametrize(
    "endpoint", ["countries", "laws", "org-types", "statistics", "sources", "families", "features", "sub-conditions"]
)
def test_updated_since_is_accepted_on_every_list_and_has_no_cap(anon, endpoint):
    """Every list takes ``updated_since``; a date decades back is fine; a malformed one is a 400."""
    assert anon.get(f"{API}{endpoint}/?updated_since=1900-01-01T00:00:00Z").status_code == 200
    assert "updated_since" in errors(anon.get(f"{API}{endpoint}/?updated_since=last-week"))


def test_laws_changed_since(anon):
    """Only laws changed at or after the moment, or whose dated events changed, are listed."""
    country = CountryFactory(code="KR")
    old = LawFactory(country=country, slug="old")
    LawFactory(country=country, slug="recent")
    age(Law, pk=old.pk)
    LawEvent.objects.filter(law=old).update(updated_at=LONG_AGO)
    assert keys(anon.get(f"{API}laws/", {"updated_since": LAST_WEEK.isoformat()})) == ["recent"]
    assert sorted(keys(anon.get(f"{API}laws/?updated_since=2000-01-01T00:00:00Z"))) == ["old", "recent"]
    LawEvent.objects.create(law=old, kind="amended", date=datetime.date(2015, 1, 1))
    assert sorted(keys(anon.get(f"{API}laws/", {"updated_since": LAST_WEEK.isoformat()}))) == ["old", "recent"]


def test_statistics_sources_countries_and_method_changed_since(anon):
    """The feed works the same on statistics, sources, countries, families, features and sub-conditions."""
    StatisticFactory(slug="s-old", country=CountryFactory(code="PH"))
    StatisticFactory(slug="s-new", country=CountryFactory(code="KR"))
    age(Statistic, slug="s-old")
    age(Source)
    age(Country, code="PH")
    for model in (Family, Feature, SubCondition):
        age(model)
    Family.objects.get(slug="mutual").save()
    SubCondition.objects.get(code="non-profit").save()
    since = {"updated_since": LAST_WEEK.isoformat()}
    assert keys(anon.get(f"{API}statistics/", since)) == ["s-new"]
    assert keys(anon.get(f"{API}sources/", since)) == []
    assert keys(anon.get(f"{API}countries/", since), "code") == ["KR"]
    assert keys(anon.get(f"{API}families/", since)) == ["mutual"]
    assert keys(anon.get(f"{API}features/", since), "code") == []
    assert keys(anon.get(f"{API}sub-conditions/", since), "code") == ["non-profit"]


def test_org_type_listed_when_its_evidence_changes_or_is_deleted(anon):
    """A type whose own row is old still appears when evidence was added, edited or removed since."""
    country = CountryFactory(code="PH")
    quiet, edited, pruned = (OrganizationTypeFactory(slug=s, country=country) for s in ("quiet", "edited", "pruned"))
    for org_type in (quiet, edited, pruned):
        give_evidence(org_type, "for-profit")
    for model in (Reference, Assessment, LegalBasis, OrganizationType):
        age(model)
    since = {"updated_since": LAST_WEEK.isoformat()}
    assert keys(anon.get(f"{API}org-types/", since)) == []

    row = Reference.objects.get(assessment__org_type=edited)
    row.provision = "Art. 99"
    row.save()
    Reference.objects.get(assessment__org_type=pruned).delete()
    assert sorted(keys(anon.get(f"{API}org-types/", since))) == ["edited", "pruned"]


def test_org_type_listed_when_its_classification_changes_because_a_law_was_repealed(anon):
    """No row of the type is touched, yet its classification changes (SSEOE to PHO): the feed lists it."""
    country = CountryFactory(code="PH")
    law, governance_law = LawFactory(country=country), LawFactory(country=country)
    changed, untouched = (OrganizationTypeFactory(slug=s, country=country) for s in ("changed", "untouched"))
    give_evidence(changed, "social-problem", "for-profit", law=law)
    give_evidence(changed, "democratic-governance", law=governance_law)
    give_evidence(untouched, "social-problem", "for-profit", "democratic-governance")
    assert OrganizationType.objects.get(slug="changed").classification == "sseoe"
    for model in (Reference, Assessment, LegalBasis, OrganizationType, Law, LawEvent):
        age(model)
    since = {"updated_since": LAST_WEEK.isoformat()}
    assert keys(anon.get(f"{API}org-types/", since)) == []

    LawEvent.objects.create(law=governance_law, kind="repealed", date=timezone.localdate() - datetime.timedelta(days=1))
    assert OrganizationType.objects.get(slug="changed").classification == "pho"
    assert keys(anon.get(f"{API}org-types/", since)) == ["changed"]


def test_deletions_are_tombstones(anon, viewer):
    """A deleted published law is a tombstone for everyone; a deleted draft only for viewers."""
    country = CountryFactory(code="KR")
    published = LawFactory(country=country)
    draft = LawFactory(country=country, publication_status=PublicationStatus.DRAFT)
    type_ = OrganizationTypeFactory(slug="gone-type", country=country)
    published_key, draft_key = published.slug, draft.slug
    published.delete()
    draft.delete()
    type_.delete()

    tombstones = results(anon.get(f"{API}deletions/"))
    assert {(t["model"], t["key"], t["action"]) for t in tombstones} == {
        ("law", published_key, "deleted"),
        ("org-type", "gone-type", "deleted"),
    }
    assert all(t["deleted_at"] for t in tombstones)
    seen_by_viewer = {(t["model"], t["key"]) for t in results(viewer.get(f"{API}deletions/"))}
    assert ("law", draft_key) in seen_by_viewer

    assert [t["key"] for t in results(anon.get(f"{API}deletions/?model=org-type"))] == ["gone-type"]
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert results(anon.get(f"{API}deletions/", {"updated_since": future})) == []
    assert results(anon.get(f"{API}deletions/?updated_since=1990-01-01T00:00:00Z"))
    assert "model" in errors(anon.get(f"{API}deletions/?model=planet"))
    assert "updated_since" in errors(anon.get(f"{API}deletions/?updated_since=tuesday"))


def test_withdrawn_records_are_tombstones_for_anonymous_readers(anon):
    """A published law taken back to draft is a 'withdrawn' tombstone; a law that was always a draft never shows."""
    country = CountryFactory(code="KR")
    law = LawFactory(country=country)
    law.load_state(PublicationStatus.DRAFT)  # the state machine's server-only transition
    law.save()
    always_draft = LawFactory(country=country, publication_status=PublicationStatus.DRAFT)
    always_draft.title = "Edited draft"
    always_draft.save()
    tombstones = results(anon.get(f"{API}deletions/"))
    assert [(t["model"], t["key"], t["action"]) for t in tombstones] == [("law", law.slug, "withdrawn")]
