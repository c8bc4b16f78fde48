"""Spreadsheet import/export of the curated models: commands, natural keys, dry run, errors, round trip."""

import json

import pytest
import tablib
from django.core.management import CommandError, call_command

from countries.models import Country, Law, LawEvent, Source, Statistic
from curation.formats import RESOURCES, export_whole, import_file_data, resource_for
from curation.resources import ReferenceResource
from orgs.models import Claim, LegalBasis, OrganizationType, Reference

ALL_MODELS = [Claim, Statistic, Reference, LegalBasis, OrganizationType, LawEvent, Law, Country, Source]


def wipe():
    for model in ALL_MODELS:
        model.objects.all().delete()


def export_text(name, fmt="csv"):
    data = resource_for(name).export().export(fmt)
    return data


@pytest.mark.parametrize("name", list(RESOURCES))
def test_exports_use_natural_keys_never_ids(curated, name):
    """No export carries an 'id' column; relations are written as ISO codes, slugs and sub-condition codes."""
    dataset = resource_for(name).export()
    assert "id" not in dataset.headers
    assert len(dataset) > 0
    text = dataset.export("csv")
    if name == "references":
        assert "scop,democratic-governance,met,,sse-law-2014" in text
    if name == "assessments":
        assert "draft-type,public-interest,The purposes article was not read yet." in text
    if name == "laws":
        row = dict(zip(dataset.headers, dataset[[r[0] for r in dataset].index("sse-law-2014")], strict=True))
        assert row["country"] == "FR" and row["source"] == "ilo-brief" and row["amends"] == "coop-act-1947"
    if name == "org-types":
        assert "classification" not in dataset.headers and "features_met" not in dataset.headers


def test_laws_export_referenced_laws_first(curated):
    """A law that another law amends is exported before it, so the file imports in one pass."""
    slugs = [row[0] for row in resource_for("laws").export()]
    assert slugs.index("coop-act-1947") < slugs.index("sse-law-2014")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_into_an_empty_database_reproduces_the_data(curated, tmp_path, fmt):
    """Export every model, empty the database, import the files: the new exports equal the old ones."""
    before = {name: export_text(name, "csv") for name in RESOURCES}
    files = {}
    for name in RESOURCES:
        path = tmp_path / f"{name}.{fmt}"
        data = resource_for(name).export().export(fmt)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        files[name] = path
    wipe()
    assert not OrganizationType.objects.exists()
    for name in RESOURCES:
        call_command("import_data", name, str(files[name]), verbosity=0)
    after = {name: export_text(name, "csv") for name in RESOURCES}
    assert after == before
    scop = OrganizationType.objects.get(slug="scop")
    assert (scop.classification, scop.features_met) == ("sseoe", 3)
    assert OrganizationType.objects.get(slug="draft-type").features_met == 1


def test_reimporting_an_unchanged_file_changes_nothing(curated, tmp_path):
    """Every row of a re-imported export is reported unchanged; no updated_at or history moves."""
    for name in RESOURCES:
        path = tmp_path / f"{name}.csv"
        path.write_text(export_text(name))
        law_history = Law.history.count()
        stamps = list(Law.objects.order_by("pk").values_list("updated_at", flat=True))
        result, lines = import_file_data(
            name, tablib.Dataset().load(path.read_text(), format="csv"), dry_run=False, file_name=path.name
        )
        assert {line.status for line in lines} == {"unchanged"}, name
        assert result.totals["skip"] == len(lines)
        assert Law.history.count() == law_history
        assert list(Law.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_dry_run_previews_each_row_and_writes_nothing(curated, tmp_path, capsys):
    """--dry-run prints new/update/unchanged per row and leaves the database as it was."""
    dataset = resource_for("laws").export()
    rows = dataset.dict
    rows[0]["title"] = "Changed title"
    rows.append({**rows[1], "slug": "brand-new-law", "amends": "", "replaces": ""})
    path = tmp_path / "laws.json"
    path.write_text(json.dumps(rows))
    call_command("import_data", "laws", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "update" in out and "new" in out and "unchanged" in out
    assert "Dry run, nothing written: 1 new, 1 updated, 1 unchanged" in out
    assert not Law.objects.filter(slug="brand-new-law").exists()
    assert not Law.objects.filter(title="Changed title").exists()


def test_an_import_is_recorded_in_history_with_the_file_name(curated, tmp_path):
    """Each row an import writes gets a history row whose reason names the file."""
    rows = resource_for("countries").export().dict
    rows[0]["narrative"] = "A new narrative."
    path = tmp_path / "countries-2026.json"
    path.write_text(json.dumps(rows))
    call_command("import_data", "countries", str(path), verbosity=0)
    latest = Country.history.filter(code="FR").latest("history_date")
    assert latest.history_change_reason == "Imported from countries-2026.json"
    assert latest.narrative == "A new narrative."


BAD_FILES = {
    "unknown country": (
        "laws",
        {"country": "XX"},
        "column 'country': There is no country with ISO code 'XX'",
    ),
    "unknown source": (
        "laws",
        {"source": "nowhere"},
        "column 'source': There is no source with source slug 'nowhere'",
    ),
    "unknown amended law": (
        "laws",
        {"amends": "ghost-law"},
        "column 'amends': There is no law with law slug 'ghost-law'",
    ),
    "bad choice": ("laws", {"kind": "poem"}, "column 'kind': Value 'poem' is not a valid choice"),
    "bad date": ("laws", {"enacted_on": "31/31/2020"}, "column 'enacted_on'"),
    "missing required": ("laws", {"title": ""}, "column 'title': This field cannot be blank"),
    "rule broken": (
        "laws",
        {"kind": "bill"},
        "column 'enacted_on': A bill has no enactment date",
    ),
    "unknown sub-condition": (
        "references",
        {"sub_condition": "S9"},
        "column 'sub_condition': There is no sub-condition with sub-condition code 'S9'",
    ),
    "unknown org type in key": (
        "references",
        {"org_type": "nope"},
        "column 'org_type': There is no organization type with organization type slug 'nope'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_file_with_one_bad_row_writes_nothing_and_names_row_and_column(curated, tmp_path, case):
    """One bad row among good ones: the command fails naming row, column and problem, and nothing is written."""
    name, change, message = BAD_FILES[case]
    rows = resource_for(name).export().dict
    rows[0]["note" if name == "references" else "verification_note"] = "Good change that must not be written."
    rows[-1].update(change)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", name, str(path), verbosity=0)
    text = str(excinfo.value)
    assert text.startswith("Nothing was imported")
    assert f"Row {len(rows)}, {message}" in text
    model = {"laws": Law, "references": Reference}[name]
    field = "note" if name == "references" else "verification_note"
    assert not model.objects.filter(**{field: "Good change that must not be written."}).exists()


def test_unreadable_and_wrong_format_files_are_refused(curated, tmp_path):
    """A file that is not CSV/XLSX/JSON, or is corrupt, is refused with a message naming the file."""
    txt = tmp_path / "laws.txt"
    txt.write_text("hello")
    with pytest.raises(CommandError, match="unknown format 'txt'"):
        call_command("import_data", "laws", str(txt))
    broken = tmp_path / "laws.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="laws.xlsx: is not a readable XLSX file"):
        call_command("import_data", "laws", str(broken))
    missing_key = tmp_path / "laws.csv"
    missing_key.write_text("title\nA law\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_data", "laws", str(missing_key), verbosity=0)
    assert not Law.objects.filter(title="A law").exists()


def test_classification_is_never_imported_and_follows_imported_evidence(curated, tmp_path):
    """A classification column in a file is ignored; importing evidence reclassifies the type."""
    rows = resource_for("org-types").export().dict
    for row in rows:
        row["classification"] = "sseoe"
        row["features_met"] = 3
    path = tmp_path / "types.json"
    path.write_text(json.dumps(rows))
    call_command("import_data", "org-types", str(path), verbosity=0)
    draft = OrganizationType.objects.get(slug="draft-type")
    assert (draft.classification, draft.features_met) == ("outside", 1)

    evidence = [
        {
            "org_type": "draft-type",
            "sub_condition": code,
            "law": "coop-act-1947",
            "provision": "Art. 2",
            "note": "",
            "source": "ilo-brief",
            "verification": "statute",
        }
        for code in ("public-interest", "non-profit")
    ]
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(evidence))
    call_command("import_data", "references", str(path), verbosity=0)
    draft.refresh_from_db()
    assert (draft.classification, draft.features_met) == ("sseoe", 3)


def test_bulk_evidence_import_keeps_classification_right(curated):
    """A bulk resource (bulk_create) still reclassifies the types it touches."""
    class BulkReferenceResource(ReferenceResource):
        class Meta(ReferenceResource.Meta):
            use_bulk = True

    dataset = tablib.Dataset(
        headers=["org_type", "sub_condition", "law", "provision", "note", "source", "verification"]
    )
    dataset.append(["draft-type", "public-interest", "coop-act-1947", "Art. 3", "", "ilo-brief", "statute"])
    dataset.append(["draft-type", "non-profit", "coop-act-1947", "Art. 4", "", "ilo-brief", "statute"])
    result = BulkReferenceResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    draft = OrganizationType.objects.get(slug="draft-type")
    assert (draft.classification, draft.features_met) == ("sseoe", 3)


def test_whole_dataset_round_trip_in_one_workbook_and_in_json(curated, tmp_path):
    """export_dataset writes one file (sheet per model); import_dataset into an empty database restores it."""
    before = {name: ds.export("csv") for name, ds in export_whole().items()}
    for suffix in ("xlsx", "json"):
        path = tmp_path / f"backup.{suffix}"
        call_command("export_dataset", str(path), verbosity=0)
        wipe()
        call_command("import_dataset", str(path), verbosity=0)
        assert {name: ds.export("csv") for name, ds in export_whole().items()} == before


def test_whole_dataset_import_is_all_or_nothing(curated, tmp_path):
    """A bad row in the last sheet rolls back the sheets imported before it."""
    path = tmp_path / "backup.json"
    call_command("export_dataset", str(path), verbosity=0)
    data = json.loads(path.read_text())
    wipe()
    data["statistics"][0]["country"] = "ZZ"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="statistics: Row 1, column 'country': There is no country"):
        call_command("import_dataset", str(path), verbosity=0)
    assert not Source.objects.exists() and not Law.objects.exists()


def test_whole_dataset_dry_run_writes_nothing(curated, tmp_path, capsys):
    path = tmp_path / "backup.json"
    call_command("export_dataset", str(path), verbosity=0)
    wipe()
    call_command("import_dataset", str(path), "--dry-run", verbosity=0)
    assert "Dry run, nothing written." in capsys.readouterr().out
    assert not Country.objects.exists()
