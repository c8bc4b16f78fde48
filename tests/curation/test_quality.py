import pytest
from django.core.management import CommandError, call_command

from curation.quality import ERROR, find_problems
from tests.factories import LegalBasisFactory, OrganizationTypeFactory, ReferenceFactory, StatisticFactory

pytestmark = pytest.mark.django_db


def messages():
    return {(p.model, p.message) for p in find_problems()}


def test_a_published_type_without_law_or_evidence_is_an_error():
    org_type = OrganizationTypeFactory()
    problems = [p for p in find_problems() if p.pk == org_type.pk and p.model == "orgs.OrganizationType"]
    assert {p.message for p in problems} == {
        "published type has no governing law (legal basis)",
        "published type has no sub-condition evidence",
    }
    assert all(p.severity == ERROR for p in problems)


def test_a_complete_type_has_no_problem():
    basis = LegalBasisFactory()
    ReferenceFactory(org_type=basis.org_type, law=basis.law)
    assert not [p for p in find_problems() if p.model.startswith("orgs.")]


def test_evidence_without_provision_and_source_names_both():
    ReferenceFactory(provision="", source=None)
    assert ("orgs.Reference", "evidence has no provision and no source") in messages()


def test_statistic_without_year_is_an_error_and_the_command_fails():
    StatisticFactory(year=None)
    assert ("countries.Statistic", "statistic has no year") in messages()
    with pytest.raises(CommandError, match=r"\d+ error"):
        call_command("check_data")
