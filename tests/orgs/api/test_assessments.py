"""The evidence as an endpoint: ``assessments/``, one row per cell (docs/api.md)."""

import pytest

from orgs.models import Assessment, OrganizationType
from tests.api_helpers import API, errors, problem, results

pytestmark = pytest.mark.usefixtures("full_dataset")

PARTNER_QUESTION = f"{API}assessments/?family=cooperative&sub_condition=D2&finding=met&page_size=500"


def test_every_cooperative_with_d2_with_law_and_provision_in_one_call(anon):
    """The partner question of docs/api.md, answered by one documented call."""
    rows = results(anon.get(PARTNER_QUESTION))
    expected = Assessment.objects.filter(
        org_type__in=OrganizationType.objects.public(),
        org_type__family__slug="cooperative",
        sub_condition__short_code="D2",
        finding="met",
    )
    assert sorted(row["org_type"]["key"] for row in rows) == sorted(expected.values_list("org_type__slug", flat=True))
    assert len(rows) > 10
    for row in rows:
        assert row["family"]["key"] == "cooperative" and row["short_code"] == "D2" and row["finding"] == "met"
        counting = [ref for ref in row["references"] if ref["counts"]]
        assert counting, row["key"]
        assert all(ref["law"]["url"] and ref["provision"] for ref in counting), row["key"]


def test_a_cell_is_looked_up_by_type_and_short_code(anon):
    row = results(anon.get(PARTNER_QUESTION))[0]
    assert row["key"] == f"{row['org_type']['key']}.D2"
    detail = anon.get(f"{API}assessments/{row['org_type']['key']}.d2/")
    assert detail.status_code == 200 and detail.json()["key"] == row["key"]


def test_the_page_reads_in_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    anon.get(f"{API}assessments/?page_size=5")
    with django_assert_max_num_queries(12):
        small = anon.get(f"{API}assessments/?page_size=5")
    with django_assert_max_num_queries(12):
        large = anon.get(f"{API}assessments/?page_size=300")
    assert len(results(small)) == 5 and len(results(large)) == 300


def test_not_assessed_cells_say_so_and_never_read_as_a_finding(anon):
    rows = results(anon.get(f"{API}assessments/?finding=not_assessed&page_size=500"))
    assert rows and all(row["finding"] == "not_assessed" for row in rows)
    assert all(not any(ref["counts"] for ref in row["references"]) for row in rows)


def test_as_of_gives_that_days_findings(anon):
    """Indonesia's cooperatives: the 2012 law counted in 2013, annulled in 2014."""
    then = results(anon.get(f"{API}assessments/?country=ID&family=cooperative&as_of=2013-06-01&page_size=500"))
    now = results(anon.get(f"{API}assessments/?country=ID&family=cooperative&page_size=500"))
    laws_then = {ref["law"]["key"] for row in then for ref in row["references"] if ref["counts"]}
    laws_now = {ref["law"]["key"] for row in now for ref in row["references"] if ref["counts"]}
    assert "id-law-17-2012-cooperatives" in laws_then and "id-law-17-2012-cooperatives" not in laws_now
    met_then = results(
        anon.get(f"{API}assessments/?country=ID&family=cooperative&as_of=2013-06-01&finding=met&page_size=500")
    )
    assert {row["key"] for row in met_then} == {row["key"] for row in then if row["finding"] == "met"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("finding=maybe", "finding"),
        ("sub_condition=Z9", "sub_condition"),
        ("verification=sure", "verification"),
        ("law=no-such-law", "law"),
        ("as_of=2013-02-30", "as_of"),
        ("family=nope", "family"),
    ],
)
def test_bad_filters_are_problems_naming_the_parameter(anon, query, parameter):
    assert parameter in errors(anon.get(f"{API}assessments/?{query}"))


def test_fields_and_include(anon):
    row = results(anon.get(f"{API}org-types/?fields=key,classification&page_size=1"))[0]
    assert set(row) == {"key", "classification"}
    assert "fields" in errors(anon.get(f"{API}org-types/?fields=key,colour"))
    plain = results(anon.get(f"{API}org-types/?page_size=2"))[0]
    assert "assessments" not in plain and "legal_bases" not in plain
    embedded = results(anon.get(f"{API}org-types/?page_size=2&include=assessments,legal_bases"))[0]
    assert len(embedded["assessments"]) == 6 and isinstance(embedded["legal_bases"], list)
    assert "include" in errors(anon.get(f"{API}org-types/?include=everything"))
    law = results(anon.get(f"{API}laws/?country=PH&include=references,legal_bases&page_size=50"))
    assert any(item["references"] for item in law) and any(item["legal_bases"] for item in law)
    problem(anon.get(f"{API}countries/?include=laws"), 400)
