"""The stored classification equals the rule applied to the evidence, on every change path."""

import io
from itertools import chain, combinations

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from orgs.models import Evidence, OrganizationType, SubCondition
from tests.factories import (
    CountryFactory,
    EvidenceFactory,
    LawFactory,
    OrganizationTypeFactory,
    SourceFactory,
    give_evidence,
)

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
    return org_type.classification, org_type.features_met


def test_every_subset_stored_through_the_orm_matches_the_rule():
    """All 64 combinations of evidence, saved row by row, store the rule's result."""
    country = CountryFactory()
    law = LawFactory(country=country)
    subsets = chain.from_iterable(combinations(ALL_CODES, n) for n in range(7))
    for subset in subsets:
        org_type = OrganizationTypeFactory(country=country)
        give_evidence(org_type, *subset, law=law)
        expected = org_type.compute_classification()
        assert stored(org_type) == (expected.classification, expected.features_met), subset


def test_orm_save_and_delete_reclassify():
    org_type = OrganizationTypeFactory()
    rows = give_evidence(org_type, "public-interest", "non-profit", "democratic-governance")
    assert stored(org_type) == ("sseoe", 3)
    rows[2].delete()
    assert stored(org_type) == ("pho", 2)
    Evidence.objects.filter(org_type=org_type).delete()
    assert stored(org_type) == ("outside", 0)


def test_moving_evidence_to_another_type_reclassifies_both():
    first = OrganizationTypeFactory()
    second = OrganizationTypeFactory(country=first.country)
    law = LawFactory(country=first.country)
    rows = give_evidence(first, "public-interest", "non-profit", "democratic-governance", law=law)
    give_evidence(second, "public-interest", "non-profit", law=law)
    moved = Evidence.objects.get(pk=rows[2].pk)
    moved.org_type = second
    moved.save()
    assert stored(first) == ("pho", 2)
    assert stored(second) == ("sseoe", 3)


def test_bulk_create_and_queryset_update_reclassify():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    source = SourceFactory()
    Evidence.objects.bulk_create(
        [
            Evidence(
                org_type=org_type,
                law=law,
                source=source,
                provision="Art. 1",
                sub_condition=SubCondition.objects.get(code=code),
            )
            for code in ("public-interest", "for-profit", "free-establishment")
        ]
    )
    assert stored(org_type) == ("sseoe", 3)
    Evidence.objects.filter(org_type=org_type, sub_condition__code="for-profit").update(
        sub_condition=SubCondition.objects.get(code="social-problem")
    )
    assert stored(org_type) == ("pho", 2)


def test_m2m_add_through_the_relation_reclassifies():
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    org_type.sub_conditions.add(
        *SubCondition.objects.filter(code__in=["public-interest", "non-profit"]),
        through_defaults={"law": law, "provision": "Art. 4"},
    )
    assert stored(org_type) == ("pho", 2)


def test_deleting_a_law_reclassifies_the_types_it_supported():
    org_type = OrganizationTypeFactory()
    main_law = LawFactory(country=org_type.country)
    decree = LawFactory(country=org_type.country)
    give_evidence(org_type, "public-interest", "non-profit", law=main_law)
    give_evidence(org_type, "democratic-governance", law=decree)
    assert stored(org_type) == ("sseoe", 3)
    decree.delete()
    assert stored(org_type) == ("pho", 2)


def test_deleting_a_sub_condition_reclassifies():
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest", "non-profit", "democratic-governance")
    SubCondition.objects.get(code="democratic-governance").delete()
    assert stored(org_type) == ("pho", 2)


def test_moving_a_sub_condition_to_another_feature_reclassifies():
    org_type = OrganizationTypeFactory()
    give_evidence(org_type, "public-interest", "non-profit")
    assert stored(org_type) == ("pho", 2)
    sub_condition = SubCondition.objects.get(code="non-profit")
    sub_condition.feature = SubCondition.objects.get(code="free-establishment").feature
    sub_condition.save()
    assert stored(org_type) == ("pho", 2)
    assert org_type.compute_classification().missing_features == ("economic",)


def test_loaddata_with_a_stale_classification_is_corrected(tmp_path):
    """A fixture that carries a wrong stored value, loaded raw, ends up right."""
    country = CountryFactory()
    law = LawFactory(country=country)
    org_type = OrganizationTypeFactory(country=country)
    give_evidence(org_type, "public-interest", "for-profit", "free-establishment", law=law)
    out = io.StringIO()
    call_command(
        "dumpdata",
        "orgs.organizationtype",
        "orgs.evidence",
        "--natural-foreign",
        "--natural-primary",
        format="yaml",
        stdout=out,
    )
    records = yaml.safe_load(out.getvalue())
    for record in records:
        if record["model"] == "orgs.organizationtype":
            record["fields"]["classification"] = "outside"
            record["fields"]["features_met"] = 0
    # Types after their evidence: the worst order for a naive signal.
    records.sort(key=lambda r: r["model"] == "orgs.organizationtype")
    Evidence.objects.all().delete()
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True))
    call_command("loaddata", str(path), verbosity=0)
    assert stored(org_type) == ("sseoe", 3)


@pytest.fixture
def admin_client_with_type(admin_client):
    org_type = OrganizationTypeFactory()
    law = LawFactory(country=org_type.country)
    return admin_client, org_type, law


def _change_form_data(org_type, evidence_rows, existing=()):
    data = {
        "country": org_type.country_id,
        "name": org_type.name,
        "local_name": "",
        "slug": org_type.slug,
        "family": org_type.family_id,
        "legally_institutionalized": "on",
        "description": "",
        "publication_status": "published",
        "last_verified": "",
        "legal_bases-TOTAL_FORMS": "0",
        "legal_bases-INITIAL_FORMS": "0",
        "legal_bases-MIN_NUM_FORMS": "0",
        "legal_bases-MAX_NUM_FORMS": "1000",
        "evidence-TOTAL_FORMS": str(len(evidence_rows)),
        "evidence-INITIAL_FORMS": str(len(existing)),
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "change_reason": "test edit",
    }
    for i, row in enumerate(evidence_rows):
        for key, value in row.items():
            data[f"evidence-{i}-{key}"] = value
        data[f"evidence-{i}-org_type"] = org_type.pk
    return data


def test_admin_inline_add_and_delete_reclassify(admin_client_with_type):
    client, org_type, law = admin_client_with_type
    url = reverse("admin:orgs_organizationtype_change", args=[org_type.pk])
    sub = {s.code: s.pk for s in SubCondition.objects.all()}
    rows = [
        {
            "sub_condition": sub[code],
            "law": law.pk,
            "provision": f"Art. {i}",
            "note": "",
            "source": "",
            "verification": "statute",
            "id": "",
        }
        for i, code in enumerate(["public-interest", "non-profit", "democratic-governance"])
    ]
    response = client.post(url, _change_form_data(org_type, rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(org_type) == ("sseoe", 3)

    existing = list(org_type.evidence.order_by("pk"))
    rows = [
        {
            "sub_condition": e.sub_condition_id,
            "law": law.pk,
            "provision": e.provision,
            "note": "",
            "source": "",
            "verification": "statute",
            "id": e.pk,
        }
        for e in existing
    ]
    democratic = next(i for i, e in enumerate(existing) if e.sub_condition.code == "democratic-governance")
    rows[democratic]["DELETE"] = "on"
    response = client.post(url, _change_form_data(org_type, rows, existing=existing))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(org_type) == ("pho", 2)


def test_admin_shows_the_classification_read_only_with_its_explanation(admin_client_with_type):
    client, org_type, law = admin_client_with_type
    give_evidence(org_type, "public-interest", "non-profit", law=law)
    response = client.get(reverse("admin:orgs_organizationtype_change", args=[org_type.pk]))
    content = response.content.decode()
    assert 'name="classification"' not in content
    assert "A democratic provision would make it an SSEOE." in content


def test_stored_classification_of_a_new_type_without_evidence_is_outside():
    org_type = OrganizationType.objects.create(
        slug="bare", name="Bare", country=CountryFactory(), family=EvidenceFactory().org_type.family
    )
    assert stored(org_type) == ("outside", 0)
