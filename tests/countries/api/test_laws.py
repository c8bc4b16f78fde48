"""The laws endpoint: fields, filters, time travel, drafts, JSON-LD and CSV."""

import csv
import datetime
import io
import json

import pytest

from core.choices import PublicationStatus
from countries.choices import LawKind
from countries.models import LawEvent
from tests.api_helpers import API, errors, keys, link_keys, results
from tests.factories import CountryFactory, LawFactory, cooperative_law_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def laws():
    kr, ph = CountryFactory(code="KR"), CountryFactory(code="PH")
    framework = LawFactory(
        country=kr,
        slug="kr-framework-act",
        title="Framework Act on Cooperatives",
        local_title="협동조합 기본법",
        citation="Act No. 11211",
        enacted_on=datetime.date(2012, 1, 26),
    )
    amendment = LawFactory(
        country=kr,
        slug="kr-amendment",
        title="Amendment to the Framework Act",
        kind=LawKind.DECREE,
        enacted_on=datetime.date(2014, 1, 21),
    )
    amendment.amends.add(framework)
    # The status is derived from the dated events: the framework act is amended from 2014.
    LawEvent.objects.create(law=framework, kind="amended", date=datetime.date(2014, 1, 21), related_law=amendment)
    bill = LawFactory(
        country=ph,
        slug="ph-se-bill",
        title="Poverty Reduction through Social Entrepreneurship Bill",
        kind=LawKind.BILL,
        enacted_on=None,
    )
    code = LawFactory(country=ph, slug="ph-coop-code", title="Cooperative Code", enacted_on=datetime.date(2008, 2, 17))
    return {"framework": framework, "amendment": amendment, "bill": bill, "code": code}


def test_fields(anon, laws):
    """A law lists its key, titles, citation, country link, kind, status, dates, amends/replaces links, events, url."""
    row = next(r for r in results(anon.get(f"{API}laws/")) if r["slug"] == "kr-amendment")
    assert row["key"] == "kr-amendment" and "id" not in row
    assert row["url"].endswith("/api/v1/laws/kr-amendment/")
    assert (
        row["country"] == {"key": "KR", "url": "http://testserver/api/v1/countries/KR/"}
        and row["kind"] == "decree"
        and row["status"] == "in_force"
    )
    assert row["enacted_on"] == "2014-01-21"
    assert link_keys(row["amends"]) == [laws["framework"].slug] and row["replaces"] == []
    assert anon.get(row["amends"][0]["url"]).json()["key"] == laws["framework"].slug
    assert row["events"][0]["kind"] == "in_force"
    framework = anon.get(f"{API}laws/{laws['framework'].slug}/").json()
    assert framework["local_title"] == "협동조합 기본법" and framework["citation"] == "Act No. 11211"
    assert "cite_as" in framework and "summary" in framework
    assert framework["status"] == "amended"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=kr", ["kr-amendment", "kr-framework-act"]),
        ("kind=bill", ["ph-se-bill"]),
        ("kind=decree&kind=bill", ["kr-amendment", "ph-se-bill"]),
        ("status=amended", ["kr-framework-act"]),
        ("status=in_force", ["kr-amendment", "ph-coop-code"]),
        ("status=bill", ["ph-se-bill"]),
        ("enacted_after=2012-01-26", ["kr-amendment", "kr-framework-act"]),
        ("enacted_before=2012-01-25", ["ph-coop-code"]),
        ("enacted_after=2010-01-01&enacted_before=2013-01-01", ["kr-framework-act"]),
        ("search=Act No. 11211", ["kr-framework-act"]),
        ("search=협동조합", ["kr-framework-act"]),
        ("search=entrepreneurship", ["ph-se-bill"]),
        ("as_of=2010-06-01&country=KR", []),
        ("as_of=2013-01-01&country=KR", ["kr-framework-act"]),
        ("as_of=2020-01-01", ["kr-amendment", "kr-framework-act", "ph-coop-code"]),
    ],
)
def test_filters(anon, laws, query, expected):
    """Each filter keeps exactly the matching laws; bills are never in force."""
    assert sorted(keys(anon.get(f"{API}laws/?{query}"))) == sorted(expected)


def test_ordering_is_stable_and_selectable(anon, laws):
    """``ordering=enacted_on`` sorts by date; the default order is stable between calls."""
    dated = keys(anon.get(f"{API}laws/?ordering=enacted_on&status=in_force&status=amended&kind=act"))
    assert dated == ["ph-coop-code", "kr-framework-act"]
    assert keys(anon.get(f"{API}laws/")) == keys(anon.get(f"{API}laws/"))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("kind=statute", "kind"),
        ("status=alive", "status"),
        ("enacted_after=2012-31-01", "enacted_after"),
        ("enacted_before=soon", "enacted_before"),
        ("as_of=2013", "as_of"),
        ("country=XK", "country"),
        ("ordering=colour", "ordering"),
        ("format=geojson", "format"),
    ],
)
def test_invalid_parameters(anon, laws, query, parameter):
    """Bad values answer 400 naming the parameter."""
    response = anon.get(f"{API}laws/?{query}")
    assert response.status_code == 400 and parameter in errors(response)


def test_time_travel_across_an_annulment(anon):
    """The old law is in force until replaced in 2012, the new one until annulled in 2014, then the old again."""
    old, new = cooperative_law_history(CountryFactory(code="ID"))
    for day, expected in [("2010-01-01", [old]), ("2013-06-01", [new]), ("2015-01-01", [old])]:
        assert keys(anon.get(f"{API}laws/?as_of={day}")) == [law.slug for law in expected]


def test_drafts_hidden_from_anonymous_readers(anon, viewer, laws):
    """A draft law, or a law of a draft country, is invisible anonymously, even as an ``amends`` reference."""
    draft = LawFactory(country=laws["framework"].country, slug="kr-draft", publication_status=PublicationStatus.DRAFT)
    laws["amendment"].amends.add(draft)
    LawEvent.objects.create(law=laws["amendment"], kind="amended", date=datetime.date(2015, 1, 1), related_law=draft)
    hidden = CountryFactory(code="JP", publication_status=PublicationStatus.DRAFT)
    LawFactory(country=hidden, slug="jp-law")
    listed = keys(anon.get(f"{API}laws/"))
    assert "kr-draft" not in listed and "jp-law" not in listed
    assert anon.get(f"{API}laws/{draft.slug}/").status_code == 404
    amendment = anon.get(f"{API}laws/{laws['amendment'].slug}/").json()
    assert link_keys(amendment["amends"]) == [laws["framework"].slug]
    assert [e["related_law"] for e in amendment["events"] if e["date"] == "2015-01-01"] == [None]
    assert anon.get(f"{API}laws/?search=kr-draft").json()["count"] == 0
    assert b"kr-draft" not in anon.get(f"{API}laws/?format=csv").content
    assert {"kr-draft", "jp-law"} <= set(keys(viewer.get(f"{API}laws/")))


def test_jsonld_is_schema_org_legislation(anon, laws):
    """``format=jsonld`` gives Legislation nodes with identifier, date, jurisdiction and legal force."""
    body = json.loads(anon.get(f"{API}laws/?format=jsonld").content)
    assert body["@context"] == "http://testserver/api/v1/context.jsonld"
    node = next(n for n in body["@graph"] if n["identifier"] == laws["framework"].slug)
    assert node["@type"] == "Legislation"
    assert node["legislationIdentifier"] == "Act No. 11211"
    assert node["legislationDate"] == "2012-01-26"
    assert node["legislationJurisdiction"] == "http://testserver/api/v1/countries/KR/"
    assert node["legislationLegalForce"] == "https://schema.org/InForce"
    bill = next(n for n in body["@graph"] if n["identifier"] == laws["bill"].slug)
    assert bill["legislationLegalForce"] == "https://schema.org/NotInForce"
    detail = json.loads(anon.get(f"{API}laws/{laws['framework'].slug}/?format=jsonld").content)
    assert detail["@type"] == "Legislation" and detail["@context"] == "http://testserver/api/v1/context.jsonld"


def test_csv_one_row_per_law_with_flattened_fields(anon, laws):
    """CSV is one flat table: a header, one row per law, links as their keys, no nested cells."""
    response = anon.get(f"{API}laws/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    amendment = next(r for r in rows if r["slug"] == "kr-amendment")
    assert amendment["amends"] == laws["framework"].slug
    assert amendment["country"] == "KR"
    assert "events" not in amendment, "lists of records are tables of their own"


def test_search_is_ranked_on_postgresql(anon):
    """``search`` finds every law mentioning the words; on PostgreSQL the best match comes first."""
    from django.db import connection

    country = CountryFactory(code="KR")
    LawFactory(country=country, slug="passing", title="Tax Act", summary="Mentions a cooperative once among taxes.")
    LawFactory(
        country=country,
        slug="central",
        title="Cooperatives Act",
        summary="Cooperatives: how a cooperative is founded, how cooperatives are governed.",
    )
    LawFactory(country=country, slug="unrelated", title="Road Traffic Act")
    found = keys(anon.get(f"{API}laws/?search=cooperative"))
    assert sorted(found) == ["central", "passing"]
    if connection.vendor == "postgresql":
        assert found == ["central", "passing"]
        assert keys(anon.get(f"{API}laws/?search=cooperatives governed")) == ["central"]
