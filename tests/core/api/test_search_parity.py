"""
Search gives the same records on SQLite and PostgreSQL (issue 16): a fixed list of queries in
English, Korean, Japanese, Chinese, Malay, Indonesian and Filipino, plus misspellings, each
compared with a reference computed in Python from the records themselves (no database operator),
so a run on each database checks that database against the same answer. `.ci/run` runs this
module on both.
"""

import pytest

from core.api.filters import SEARCH_SIMILARITY_THRESHOLD, fuzzy_fields, normalise, similarity
from countries.filtersets import CountryFilterSet, LawFilterSet
from countries.models import Country, Law
from orgs.filtersets import OrganizationTypeFilterSet
from orgs.models import OrganizationType
from tests.api_helpers import API, results

pytestmark = pytest.mark.usefixtures("full_dataset")

ENDPOINTS = {
    "laws": (Law, "slug", LawFilterSet.search_fields),
    "org-types": (OrganizationType, "slug", OrganizationTypeFilterSet.search_fields),
    "countries": (Country, "code", CountryFilterSet.search_fields),
}

# (endpoint, query, keys that must be among the results): the last column pins facts of the dataset.
QUERIES = [
    ("laws", "Koperasi", {"id-law-25-1992-cooperatives"}),
    ("laws", "koprasi", {"id-permenkop-8-2023-savings-loans"}),  # misspelt Malay/Indonesian
    ("laws", "협동조합", {"kr-agricultural-cooperatives-act-1957"}),  # Korean
    ("laws", "cooperative code", set()),
    ("org-types", "coop", {"ph-cooperative", "id-cooperative"}),
    ("org-types", "coperative", {"ph-cooperative"}),  # misspelt English
    ("org-types", "cooperative", {"jp-consumer-cooperative"}),
    ("org-types", "協同組合", {"jp-agricultural-cooperative"}),  # Japanese
    ("org-types", "合作社", {"cn-farmers-specialized-cooperative"}),  # Chinese
    ("org-types", "koperasi", {"id-cooperative"}),  # Indonesian / Malay
    ("org-types", "kooperatiba", {"ph-cooperative"}),  # Filipino
    ("org-types", "samahan", set()),  # Filipino
    ("org-types", "social enterprise", {"ph-social-enterprise-present"}),
    ("org-types", "사회적기업", set()),  # Korean
    ("countries", "Malaysia", {"MY"}),
    ("countries", "Pilipinas", set()),
]


def _reference(model, key, fields, query):
    """{key: rank} as docs/api.md describes the search, from the records' text in Python."""
    words = normalise(query).split()
    value = " ".join(words)
    rows = [(row[0], [normalise(t) for t in row[1:]]) for row in model.objects.public().values_list(key, *fields)]
    exact = {k: texts for k, texts in rows if all(any(w in t for t in texts) for w in words)}
    if exact:
        return {
            k: 3 if texts[0] == value else 2 if texts[0].startswith(value) else 1 if value in texts[0] else 0
            for k, texts in exact.items()
        }
    fuzzy = {}
    short = [i for i, f in enumerate(fields) if f in fuzzy_fields(fields)]
    assert 0 < len(short) < len(fields), "the long texts are left out of the misspelling pass"
    for k, texts in rows:
        text_words = " ".join(texts[i] for i in short).split()
        score = min(max((similarity(w, t) for t in text_words), default=0) for w in words)
        if score >= SEARCH_SIMILARITY_THRESHOLD:
            fuzzy[k] = round(score * 1000)
    return fuzzy


@pytest.mark.parametrize(("endpoint", "query", "must_find"), QUERIES, ids=[f"{e}:{q}" for e, q, _ in QUERIES])
def test_search_finds_what_the_reference_finds_ranked(anon, endpoint, query, must_find):
    model, key, fields = ENDPOINTS[endpoint]
    expected = _reference(model, key, fields, query)
    rows = results(anon.get(f"{API}{endpoint}/", {"search": query, "page_size": 500}))
    found = [row["key"] for row in rows]
    assert set(found) == set(expected)
    assert must_find <= set(found)
    # Ranked: best first (ties in each endpoint's own order, which may collate differently per database).
    ranks = [expected[k] for k in found]
    assert ranks == sorted(ranks, reverse=True)


def test_the_key_queries_find_something_in_every_language(anon):
    """None of the listed queries finds nothing (a reference that finds nothing would pass trivially)."""
    for endpoint, query, _ in QUERIES:
        assert results(anon.get(f"{API}{endpoint}/", {"search": query})), (endpoint, query)


def test_a_misspelling_finds_nothing_unrelated():
    """Adversarial: gibberish finds nothing; the similarity is pg_trgm's (shared over all trigrams)."""
    assert similarity("koprasi", "koperasi") > SEARCH_SIMILARITY_THRESHOLD
    assert similarity("coperative", "cooperative") > 0.6
    assert similarity("xqzv", "cooperative") == 0


def test_gibberish_finds_nothing(anon):
    assert results(anon.get(f"{API}org-types/", {"search": "xqzvwk"})) == []
    assert results(anon.get(f"{API}laws/", {"search": "qqqq zzzz"})) == []
