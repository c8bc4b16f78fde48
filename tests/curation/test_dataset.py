"""The shipped dataset: complete, sourced, classified by the rule, and extensible by a file."""

import datetime
import textwrap

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from core.choices import PublicationStatus, Verification
from countries.models import Country, Law, LawEvent, Statistic
from curation.quality import ERROR, find_problems
from curation.summary import country_rows, render_markdown
from orgs import classification as rule
from orgs.models import Feature, OrganizationType, Reference

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def full_dataset(django_db_setup, django_db_blocker):
    """
    The shipped dataset, loaded once for this module inside a transaction that is
    rolled back at the end; each test still runs in its own savepoint.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_dataset", verbosity=0)
        yield
        transaction.set_rollback(True)


PHASE_ONE = ["KR", "JP", "ID", "PH", "CN", "MY"]


def test_every_phase_one_country_has_laws_types_statistics_and_a_sourced_narrative(full_dataset):
    """Each phase-one country ships published laws, types, a narrative with sources and statistics."""
    for code in PHASE_ONE:
        country = Country.objects.get(code=code)
        assert country.is_published
        assert country.narrative.strip(), code
        assert country.narrative_sources.exists(), code
        assert country.laws.published().count() >= 2, code
        assert OrganizationType.objects.published().filter(country=country).count() >= 2, code
    assert Statistic.objects.published().filter(country__code__in=PHASE_ONE).values("country").distinct().count() >= 5


def test_every_published_type_stores_the_classification_the_rule_gives_its_evidence(full_dataset):
    """The stored classification of each published type equals the rule applied to its evidence."""
    features = list(Feature.objects.values_list("code", flat=True))
    types = OrganizationType.objects.published().prefetch_related("evidence__sub_condition__feature")
    assert types.count() >= 20
    for org_type in types:
        expected = rule.classify((e.sub_condition.feature.code for e in org_type.evidence.all()), features)
        assert (org_type.classification, org_type.features_met) == (expected.classification, expected.features_met), (
            org_type.slug
        )
    assert types.filter(classification=rule.SSEOE).exists() and types.filter(classification=rule.PHO).exists()


def test_indonesian_cooperative_law_history_is_modelled_as_events(full_dataset):
    """Law 17/2012 governs in 2013; after the 28 May 2014 annulment Law 25/1992 governs again."""
    in_2013 = set(Law.objects.in_force_on(datetime.date(2013, 6, 1)).values_list("slug", flat=True))
    in_2015 = set(Law.objects.in_force_on(datetime.date(2015, 6, 1)).values_list("slug", flat=True))
    assert "id-law-17-2012-cooperatives" in in_2013 and "id-law-25-1992-cooperatives" not in in_2013
    assert "id-law-25-1992-cooperatives" in in_2015 and "id-law-17-2012-cooperatives" not in in_2015
    annulled = LawEvent.objects.get(law__slug="id-law-17-2012-cooperatives", kind="annulled")
    assert (annulled.date, annulled.reference) == (
        datetime.date(2014, 5, 28),
        "Constitutional Court Decision No. 28/PUU-XI/2013",
    )
    reinstated = LawEvent.objects.get(law__slug="id-law-25-1992-cooperatives", kind="reinstated")
    assert reinstated.date == annulled.date
    # Cooperatives carry evidence under both laws, so time travel changes their legal basis.
    laws = set(Reference.objects.filter(assessment__org_type__slug="id-cooperative").values_list("law__slug", flat=True))
    assert laws == {"id-law-17-2012-cooperatives", "id-law-25-1992-cooperatives"}


def test_the_philippine_present_bill_is_still_a_bill_and_never_in_force(full_dataset):
    """The PRESENT bill is a bill with 'introduced' events and no force."""
    bill = Law.objects.get(slug="ph-present-bill")
    assert (bill.kind, bill.status, bill.enacted_on) == ("bill", "bill", None)
    assert set(bill.events.values_list("kind", flat=True)) == {"introduced"}
    assert not Law.objects.in_force_on(datetime.date.today()).filter(pk=bill.pk).exists()


def test_korean_village_enterprises_ran_under_guidelines_before_their_act(full_dataset):
    """Village enterprises rest on MOIS guidelines (a guideline) that the 2025 act replaces."""
    act = Law.objects.get(slug="kr-village-enterprise-act-2025")
    guideline = Law.objects.get(slug="kr-mois-village-enterprise-guidelines")
    assert guideline.kind == "guideline"
    assert list(act.replaces.all()) == [guideline]
    in_2015 = Law.objects.in_force_on(datetime.date(2015, 1, 1))
    assert in_2015.filter(pk=guideline.pk).exists() and not in_2015.filter(pk=act.pk).exists()
    assert set(OrganizationType.objects.get(slug="kr-village-enterprise").laws.all()) == {act, guideline}


def test_every_published_record_has_a_source(full_dataset):
    """Published laws, statistics and all evidence and narratives cite a source."""
    assert not Law.objects.published().filter(source=None).exists()
    assert not Statistic.objects.published().filter(source=None).exists()
    assert not Reference.objects.filter(source=None).exists()
    assert not Reference.objects.filter(provision="").exists()


def test_every_law_that_is_in_force_has_an_in_force_event(full_dataset):
    """A shipped law whose status says it is in force is found by in_force_on today."""
    current = Law.objects.filter(status__in=["in_force", "amended", "reinstated"], enacted_on__isnull=False)
    in_force = set(Law.objects.in_force_on(datetime.date.today()).values_list("pk", flat=True))
    missing = [law.slug for law in current if law.pk not in in_force]
    assert missing == []


def test_unverified_facts_are_flagged_with_a_note(full_dataset):
    """Every unverified row on a published record says what is unverified."""
    unverified = Verification.UNVERIFIED
    assert not Reference.objects.filter(verification=unverified, note="").exists()
    assert not LawEvent.objects.filter(verification=unverified, note="").exists()
    assert not Law.objects.filter(verification=unverified, verification_note="").exists()
    assert Reference.objects.filter(verification=unverified).exists()  # the flags are really used


def test_the_shipped_dataset_passes_check_data_with_no_errors(full_dataset, capsys):
    """check_data finds no error in the shipped dataset and exits normally."""
    assert [str(p) for p in find_problems() if p.severity == ERROR] == []
    call_command("check_data")
    assert "0 error(s)" in capsys.readouterr().out


def test_check_data_flags_an_unverified_statistic_without_a_note(full_dataset):
    """An unverified published statistic with no note is an error naming the record."""
    stat = Statistic.objects.get(slug="kr-village-enterprises-2024")
    Statistic.objects.filter(pk=stat.pk).update(verification=Verification.UNVERIFIED, note="")
    problems = [p for p in find_problems() if p.model == "countries.Statistic" and p.pk == stat.pk]
    assert [(p.severity, p.message) for p in problems] == [
        (ERROR, "unverified statistic has no note saying what is unverified")
    ]


def test_phase_two_countries_are_unpublished_drafts(full_dataset):
    """The six phase-two countries exist and are not public."""
    drafts = Country.objects.filter(phase=2)
    assert set(drafts.values_list("code", flat=True)) == {"KH", "KG", "LA", "MN", "TH", "VN"}
    assert not drafts.published().exists()


def test_the_committed_summary_table_matches_the_command_output(full_dataset):
    """docs/dataset.md is exactly what dataset_summary generates from the shipped data."""
    committed = (settings.BASE_DIR / "docs" / "dataset.md").read_text(encoding="utf-8")
    assert committed == render_markdown(country_rows())
    call_command("dataset_summary", check=settings.BASE_DIR / "docs" / "dataset.md")


NEW_COUNTRY = textwrap.dedent(
    """
    - model: countries.source
      fields: {slug: fr-test-code, title: "Test statute", url: "https://example.org/fr", kind: law_text}
    - model: countries.country
      fields:
        code: FR
        name: Testland
        slug: testland
        region: east_asia
        phase: 2
        publication_status: published
        narrative: "A test country added through a dataset file."
        narrative_sources: [[fr-test-code]]
    - model: countries.law
      fields: {slug: fr-coop-act, country: [FR], title: Cooperatives Act, kind: act, status: in_force,
               enacted_on: 2001-05-01, source: [fr-test-code], verification: statute, publication_status: published}
    - model: countries.lawevent
      fields: {law: [fr-coop-act], kind: in_force, date: 2001-05-01, source: [fr-test-code], verification: statute}
    - model: orgs.organizationtype
      fields: {slug: fr-coop, country: [FR], family: [cooperative], name: Cooperative, publication_status: published}
    - model: orgs.legalbasis
      fields: {org_type: [fr-coop], law: [fr-coop-act], provision: "Art. 1"}
    - model: orgs.evidence
      fields: {org_type: [fr-coop], sub_condition: [public-interest], law: [fr-coop-act], provision: "Art. 1",
               note: Community purpose., source: [fr-test-code], verification: statute}
    - model: orgs.evidence
      fields: {org_type: [fr-coop], sub_condition: [for-profit], law: [fr-coop-act], provision: "Art. 2",
               note: Trades for members., source: [fr-test-code], verification: statute}
    - model: orgs.evidence
      fields: {org_type: [fr-coop], sub_condition: [democratic-governance], law: [fr-coop-act], provision: "Art. 3",
               note: One member one vote., source: [fr-test-code], verification: statute}
    """
)


def test_an_analyst_adds_a_country_with_a_file_and_it_appears_classified(full_dataset, tmp_path):
    """A new country file loaded with load_dataset appears with its law in force and its type classified."""
    path = tmp_path / "fr.yaml"
    path.write_text(NEW_COUNTRY, encoding="utf-8")
    call_command("load_dataset", str(path), verbosity=0)
    country = Country.objects.published().get(code="FR")
    org_type = OrganizationType.objects.get(slug="fr-coop")
    assert (org_type.country, org_type.classification, org_type.features_met) == (country, rule.SSEOE, 3)
    assert Law.objects.in_force_on(datetime.date(2020, 1, 1)).filter(slug="fr-coop-act").exists()
    assert "FR" in {row.code for row in country_rows()}
    assert not [p for p in find_problems() if p.severity == ERROR]
    assert country.publication_status == PublicationStatus.PUBLISHED


def test_every_dataset_record_names_only_fields_its_model_has():
    """Each record in the shipped files uses a known model and only that model's field names."""
    import yaml
    from django.apps import apps

    from curation.dataset import default_paths

    for path in default_paths():
        for index, record in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            model = apps.get_model(record["model"])
            known = {f.name for f in model._meta.get_fields()}
            unknown = set(record["fields"]) - known
            assert not unknown, f"{path.name} record {index}: unknown fields {sorted(unknown)}"


def test_check_data_flags_unverified_evidence_and_events_without_notes(full_dataset):
    """Unverified evidence or law events on published records without a note are errors."""
    row = Reference.objects.filter(assessment__org_type__publication_status="published").first()
    event = LawEvent.objects.filter(law__publication_status="published").first()
    Reference.objects.filter(pk=row.pk).update(verification=Verification.UNVERIFIED, note="")
    LawEvent.objects.filter(pk=event.pk).update(verification=Verification.UNVERIFIED, note="")
    errors = {(p.model, p.pk, p.message) for p in find_problems() if p.severity == ERROR}
    assert errors == {
        ("orgs.Reference", row.pk, "unverified evidence on a published type has no note saying what is unverified"),
        ("countries.LawEvent", event.pk, "unverified event of a published law has no note saying what is unverified"),
    }


def test_check_data_flags_a_published_law_without_a_source(full_dataset):
    """A published law with no source is an error even when it has a text URL."""
    law = Law.objects.get(slug="jp-npo-act")
    Law.objects.filter(pk=law.pk).update(source=None)
    messages = {p.message for p in find_problems() if p.model == "countries.Law" and p.pk == law.pk}
    assert messages == {"published law has no source"}
