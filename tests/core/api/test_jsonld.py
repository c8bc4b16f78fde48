"""
JSON-LD by the standards (issue 16): every ``format=jsonld`` response of the API, expanded by a
JSON-LD processor (pyld) against our own context (``/api/v1/context.jsonld``, fetched from the
app, never from the network): every property is a schema.org term used within its domain, or
one of our own terms; no term is dropped by the expansion; the licence is on every node (or on
the record page a term is the main entity of); types link to their laws and countries.
"""

import json

import pytest
from pyld import jsonld

from tests.api_helpers import API

pytestmark = pytest.mark.usefixtures("full_dataset")

SCHEMA = "https://schema.org/"
THING = None  # any type
CREATIVE_WORK = {"Legislation", "DefinedTermSet", "WebPage"}
# schema.org properties we use -> the types (of ours) in their domain.
DOMAINS = {
    "identifier": THING,
    "name": THING,
    "alternateName": THING,
    "description": THING,
    "sameAs": THING,
    "subjectOf": THING,
    "mainEntityOfPage": THING,
    "license": CREATIVE_WORK,
    "dateModified": CREATIVE_WORK,
    "spatialCoverage": CREATIVE_WORK,
    "legislationIdentifier": {"Legislation"},
    "legislationDate": {"Legislation"},
    "legislationType": {"Legislation"},
    "legislationJurisdiction": {"Legislation"},
    "legislationLegalForce": {"Legislation"},
    "termCode": {"DefinedTerm"},
    "inDefinedTermSet": {"DefinedTerm"},
}
TYPES = {"Legislation", "DefinedTerm", "DefinedTermSet", "WebPage"}


@pytest.fixture
def expand(anon):
    context_url = "http://testserver/api/v1/context.jsonld"

    def loader(url, options=None):
        assert url == context_url, f"the processor asked for {url}: only our own context is used"
        response = anon.get("/api/v1/context.jsonld")
        assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": response.json()}  # fmt: skip

    def expand(url):
        response = anon.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/ld+json"), url
        document = json.loads(response.content)
        assert document["@context"] == context_url
        return document, jsonld.expand(document, {"documentLoader": loader})

    return expand


def _compact_keys(value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                out.add(key)
            _compact_keys(item, out)
    elif isinstance(value, list):
        for item in value:
            _compact_keys(item, out)
    return out


def _nodes(value, out):
    """Every expanded node with a type (not a typed value: a date)."""
    if isinstance(value, dict):
        if "@type" in value and "@value" not in value:
            out.append(value)
        for item in value.values():
            _nodes(item, out)
    elif isinstance(value, list):
        for item in value:
            _nodes(item, out)
    return out


def _properties(value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                out.add(key)
            _properties(item, out)
    elif isinstance(value, list):
        for item in value:
            _properties(item, out)
    return out


JSONLD_URLS = [
    f"{API}laws/?format=jsonld&page_size=500",
    f"{API}laws/ph-ra-9520-cooperative-code-2008/?format=jsonld",
    f"{API}org-types/?format=jsonld&page_size=500",
    f"{API}org-types/ph-cooperative/?format=jsonld",
    f"{API}org-types/?format=jsonld&country=KR&as_of=2015-01-01",
]


@pytest.mark.parametrize("url", JSONLD_URLS)
def test_every_term_expands_to_schema_org_in_its_domain_or_ours(expand, anon, url):
    document, expanded = expand(url)
    ours = anon.get("/api/v1/context.jsonld").json()["@context"]["sse"]
    context = anon.get("/api/v1/context.jsonld").json()["@context"]
    # No term dropped: every key of the document is defined, and its IRI is in the expansion.
    used = _compact_keys(document, set())
    iris = _properties(expanded, set())
    for key in used:
        assert key in context, f"{key!r} is not in our context: a processor drops it"
        term = context[key]
        iri = term if isinstance(term, str) else term["@id"]
        iri = iri.replace("schema:", SCHEMA).replace("sse:", ours)
        assert iri in iris, f"{key!r} ({iri}) was dropped on expansion"
    assert iris <= {SCHEMA + p for p in DOMAINS} | {
        ours + t for t in context if context[t] and "sse:" in str(context[t])
    }
    nodes = _nodes(expanded, [])
    assert nodes, url
    for node in nodes:
        types = {t.removeprefix(SCHEMA) for t in node["@type"]}
        assert types <= TYPES, types
        for prop in node:
            if prop.startswith(SCHEMA):
                domain = DOMAINS[prop.removeprefix(SCHEMA)]
                assert domain is THING or types & domain, f"{prop} on {types}: outside its domain"
        # The licence on every node: on it, or (a term is no creative work) on its record's page.
        pages = node.get(SCHEMA + "mainEntityOfPage", [])
        licensed = SCHEMA + "license" in node or any(SCHEMA + "license" in page for page in pages)
        assert licensed, node.get("@id")


def test_laws_are_legislation_and_types_defined_terms_linked_to_laws_and_countries(expand):
    _doc, expanded = expand(f"{API}org-types/ph-cooperative/?format=jsonld")
    term = next(n for n in _nodes(expanded, []) if SCHEMA + "DefinedTerm" in n["@type"])
    assert term[SCHEMA + "termCode"] == [{"@value": "ph-cooperative"}]
    term_set = term[SCHEMA + "inDefinedTermSet"][0]
    assert SCHEMA + "DefinedTermSet" in term_set["@type"]
    assert term_set[SCHEMA + "spatialCoverage"] == [{"@id": "http://testserver/api/v1/countries/PH/"}]
    laws = [law["@id"] for law in term[SCHEMA + "subjectOf"]]
    assert "http://testserver/api/v1/laws/ph-ra-9520-cooperative-code-2008/" in laws
    _doc, law = expand(f"{API}laws/ph-ra-9520-cooperative-code-2008/?format=jsonld")
    law = law[0]
    assert law["@type"] == [SCHEMA + "Legislation"]
    assert law[SCHEMA + "legislationJurisdiction"] == [{"@id": "http://testserver/api/v1/countries/PH/"}]
    assert law[SCHEMA + "license"] == [{"@id": "https://creativecommons.org/licenses/by/4.0/"}]
    assert law[SCHEMA + "legislationDate"][0]["@type"] == SCHEMA + "Date"
