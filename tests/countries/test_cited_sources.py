"""
``Source.objects.cited_publicly()`` (the public sources page): a source is listed when a record the
public can see cites it, through any of the five kinds of citation, and never for a draft's or a
draft country's citation alone. Its query does not multiply the citations' rows.
"""

import pytest

from core.choices import PublicationStatus as S
from countries.models import Source
from orgs.models import Reference
from tests.factories import (
    CountryFactory,
    LawEventFactory,
    LawFactory,
    OrganizationTypeFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
)

pytestmark = pytest.mark.django_db


def cites(kind, source, country, status):
    """Make a record of ``kind`` in ``status`` citing ``source``."""
    if kind == "narrative":
        country.narrative_sources.add(source)
        if status != S.PUBLISHED:
            type(country).objects.filter(pk=country.pk).update(publication_status=status)
    elif kind == "law":
        LawFactory(country=country, source=source, publication_status=status)
    elif kind == "law event":
        LawEventFactory(law=LawFactory(country=country, publication_status=status), source=source)
    elif kind == "reference":
        org_type = OrganizationTypeFactory(country=country, publication_status=status)
        refs = give_evidence(org_type, "democratic-governance", law=LawFactory(country=country))
        Reference.objects.filter(pk__in=[ref.pk for ref in refs]).update(source=source)
    elif kind == "statistic":
        StatisticFactory(country=country, source=source, publication_status=status)


KINDS = ["narrative", "law", "law event", "reference", "statistic"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_published_citation_lists_the_source_a_draft_one_does_not(kind):
    public, hidden = SourceFactory(slug="public"), SourceFactory(slug="hidden")
    cites(kind, public, CountryFactory(code="FR", slug="france"), S.PUBLISHED)
    cites(kind, hidden, CountryFactory(code="DE", slug="germany"), S.DRAFT)
    # (the factories' own laws cite sources of their own: only these two are the test's)
    cited = set(Source.objects.cited_publicly().values_list("slug", flat=True))
    assert "public" in cited and "hidden" not in cited


def test_a_draft_countrys_published_law_does_not_list_its_source():
    source = SourceFactory(slug="s")
    LawFactory(country=CountryFactory(code="DE", publication_status=S.DRAFT), source=source)
    assert not Source.objects.cited_publicly().filter(slug="s").exists()


def test_one_row_per_source_however_often_it_is_cited():
    source = SourceFactory(slug="much-cited")
    country = CountryFactory(code="FR", slug="france")
    for kind in KINDS:
        cites(kind, source, country, S.PUBLISHED)
        cites(kind, source, country, S.PUBLISHED)
    slugs = list(Source.objects.cited_publicly().values_list("slug", flat=True))
    assert slugs.count("much-cited") == 1 and len(slugs) == len(set(slugs))
