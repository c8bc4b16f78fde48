"""
check_data: each problem it knows, planted, is found and named; a complete record has none.
The second edition's checks: drift of the stored landscape, conflicts with the research's
statements, laws without events, references that overclaim, cells not assessed unexplained.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from countries.choices import LawEventKind, LawStatus
from countries.models import Law, LawEvent
from curation.quality import ERROR, WARNING, find_problems
from curation.services import quality_gate, records_of
from orgs.models import Assessment, Claim, OrganizationType, Reference
from tests.factories import (
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    ReferenceFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
    not_stipulated,
)

pytestmark = pytest.mark.django_db


def messages():
    return {(p.model, p.message) for p in find_problems()}


def problems_of(record):
    """
    The record's problems, found by the whole-database scan and by the scan of the record and its
    rows alone (what approving it runs, ``curation.services.quality_gate``): both must agree.
    """
    key = (record._meta.label, record.pk)
    everything = {(p.severity, p.message) for p in find_problems() if (p.model, p.pk) == key}
    scoped = {(p.severity, p.message) for p in find_problems(within=records_of(record)) if (p.model, p.pk) == key}
    assert scoped == everything
    return everything


def complete_type(**kwargs):
    """A published type with its legal basis and all six cells read from its law."""
    basis = LegalBasisFactory(**kwargs)
    org_type, law = basis.org_type, basis.law
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    not_stipulated(org_type, "social-problem", "for-profit", "free-establishment", law=law)
    return org_type, law


def test_a_published_type_without_law_or_any_assessed_cell_is_an_error():
    org_type = OrganizationTypeFactory()
    assert problems_of(org_type) == {
        (ERROR, "published type has no governing law (legal basis)"),
        (ERROR, "published type has no assessed cell: every sub-condition is not yet assessed"),
    }


def test_a_type_without_a_legal_form_and_nothing_assessed_is_only_a_warning():
    org_type = OrganizationTypeFactory(legally_institutionalized=False)
    assert problems_of(org_type) == {
        (WARNING, "published type without a legal form: no cell is assessed (no law to read)")
    }


def test_a_complete_type_has_no_problem():
    complete_type()
    assert not [p for p in find_problems() if p.model.startswith("orgs.")]


def test_a_cell_not_assessed_without_a_note_is_reported_and_a_note_answers_it():
    org_type, law = complete_type()
    Reference.objects.filter(assessment__org_type=org_type, assessment__sub_condition__code="for-profit").delete()
    cell = Assessment.objects.get(org_type=org_type, sub_condition__code="for-profit")
    assert problems_of(cell) == {
        (WARNING, "cell not yet assessed on a published type has no note saying what could not be read")
    }
    Assessment.objects.filter(pk=cell.pk).update(note="The business chapter was not read.")
    assert problems_of(cell) == set()


def test_reference_without_provision_and_source_names_both():
    ReferenceFactory(provision="", source=None)
    assert ("orgs.Reference", "reference has no provision and no source") in messages()


@pytest.mark.parametrize("level", ["statute", "official"])
def test_a_reference_that_claims_to_have_read_the_text_but_quotes_nothing_overclaims(level):
    row = ReferenceFactory(verification=level, quote="")
    assert (
        ERROR,
        f"reference labelled '{level}' quotes no wording: the level claims more than was read",
    ) in problems_of(row)
    Reference.objects.filter(pk=row.pk).update(verification="secondary")
    assert not [m for _, m in problems_of(row) if "overclaim" in m or "claims more" in m]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.scribd.com/document/442880433/mutual-benefit-assurance",
        "https://ja.scribd.com/document/94638760/Bmbelaw-IRR-Forms",
        "http://SlideShare.net/x/y",
        "https://dokumen.tips/documents/ra-9520.html",
    ],
)
def test_a_statute_level_on_a_document_sharing_copy_overclaims_for_every_kind_of_fact(url):
    """A copy of unknown origin is 'secondary' at best: references, laws and law events alike."""
    shared = SourceFactory(url=url)
    reference = ReferenceFactory(verification="statute", quote="Art. 1 text", source=shared)
    law = LawFactory(verification="statute", source=shared)
    event = LawEvent.objects.create(law=LawFactory(), kind="in_force", date=datetime.date(2001, 1, 1),
                                    source=shared, verification="official")  # fmt: skip
    for record in (reference, law, event):
        assert any("document-sharing copy" in m for s, m in problems_of(record) if s == ERROR), record
    Reference.objects.filter(pk=reference.pk).update(verification="secondary")
    assert not any("document-sharing" in m for _, m in problems_of(reference))


def test_a_site_whose_name_only_contains_a_sharing_host_is_not_taken_for_one():
    source = SourceFactory(url="https://notscribd.com.example.org/law.pdf")
    row = ReferenceFactory(verification="statute", quote="Art. 1 text", source=source)
    assert not any("document-sharing" in m for _, m in problems_of(row))


def test_a_reference_citing_another_countrys_law_is_an_error():
    org_type, _ = complete_type()
    foreign = LawFactory()
    row = ReferenceFactory(org_type=org_type, law=foreign)
    assert any("cites a law of" in m for _, m in problems_of(row))


def test_a_law_without_events_is_reported():
    law = LawFactory(in_force=False)
    assert problems_of(law) == {(ERROR, "law has no dated event: its status and when it is in force cannot be derived")}
    LawEvent.objects.create(law=law, kind=LawEventKind.IN_FORCE, date=datetime.date(2001, 1, 1))
    assert problems_of(law) == set()


def test_planted_drift_of_a_classification_a_finding_and_a_status_is_found_and_repaired():
    org_type, law = complete_type()
    OrganizationType.objects.filter(pk=org_type.pk).update(classification="outside", settled=True)
    cell = Assessment.objects.get(org_type=org_type, sub_condition__code="public-interest")
    Assessment.objects.filter(pk=cell.pk).update(finding="not_assessed")
    Law.objects.filter(pk=law.pk).update(status=LawStatus.REPEALED)
    drifted = {(p.model, p.pk) for p in find_problems() if "drifted" in p.message}
    assert drifted == {("orgs.OrganizationType", org_type.pk), ("orgs.Assessment", cell.pk), ("countries.Law", law.pk)}
    assert all(p.severity == ERROR for p in find_problems() if "drifted" in p.message)
    call_command("reclassify", verbosity=0)
    assert not [p for p in find_problems() if "drifted" in p.message]


def test_a_conflict_with_the_research_is_an_error_until_it_is_explained():
    org_type, _ = complete_type()  # settled: an SSEOE
    claim = Claim.objects.create(
        slug="c", country=org_type.country, org_type=org_type, statement="This type is a PHO.",
        source=SourceFactory(), expects="pho", publication_status="published",
    )  # fmt: skip
    assert problems_of(claim) == {
        (ERROR, f"the research expects a PHO; our coding differs ({org_type.name}) and no explanation says why")
    }
    Claim.objects.filter(pk=claim.pk).update(explanation="The law gives it all three features.")
    assert problems_of(claim) == {
        (WARNING, f"the research expects a PHO; our coding differs ({org_type.name}); explained on the type page")
    }
    Claim.objects.filter(pk=claim.pk).update(expects="sseoe")
    assert problems_of(claim) == set()


def test_a_claim_that_open_cells_decide_is_a_warning():
    org_type = LegalBasisFactory().org_type
    give_evidence(org_type, "public-interest", "non-profit")  # a PHO so far, could be an SSEOE
    claim = Claim.objects.create(
        slug="c", country=org_type.country, org_type=org_type, statement="An SSEOE.", source=SourceFactory(),
        expects="sseoe", publication_status="published",
    )  # fmt: skip
    assert (
        WARNING,
        f"the research expects an SSEOE; cells not yet assessed decide it ({org_type.name})",
    ) in problems_of(claim)


def test_statistic_without_year_is_an_error_and_the_command_fails():
    StatisticFactory(year=None)
    assert ("countries.Statistic", "statistic has no year") in messages()
    with pytest.raises(CommandError, match=r"\d+ error"):
        call_command("check_data")


def test_the_gate_reads_only_the_record_and_its_rows(curated):
    """Approving costs what the change touches: unrelated types add no query and no row read."""
    org_type = OrganizationType.objects.get(slug="scop")
    built = []

    def note(sender, **kwargs):
        built.append(sender)

    def cost():
        built.clear()
        post_init.connect(note)
        try:
            with CaptureQueriesContext(connection) as queries:
                quality_gate(org_type)
        finally:
            post_init.disconnect(note)
        return len(queries), len(built)

    before = cost()
    for index in range(5):
        other, _law = complete_type(org_type__slug=f"unrelated-{index}", org_type__country=org_type.country)
        Reference.objects.filter(assessment__org_type=other).update(provision="")  # with errors of their own
    assert cost() == before
    assert before[1] < 60, before
