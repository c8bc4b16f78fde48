"""
The stored landscape (each cell's finding, each type's classification) equals the rule
applied to the references in force today, after every path that can change it: the ORM,
bulk writes, the admin's nested inlines, the API, spreadsheet imports, fixtures, history
revert, the method changing (a feature added, a sub-condition added, moved or removed), a
law's events changing, and a dated event passing.
"""

import datetime
import io
from itertools import product

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.choices import PublicationStatus
from countries.choices import LawEventKind, LawStatus
from countries.models import Law, LawEvent, Revision
from curation.services import revision_approve
from orgs import classification as rule
from orgs.landscape import CurrentLandscapeMiddleware, checked, ensure_current, refresh_all
from orgs.models import Assessment, Feature, LandscapeDay, OrganizationType, Reference, SubCondition
from tests.factories import (
    CountryFactory,
    LawFactory,
    OrganizationTypeFactory,
    ReferenceFactory,
    SourceFactory,
    cell,
    give_evidence,
    not_stipulated,
)
from tests.fixtures.curation import make_user

pytestmark = pytest.mark.django_db

ALL_CODES = [
    "social-problem",
    "public-interest",
    "for-profit",
    "non-profit",
    "free-establishment",
    "democratic-governance",
]


def stored(org_type):
    org_type.refresh_from_db()
    return org_type.classification, org_type.classification_max, org_type.settled, org_type.features_met


def computed(org_type, day=None):
    result = OrganizationType.objects.filter(pk=org_type.pk).landscape_on(day)[org_type.pk].result
    return result.classification, result.highest, result.settled, result.features_met


def assert_in_step(*org_types):
    for org_type in org_types:
        assert stored(org_type) == computed(org_type), org_type
        for assessment in Assessment.objects.filter(org_type=org_type):
            today = OrganizationType.objects.filter(pk=org_type.pk).landscape_on()[org_type.pk]
            assert assessment.finding == today.cells[assessment.sub_condition_id].finding


SETTLED_SSEOE = ("sseoe", "sseoe", True, 3)
NOTHING_ASSESSED = ("outside", "sseoe", False, 0)


def test_a_new_type_has_six_cells_not_yet_assessed_and_could_be_anything():
    org_type = OrganizationTypeFactory()
    assert Assessment.objects.filter(org_type=org_type).count() == 6
    assert set(Assessment.objects.filter(org_type=org_type).values_list("finding", flat=True)) == {"not_assessed"}
    assert stored(org_type) == NOTHING_ASSESSED


@pytest.mark.parametrize("findings", list(product(rule.FINDINGS, repeat=4)), ids="-".join)
def test_combinations_stored_through_the_orm_match_the_rule(findings):
    """81 combinations of the three findings on four cells (the rest not assessed), saved row by row."""
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    for code, finding in zip(
        ["social-problem", "for-profit", "free-establishment", "democratic-governance"], findings, strict=True
    ):
        if finding != rule.NOT_ASSESSED:
            give_evidence(org_type, code, law=law, finding=finding)
    assert_in_step(org_type)


def test_orm_save_and_delete_reclassify():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    rows = give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    not_stipulated(org_type, "social-problem", "for-profit", "free-establishment", law=law)
    assert stored(org_type) == SETTLED_SSEOE
    rows[2].delete()
    assert stored(org_type) == ("pho", "sseoe", False, 2)  # D2 is now not assessed: provisional
    not_stipulated(org_type, "democratic-governance", law=law, kind="contrary")
    assert stored(org_type) == ("pho", "pho", True, 2)
    assert cell(org_type, "democratic-governance").not_stipulated_kind == "contrary"
    Reference.objects.filter(assessment__org_type=org_type).delete()
    assert stored(org_type) == NOTHING_ASSESSED


def test_a_met_reference_outweighs_a_not_stipulated_one_in_the_same_cell():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    not_stipulated(org_type, "democratic-governance", law=law)
    assert cell(org_type, "democratic-governance").finding == "not_stipulated"
    give_evidence(org_type, "democratic-governance", law=LawFactory(country=org_type.country))
    assert cell(org_type, "democratic-governance").finding == "met"


def test_moving_a_reference_to_another_type_reclassifies_both():
    first = OrganizationTypeFactory()
    second = OrganizationTypeFactory(country=first.country)
    law = LawFactory(country=first.country)
    rows = give_evidence(first, "public-interest", "non-profit", "democratic-governance", law=law)
    give_evidence(second, "public-interest", "non-profit", law=law)
    moved = Reference.objects.get(pk=rows[2].pk)
    moved.assessment = cell(second, "democratic-governance")
    moved.save()
    assert stored(first)[:2] == ("pho", "sseoe")
    assert stored(second)[:2] == ("sseoe", "sseoe")
    assert_in_step(first, second)


def test_bulk_create_bulk_update_and_queryset_update_reclassify():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    source = SourceFactory()
    rows = Reference.objects.bulk_create(
        [
            Reference(assessment=cell(org_type, code), law=law, source=source, provision="Art. 1", finding="met")
            for code in ("public-interest", "for-profit", "free-establishment")
        ]
    )
    assert stored(org_type)[:2] == ("sseoe", "sseoe")
    Reference.objects.filter(pk=rows[1].pk).update(finding="not_stipulated", not_stipulated_kind="silent")
    assert stored(org_type)[0] == "pho"
    row = Reference.objects.get(pk=rows[1].pk)
    row.finding, row.not_stipulated_kind = "met", ""
    Reference.objects.bulk_update([row], ["finding", "not_stipulated_kind"])
    assert stored(org_type)[0] == "sseoe"
    assert_in_step(org_type)


def test_deleting_a_law_reclassifies_the_types_it_supported():
    org_type = OrganizationTypeFactory()
    main_law = LawFactory(country=org_type.country)
    decree = LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "non-profit", law=main_law)
    give_evidence(org_type, "democratic-governance", law=decree)
    assert stored(org_type)[0] == "sseoe"
    decree.delete()
    assert stored(org_type)[0] == "pho"


def test_a_law_repealed_today_stops_counting_and_its_cells_become_not_assessed():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    assert stored(org_type)[0] == "sseoe"
    LawEvent.objects.create(law=law, kind=LawEventKind.REPEALED, date=datetime.date(2020, 1, 1))
    assert stored(org_type) == NOTHING_ASSESSED
    law.refresh_from_db()
    assert law.status == LawStatus.REPEALED
    assert_in_step(org_type)


def test_events_written_in_bulk_reclassify_too():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    LawEvent.objects.bulk_create([LawEvent(law=law, kind=LawEventKind.ANNULLED, date=datetime.date(2021, 5, 1))])
    assert stored(org_type) == NOTHING_ASSESSED
    LawEvent.objects.filter(law=law, kind=LawEventKind.ANNULLED).delete()
    assert stored(org_type)[0] == "sseoe"


def test_a_scheduled_event_takes_effect_when_its_date_passes_without_anyone_saving():
    """The law enters into force tomorrow: today the type rests on nothing in force; tomorrow it does."""
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country, in_force=False)
    LawEvent.objects.create(law=law, kind=LawEventKind.ENACTED, date=today - datetime.timedelta(days=30))
    LawEvent.objects.create(law=law, kind=LawEventKind.IN_FORCE, date=tomorrow)
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    law.refresh_from_db()
    assert (law.status, stored(org_type)) == (LawStatus.ENACTED, NOTHING_ASSESSED)
    ensure_current(today)
    result = ensure_current(tomorrow)
    assert result.ran and org_type.pk in result.types and law.pk in result.laws
    law.refresh_from_db()
    assert law.status == LawStatus.IN_FORCE
    assert stored(org_type)[0] == "sseoe"
    assert LandscapeDay.objects.get().computed_for == tomorrow
    assert not ensure_current(tomorrow).ran  # once a day


def test_the_middleware_refreshes_once_on_a_new_day(monkeypatch, rf):
    calls = []
    monkeypatch.setattr("orgs.landscape.ensure_current", lambda day: calls.append(day))
    middleware = CurrentLandscapeMiddleware(lambda request: "response")
    checked["on"] = None
    assert middleware(rf.get("/")) == "response"
    middleware(rf.get("/"))
    assert calls == [datetime.date.today()]


def test_the_method_changing_reclassifies_every_type():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    not_stipulated(org_type, "social-problem", "for-profit", "free-establishment", law=law)
    assert stored(org_type) == SETTLED_SSEOE
    # A sub-condition added: a new cell, not yet assessed (it cannot lower an SSEOE).
    sub = SubCondition.objects.create(
        code="solidarity", short_code="D3", name="Solidarity", feature=Feature.objects.get(code="democratic")
    )
    assert cell(org_type, "solidarity").finding == "not_assessed"
    assert stored(org_type) == SETTLED_SSEOE
    # Moved to a feature of its own, a new fourth feature: open, so provisional.
    environmental = Feature.objects.create(code="environmental", name="Environmental", order=4)
    assert stored(org_type) == ("pho", "pho", True, 3)  # a feature with no sub-condition can never be met
    sub.feature = environmental
    sub.save()
    assert stored(org_type) == ("pho", "sseoe", False, 3)
    sub.delete()
    assert stored(org_type) == ("pho", "pho", True, 3)
    environmental.delete()
    assert stored(org_type) == SETTLED_SSEOE
    assert_in_step(org_type)


def test_a_feature_added_through_the_api_reclassifies_every_type_once_approved():
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance")
    assert stored(org_type)[0] == "sseoe"
    client = APIClient()
    client.force_authenticate(User.objects.create_superuser("root", "root@example.org", "pw-long-enough-1"))
    response = client.post(
        "/api/v1/features/", {"code": "environmental", "name": "Environmental", "order": 4}, format="json"
    )
    assert response.status_code == 202, response.content  # the method is public: a new feature is a request
    assert stored(org_type)[0] == "sseoe"
    revision = Revision.objects.get(pk=response.json()["revision"])
    revision_approve(revision=revision, user=make_user("emma", "Editor"))
    assert stored(org_type)[0] == "pho"


def test_a_type_created_through_the_api_starts_with_six_open_cells():
    country = CountryFactory()
    family = OrganizationTypeFactory(country=country).family
    client = APIClient()
    client.force_authenticate(User.objects.create_superuser("root", "root@example.org", "pw-long-enough-1"))
    response = client.post(
        "/api/v1/org-types/",
        {"slug": "new-type", "name": "New", "country": country.code, "family": family.slug},
        format="json",
    )
    assert response.status_code == 201, response.content
    org_type = OrganizationType.objects.get(slug="new-type")
    assert stored(org_type) == NOTHING_ASSESSED
    assert Assessment.objects.filter(org_type=org_type).count() == 6


def test_a_history_revert_never_writes_an_old_classification_back():
    org_type = OrganizationTypeFactory(name="Before")
    law = LawFactory(country=org_type.country)
    old = org_type.history.latest()
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance", law=law)
    assert stored(org_type)[0] == "sseoe"
    old.instance.save()  # what the admin's history revert does
    assert stored(org_type)[0] == "sseoe"
    assert "classification" not in [f.name for f in OrganizationType.history.model._meta.fields]


def test_restoring_a_deleted_reference_from_its_history_reclassifies():
    org_type = OrganizationTypeFactory()
    (row,) = give_evidence(org_type, "democratic-governance")
    pk = row.pk
    row.delete()
    assert cell(org_type, "democratic-governance").finding == "not_assessed"
    Reference.history.filter(id=pk, history_type="-").get().instance.save()
    assert cell(org_type, "democratic-governance").finding == "met"


def test_loaddata_with_a_stale_classification_is_corrected(tmp_path):
    """A fixture that carries a wrong stored value, loaded raw, ends up right."""
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest", "for-profit", "free-establishment")
    out = io.StringIO()
    call_command(
        "dumpdata", "orgs.organizationtype", "--natural-foreign", "--natural-primary", format="yaml", stdout=out
    )
    records = yaml.safe_load(out.getvalue())
    for record in records:
        record["fields"]["classification"] = "outside"
        record["fields"]["settled"] = True
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True))
    call_command("loaddata", str(path), verbosity=0)
    assert stored(org_type)[0] == "sseoe"


def test_refresh_all_repairs_planted_drift_and_reclassify_says_what_it_changed():
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest", "for-profit", "free-establishment")
    OrganizationType.objects.filter(pk=org_type.pk).update(classification="outside", settled=True)
    Law.objects.update(status=LawStatus.REPEALED)
    out = io.StringIO()
    call_command("reclassify", stdout=out)
    assert f"({org_type.slug}): outside -> sseoe" in out.getvalue()
    assert "status repealed -> in_force" in out.getvalue()
    assert stored(org_type)[0] == "sseoe"
    assert not refresh_all().types


@pytest.fixture
def admin_client_with_type(admin_client):
    # A draft: its inline rows are saved in place (a published type's become a change set, curation's tests).
    org_type = OrganizationTypeFactory(publication_status=PublicationStatus.DRAFT)
    law = LawFactory(country=org_type.country)
    return admin_client, org_type, law


def _nested_form_data(org_type, references):
    """The type's change form: its fields, no legal basis, its six cells and their nested references."""
    data = {
        "country": org_type.country_id, "name": org_type.name, "local_name": "", "slug": org_type.slug,
        "family": org_type.family_id, "legally_institutionalized": "on", "description": "", "curator_note": "",
        "legal_bases-TOTAL_FORMS": "0", "legal_bases-INITIAL_FORMS": "0",
        "legal_bases-MIN_NUM_FORMS": "0", "legal_bases-MAX_NUM_FORMS": "1000",
        "change_reason": "test edit",
    }  # fmt: skip
    cells = list(
        Assessment.objects.filter(org_type=org_type).order_by("sub_condition__feature__order", "sub_condition__order")
    )
    data.update({"assessments-TOTAL_FORMS": str(len(cells)), "assessments-INITIAL_FORMS": str(len(cells)),
                 "assessments-MIN_NUM_FORMS": "0", "assessments-MAX_NUM_FORMS": "1000"})  # fmt: skip
    for i, assessment in enumerate(cells):
        prefix = f"assessments-{i}"
        data.update({f"{prefix}-id": assessment.pk, f"{prefix}-org_type": org_type.pk, f"{prefix}-note": "",
                     f"{prefix}-curator_note": ""})  # fmt: skip
        rows = references.get(assessment.sub_condition.code, [])
        existing = [r for r in rows if r.get("id")]
        nested = f"{prefix}-references"
        data.update({f"{nested}-TOTAL_FORMS": str(len(rows)), f"{nested}-INITIAL_FORMS": str(len(existing)),
                     f"{nested}-MIN_NUM_FORMS": "0", f"{nested}-MAX_NUM_FORMS": "1000"})  # fmt: skip
        for j, row in enumerate(rows):
            for key, value in row.items():
                data[f"{nested}-{j}-{key}"] = value
            data[f"{nested}-{j}-assessment"] = assessment.pk
    return data


def _reference_row(law, provision, finding="met", **extra):
    kind = "" if finding == "met" else "silent"
    return {"finding": finding, "not_stipulated_kind": kind, "law": law.pk, "provision": provision, "quote": "Text.",
            "quote_language": "en", "translation": "", "note": "", "curator_note": "", "valid_from": "",
            "valid_until": "", "source": "", "verification": "statute", "id": "", **extra}  # fmt: skip


def test_admin_nested_inlines_add_and_delete_reclassify(admin_client_with_type):
    client, org_type, law = admin_client_with_type
    url = reverse("admin:orgs_organizationtype_change", args=[org_type.pk])
    references = {
        "public-interest": [_reference_row(law, "Art. 1")],
        "non-profit": [_reference_row(law, "Art. 2")],
        "democratic-governance": [_reference_row(law, "Art. 3")],
    }
    response = client.post(url, _nested_form_data(org_type, references))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(org_type)[:2] == ("sseoe", "sseoe")
    d2 = Reference.objects.get(assessment__org_type=org_type, provision="Art. 3")
    references["democratic-governance"] = [_reference_row(law, "Art. 3", id=d2.pk, DELETE="on")]
    references["public-interest"][0]["id"] = Reference.objects.get(provision="Art. 1", assessment__org_type=org_type).pk
    references["non-profit"][0]["id"] = Reference.objects.get(provision="Art. 2", assessment__org_type=org_type).pk
    response = client.post(url, _nested_form_data(org_type, references))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(org_type)[:2] == ("pho", "sseoe")
    assert_in_step(org_type)


def test_admin_shows_the_classification_read_only_with_its_explanation(admin_client_with_type):
    client, org_type, law = admin_client_with_type
    give_evidence(org_type, "public-interest", "non-profit", law=law)
    response = client.get(reverse("admin:orgs_organizationtype_change", args=[org_type.pk]))
    content = response.content.decode()
    assert 'name="classification"' not in content
    assert "PHO so far (provisional: could still be SSEOE)" in content
    assert "an SSEOE if a democratic sub-condition, not yet assessed, is met" in content


def test_an_import_of_references_reclassifies_once(tmp_path):
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    source = SourceFactory()
    path = tmp_path / "references.csv"
    rows = ["org_type,sub_condition,finding,not_stipulated_kind,law,provision,quote,quote_language,source,verification"]
    for code in ("public-interest", "non-profit", "democratic-governance"):
        rows.append(f"{org_type.slug},{code},met,,{law.slug},Art. 9,Text,en,{source.slug},statute")
    rows.append(f"{org_type.slug},for-profit,not_stipulated,contrary,{law.slug},Art. 10,Text,en,{source.slug},statute")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    call_command("import_data", "references", str(path), verbosity=0)
    assert stored(org_type)[0] == "sseoe"
    assert cell(org_type, "for-profit").not_stipulated_kind == "contrary"
    assert_in_step(org_type)


def test_an_import_of_references_reports_an_unknown_cell_by_name(tmp_path):
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    path = tmp_path / "references.csv"
    path.write_text(f"org_type,sub_condition,finding,law,provision\nnope,public-interest,met,{law.slug},Art. 1\n")
    with pytest.raises(Exception, match="no organization type with organization type slug 'nope'"):
        call_command("import_data", "references", str(path), verbosity=0)
    assert not Reference.objects.exists()


def test_a_reference_counts_only_within_its_own_period():
    """An article amended in 2020: the old wording meets D1 until then, the new one does not."""
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country, enacted_on=datetime.date(1992, 1, 1))
    ReferenceFactory(org_type=org_type, sub_condition=SubCondition.objects.get(code="free-establishment"), law=law,
                     provision="Art. 6 (1992)", valid_until=datetime.date(2020, 11, 2))  # fmt: skip
    ReferenceFactory(org_type=org_type, sub_condition=SubCondition.objects.get(code="free-establishment"), law=law,
                     provision="Art. 6 (2020)", finding="not_stipulated", not_stipulated_kind="contrary",
                     valid_from=datetime.date(2020, 11, 2))  # fmt: skip
    landscape = OrganizationType.objects.filter(pk=org_type.pk)
    d1 = SubCondition.objects.get(code="free-establishment").pk
    assert landscape.landscape_on(datetime.date(2019, 1, 1))[org_type.pk].cells[d1].finding == "met"
    assert landscape.landscape_on(datetime.date(2020, 11, 2))[org_type.pk].cells[d1].finding == "not_stipulated"
    assert cell(org_type, "free-establishment").finding == "not_stipulated"
