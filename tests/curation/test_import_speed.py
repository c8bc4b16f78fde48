"""
What makes a 10,000-row import fast, each shown to keep the import's meaning
(docs/performance.md): related records and stored rows looked up for the whole
file, one reclassification per file, no uniqueness query the key already answers.
"""

import json

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Law, LawEvent
from curation.formats import resource_for
from curation.resources import ReferenceResource
from orgs import signals
from orgs.models import OrganizationType, Reference
from orgs.signals import reclassify_at_end
from tests.factories import OrganizationTypeFactory, give_evidence

pytestmark = pytest.mark.django_db

EVIDENCE_HEADERS = ["org_type", "sub_condition", "law", "provision", "note", "source", "verification"]


def evidence_rows(slugs, codes=("public-interest", "non-profit"), law="coop-act-1947"):
    return [[slug, code, law, "Art. 2", "", "ilo-brief", "statute"] for slug in slugs for code in codes]


def test_loading_stored_rows_takes_the_same_queries_for_few_and_many_rows(curated, django_assert_max_num_queries):
    country = curated["country"]
    types = [OrganizationTypeFactory(country=country, slug=f"t-{i}", name=f"T {i}") for i in range(40)]
    for org_type in types:
        give_evidence(org_type, "public-interest", law=curated["old"])
    # A reference is known by its cell, law and provision: the file's rows name these.
    Reference.objects.filter(assessment__org_type__in=types).update(provision="Art. 2")

    def import_queries(count):
        dataset = tablib.Dataset(*evidence_rows([t.slug for t in types[:count]], codes=("public-interest",)))
        dataset.headers = EVIDENCE_HEADERS
        with CaptureQueriesContext(connection) as queries:
            result = ReferenceResource().import_data(dataset, dry_run=True, use_transactions=True)
        assert not result.has_errors() and not result.has_validation_errors()
        assert result.totals["update"] == count
        return len(queries)

    few, many = import_queries(5), import_queries(40)
    # What is left per row: its savepoint and release, the update and its history row. No lookup
    # of the stored row or its related records, no uniqueness query, no reclassification.
    assert many - few == 4 * 35


def test_evidence_reclassifies_each_type_once_at_the_end_of_the_file(curated, tmp_path, monkeypatch):
    country = curated["country"]
    types = [OrganizationTypeFactory(country=country, slug=f"new-{i}", name=f"New {i}") for i in range(5)]
    calls = []
    original = signals.reclassify_types

    def counting(ids, *args, **kwargs):
        calls.append(set(ids))
        return original(ids, *args, **kwargs)

    monkeypatch.setattr(signals, "reclassify_types", counting)
    path = tmp_path / "evidence.json"
    rows = [dict(zip(EVIDENCE_HEADERS, row, strict=True)) for row in evidence_rows([t.slug for t in types])]
    path.write_text(json.dumps(rows))
    call_command("import_data", "references", str(path), verbosity=0)
    assert calls == [{t.pk for t in types}]
    for org_type in types:
        org_type.refresh_from_db()
        # public-interest (social) and non-profit (economic): two features, a PHO
        assert (org_type.classification, org_type.features_met) == ("pho", 2)


def test_reclassify_at_end_defers_then_applies_and_nests(curated):
    draft = curated["draft"]
    draft.refresh_from_db()
    assert (draft.classification, draft.features_met) == ("outside", 1)
    with reclassify_at_end():
        with reclassify_at_end():
            give_evidence(draft, "public-interest", "non-profit", law=curated["old"])
        draft.refresh_from_db()
        assert draft.classification == "outside"  # not yet: the outer block reclassifies
    draft.refresh_from_db()
    assert (draft.classification, draft.features_met) == ("sseoe", 3)


def test_a_failed_block_does_not_reclassify(curated):
    draft = curated["draft"]
    with pytest.raises(RuntimeError), reclassify_at_end():
        give_evidence(draft, "public-interest", "non-profit", law=curated["old"])
        raise RuntimeError("the import failed")
    draft.refresh_from_db()
    assert draft.classification == "outside"


def test_a_bad_evidence_file_leaves_classification_and_rows_untouched(curated, tmp_path):
    draft = curated["draft"]
    before = Reference.objects.count()
    rows = [dict(zip(EVIDENCE_HEADERS, row, strict=True)) for row in evidence_rows(["draft-type"])]
    rows.append({**rows[0], "sub_condition": "S9"})
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError, match="Row 4, column 'sub_condition'"):
        call_command("import_data", "references", str(path), verbosity=0)
    draft.refresh_from_db()
    assert (draft.classification, Reference.objects.count()) == ("outside", before)


def test_the_same_record_written_two_ways_is_refused(curated, tmp_path):
    """Keys are compared as the rows are read: ' coop-act-1947 ' is 'coop-act-1947', '2000-1-1' is '2000-01-01'."""
    rows = resource_for("law-events").export().dict
    year, month, day = rows[0]["date"].split("-")
    twin = {**rows[0], "law": f" {rows[0]['law']} ", "date": f"{year}-{int(month)}-{int(day)}", "note": "twin"}
    assert twin["date"] != rows[0]["date"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps([rows[0], twin]))
    with pytest.raises(CommandError, match="Rows 2 and 3 have the same key"):
        call_command("import_data", "law-events", str(path), verbosity=0)
    assert not LawEvent.objects.filter(note="twin").exists()


def test_uniqueness_off_the_key_is_still_checked_row_by_row(curated, tmp_path):
    """A new type whose name is taken in its country: the row and column are named, nothing written."""
    rows = resource_for("org-types").export().dict
    clash = {**rows[0], "slug": "another-scop", "name": "SCOP", "duplicate_override_reason": "past the gate"}
    path = tmp_path / "types.json"
    path.write_text(json.dumps([clash]))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", "org-types", str(path), verbosity=0)
    assert "Row 2" in str(excinfo.value) and "already exists" in str(excinfo.value)
    assert not OrganizationType.objects.filter(slug="another-scop").exists()


def test_rows_updated_through_the_loader_keep_their_identity(curated, tmp_path):
    """Re-importing evidence with a changed note updates the stored rows; none is created."""
    rows = resource_for("references").export().dict
    ids = set(Reference.objects.values_list("pk", flat=True))
    for row in rows:
        row["note"] = "Checked again."
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(rows))
    call_command("import_data", "references", str(path), verbosity=0)
    assert set(Reference.objects.values_list("pk", flat=True)) == ids
    assert set(Reference.objects.values_list("note", flat=True)) == {"Checked again."}
    assert Law.objects.count() == 2
