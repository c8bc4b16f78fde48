"""
The public pages: content, what is hidden, and a constant number of SQL queries.

Query counts include the SAVEPOINT and RELEASE that ATOMIC_REQUESTS wraps each
request in; the fixtures give every country three laws, types and statistics,
so an N+1 would show.
"""

import re

import pytest
from django.urls import reverse

from countries.models import Country, Law
from orgs.models import Family, OrganizationType
from tests.factories import OrganizationTypeFactory

pytestmark = pytest.mark.django_db

DRAFT_MARKERS = ["Secret Draft Law", "Secret Draft Type", "Hidden Draft Country", "Type of a draft country"]


def assert_no_drafts(html):
    for marker in DRAFT_MARKERS:
        assert marker not in html, marker


def test_home_shows_countries_matrix_badges_and_figures(client, landscape):
    """The home page lists every published country, the family matrix with badges, and the figures."""
    html = client.get("/").content.decode()
    for country in landscape:
        assert country.get_absolute_url() in html
        assert f"Worker cooperative {country.code}" in html
    assert 'class="badge badge-sseoe"' in html and 'class="badge badge-pho"' in html
    assert 'id="map"' in html and reverse("countries:map-data") in html
    # 3 countries x 3 public laws, 3 x 3 types, 3 SSEOE, 3 PHO.
    assert '<span class="figure-value">9</span> <span class="figure-label">laws and instruments' in html
    assert '<span class="figure-value">3</span> <span class="figure-label">SSEOE types' in html
    assert "What" not in html or "social and solidarity economy (SSE) is made of" in html
    assert_no_drafts(html)


def test_home_query_count_is_constant(client, django_assert_num_queries, landscape):
    """Home: countries with counts, types for the matrix, families, phase-two countries; more rows add none."""
    with django_assert_num_queries(6):
        client.get("/")


def test_map_data_is_geojson_of_published_countries_with_indicators(client, django_assert_num_queries, landscape):
    """The map data holds one feature per published country that has a boundary, with its indicators."""
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    Country.objects.update(boundary=square)
    with django_assert_num_queries(3):
        data = client.get(reverse("countries:map-data")).json()
    assert data["type"] == "FeatureCollection"
    codes = {f["id"] for f in data["features"]}
    assert codes == {c.code for c in landscape}
    feature = data["features"][0]
    assert feature["properties"]["n_sseoe"] == 1
    assert feature["properties"]["n_types"] == 3
    assert feature["properties"]["n_laws"] == 3
    assert feature["properties"]["url"].startswith("/countries/")


def test_country_page_shows_narrative_timeline_types_statistics_sources(client, landscape):
    """A country page renders the sanitized narrative, every kind of law event, marks, badges, charts, sources."""
    country = landscape[0]
    html = client.get(country.get_absolute_url()).content.decode()
    assert "<strong>cooperatives</strong>" in html
    assert "<script>alert" not in html
    for label in ("Enacted or promulgated", "Amended", "Annulled by a court", "Reinstated"):
        assert label in html
    assert "Case 2014-1" in html
    assert f'by <a href="{Law.objects.get(title=f"Amending Act {country.code}").get_absolute_url()}"' in html
    assert 'lang="' in html and "Lokal 0" in html
    assert "mark mark-met" in html and "mark mark-missing" in html
    assert 'class="badge badge-unverified"' in html
    assert 'class="column-chart"' in html and 'role="img"' in html
    assert "Registered cooperatives" in html
    assert "Source document" in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert_no_drafts(html)


def test_country_page_query_count_is_constant(client, django_assert_num_queries, landscape):
    """A country page with three laws, types and statistics needs a fixed number of queries."""
    # The types come with their stored findings (one query, no cell instances) and the sources
    # of their cells' references (one query).
    with django_assert_num_queries(11):
        html = client.get(landscape[0].get_absolute_url()).content.decode()
    # Narrative, law, reference and statistic sources (1 + 3 + 8 + 3), each listed once.
    assert html.count('<li id="source-') == 15


def test_draft_country_page_is_404(client, landscape):
    """Unpublished countries have no page."""
    assert client.get(reverse("countries:country-detail", args=["hidden-draft"])).status_code == 404


def test_org_type_page_shows_evidence_explanation_and_suggest_link(client, landscape):
    """A type page shows its legal basis, the evidence table with verification, and the rule in words."""
    sseoe = OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")
    html = client.get(sseoe.get_absolute_url()).content.decode()
    assert "under every feature: an SSEOE" in html
    assert "D2 Democratic governance" in html
    assert "Read in the article&#x27;s text in another copy, and quoted" in html
    assert html.count('class="finding finding-not_assessed"') == 3  # S2, E2, D1: not read, and said so
    assert reverse("orgs:org-type-suggest", args=[sseoe.slug]) in html
    pho = OrganizationType.objects.get(name=f"Mutual society {landscape[0].code}")
    html = client.get(pho.get_absolute_url()).content.decode()
    assert "It meets two of the three features: a PHO. It has no democratic provision." in html
    assert "Not stipulated: the law stipulates the opposite" in html


def test_org_type_page_query_count_is_constant(client, django_assert_num_queries, landscape):
    """A type page with its six cells and three references needs a fixed number of queries."""
    sseoe = OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")
    # The type, its cells, their references, its legal bases; the features; the laws' force
    # today; the research's statements and the types they are about; its statistics.
    with django_assert_num_queries(11):
        client.get(sseoe.get_absolute_url())


def test_draft_type_page_is_404(client, landscape):
    """Draft types, and published types of draft countries, have no page."""
    for name in (f"Secret Draft Type {landscape[0].code}", "Type of a draft country"):
        org_type = OrganizationType.objects.get(name=name)
        assert client.get(org_type.get_absolute_url()).status_code == 404


def test_law_page_shows_status_over_time_and_relations(client, landscape):
    """A law page shows what it governs, what amends it, and each dated step."""
    base = Law.objects.get(title=f"Framework Act {landscape[0].code}")
    html = client.get(base.get_absolute_url()).content.decode()
    assert "Amended by" in html and f"Amending Act {landscape[0].code}" in html
    assert "Annulled by a court" in html and "Reinstated" in html
    assert f"Worker cooperative {landscape[0].code}" in html
    assert reverse("orgs:law-suggest", args=[base.slug]) in html
    unverified = Law.objects.get(title=f"Unverified Decree {landscape[0].code}")
    html = client.get(unverified.get_absolute_url()).content.decode()
    assert "badge-unverified" in html and "Date not confirmed" in html


def test_law_page_query_count_is_constant(client, django_assert_num_queries, landscape):
    """A law page needs a fixed number of queries."""
    base = Law.objects.get(title=f"Framework Act {landscape[0].code}")
    with django_assert_num_queries(9):
        client.get(base.get_absolute_url())


def test_draft_law_page_is_404(client, landscape):
    law = Law.objects.get(title=f"Secret Draft Law {landscape[0].code}")
    assert client.get(law.get_absolute_url()).status_code == 404


def test_family_page_shows_each_country_side_by_side(client, django_assert_num_queries, landscape):
    """A family page shows the family's types in every country, in a fixed number of queries."""
    family = Family.objects.get(slug="fam-0")
    with django_assert_num_queries(7):
        html = client.get(family.get_absolute_url()).content.decode()
    for country in landscape:
        assert f"Worker cooperative {country.code}" in html
    assert_no_drafts(html)


def test_family_list(client, django_assert_num_queries, landscape):
    """The family index counts only public types."""
    with django_assert_num_queries(3):
        html = client.get(reverse("orgs:family-list")).content.decode()
    # Family 0 also has three draft types and a type of a draft country: not counted.
    assert html.count("3 types in 3 countries") == 3
    assert "1 type in 1 country" in html


def test_compare_two_countries(client, django_assert_num_queries, landscape):
    """Compare shows the chosen countries side by side in a fixed number of queries."""
    a, b, c = landscape
    url = reverse("countries:compare") + f"?countries={a.slug}&countries={b.slug}"
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert f"Worker cooperative {a.code}" in html and f"Worker cooperative {b.code}" in html
    assert f"Worker cooperative {c.code}" not in html
    assert_no_drafts(html)


def test_compare_needs_two_countries(client, landscape):
    """One country is not a comparison: the page says so."""
    html = client.get(reverse("countries:compare") + f"?countries={landscape[0].slug}").content.decode()
    assert f"Choose one or more countries to compare with {landscape[0].name}" in html
    assert f'value="{landscape[0].slug}" id="cmp-{landscape[0].slug}" checked' in html
    html = client.get(reverse("countries:compare") + "?countries=no-such-country").content.decode()
    assert "Choose at least two countries" in html


def test_methodology_shows_rule_and_live_counts(client, django_assert_num_queries, landscape):
    """The methodology page lists the six sub-conditions with live counts of public types."""
    with django_assert_num_queries(7):  # and the phase-two countries
        html = client.get(reverse("orgs:methodology")).content.decode()
    assert 'href="/methodology/" aria-current="page"' in html
    for code in ("S1", "S2", "E1", "E2", "D1", "D2"):
        assert f'<th scope="row">{code}</th>' in html
    # Three SSEOE types meet D2; the draft country's type does not count.
    assert '<th scope="row">D2</th><td><strong>Democratic governance</strong>' in html
    assert len(re.findall(r'<td class="num"[^>]*>3</td>', html)) >= 3


def test_search_finds_countries_laws_and_types(client, django_assert_num_queries, landscape):
    """Search matches names and titles across countries, laws and types, never drafts."""
    code, other = landscape[0].code, landscape[1].code
    with django_assert_num_queries(5):
        html = client.get(reverse("countries:search"), {"q": f"t {code}"}).content.decode()
    assert f"Framework Act {code}" in html and f"Amending Act {code}" in html
    assert f"Framework Act {other}" not in html
    html = client.get(reverse("countries:search"), {"q": f"cooperative {code}"}).content.decode()
    assert f"Worker cooperative {code}" in html
    html = client.get(reverse("countries:search"), {"q": f"Country {code}"}).content.decode()
    assert f'href="{landscape[0].get_absolute_url()}"' in html
    html = client.get(reverse("countries:search"), {"q": "Secret"}).content.decode()
    assert "0 results" in html
    assert_no_drafts(html)


def test_search_matches_within_one_field_whatever_the_case_or_spacing(client, landscape):
    """
    The whole query, folded as the API's search folds it (non-ASCII capitals too, on SQLite as
    on PostgreSQL), in one searched field: a query that runs from one field into the next is
    no match.
    """
    country = landscape[0]
    OrganizationTypeFactory(
        country=country, name="Société coopérative", local_name="Ōsaka kumiai", description="Runs   a shop."
    )
    search = reverse("countries:search")
    for query in ("SOCIÉTÉ COOPÉRATIVE", "ōSAKA  KUMIAI", "runs a shop"):
        assert "Société coopérative" in client.get(search, {"q": query}).content.decode(), query
    assert "0 results" in client.get(search, {"q": "coopérative ōsaka"}).content.decode()


def test_search_too_short_says_so(client, db):
    html = client.get(reverse("countries:search"), {"q": "x"}).content.decode()
    assert "Type at least 2 characters" in html


def test_downloads_link_to_api_with_licence_and_citation(client, django_assert_num_queries, landscape):
    """The downloads page links complete files only (CSV tables, the data package, the XLSX), names the licence."""
    with django_assert_num_queries(4):
        html = client.get(reverse("countries:downloads")).content.decode()
    for url in (
        "/api/v1/org-types/?format=csv&amp;all=true",
        "/api/v1/laws/?format=csv&amp;all=true",
        "/api/v1/datapackage.zip",
        "/api/v1/dataset.xlsx",
    ):
        assert f'href="{url}"' in html
    assert "page_size" not in html  # a JSON page is not a complete file
    assert "CC BY 4.0" in html and "How to cite" in html


def test_sources_lists_only_sources_cited_by_public_records(client, django_assert_num_queries, landscape):
    """The bibliography lists cited sources once each, and not those only drafts cite."""
    from countries.models import Source
    from tests.factories import LawFactory, SourceFactory

    lonely = SourceFactory(title="Only a draft cites this")
    LawFactory(country=landscape[0], source=lonely, publication_status="draft")
    with django_assert_num_queries(3):
        html = client.get(reverse("countries:source-list")).content.decode()
    assert "Only a draft cites this" not in html
    assert Source.objects.cited_publicly().count() == html.count('<li id="source-')


def test_404_page_is_styled(client, db, settings):
    """Unknown addresses answer 404 with the site's own page."""
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "css/site.css" in response.content.decode()


def test_500_page_is_styled(rf, db):
    """The server-error page renders the site's template without a request context."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_pages_have_titles_and_descriptions(client, landscape):
    """Every page has its own title and meta description."""
    sseoe = OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")
    urls = ["/", landscape[0].get_absolute_url(), sseoe.get_absolute_url(), reverse("orgs:methodology")]
    titles = set()
    for url in urls:
        html = client.get(url).content.decode()
        assert '<meta name="description" content="' in html
        titles.add(html.split("<title>")[1].split("</title>")[0])
    assert len(titles) == len(urls)


def test_no_inline_scripts_or_styles(client, landscape):
    """Pages carry no inline script, event handler or style attribute (a CSP will forbid them)."""
    import re

    sseoe = OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")
    for url in ["/", landscape[0].get_absolute_url(), sseoe.get_absolute_url(), reverse("orgs:methodology")]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_every_download_link_answers_with_its_format(client, landscape):
    """Each link on the downloads page is served by the API in the format it names."""
    import re

    html = client.get(reverse("countries:downloads")).content.decode()
    links = re.findall(r'href="(/api/v1/[^"]+)" class="download" data-format="(\w+)"', html)
    assert len(links) == 5
    expected = {"csv": "text/csv"}
    for url, fmt in links:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert expected[fmt] in response["Content-Type"], (url, response["Content-Type"])


def test_home_matrix_cell_beyond_the_limit_gives_the_count_and_links_the_country(
    client, django_assert_num_queries, landscape
):
    """A family cell with more types than the home page names shows their number, linked to the country."""
    from public.views import HOME_CELL_TYPES

    country = landscape[0]
    family = OrganizationType.objects.filter(country=country).first().family
    names = [f"Crowded type {i}" for i in range(HOME_CELL_TYPES + 1)]
    for name in names:
        OrganizationTypeFactory(country=country, family=family, name=name, publication_status="published")
    in_cell = OrganizationType.objects.public().filter(country=country, family=family).count()
    with django_assert_num_queries(6):
        html = client.get("/").content.decode()
    assert f'<a href="{country.get_absolute_url()}">{in_cell} types</a>' in html
    assert not any(name in html for name in names)
    assert f"Worker cooperative {landscape[1].code}" in html  # small cells still list their types
