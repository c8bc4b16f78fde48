"""
The whole dataset as a Frictionless Data Package, and as XLSX (issue 16, docs/api.md "Downloads"):
validated by the ``frictionless`` library; each table is its endpoint's flat CSV with all=true;
public records only; the partner question answered from the package's CSVs.
"""

import csv
import io
import json
import zipfile

import pytest
from frictionless import validate
from openpyxl import load_workbook

from core.choices import PublicationStatus
from orgs.models import OrganizationType
from tests.api_helpers import API, problem, results

pytestmark = pytest.mark.usefixtures("full_dataset")

LIST_ENDPOINTS = [
    "countries",
    "laws",
    "org-types",
    "assessments",
    "families",
    "features",
    "sub-conditions",
    "statistics",
    "sources",
    "classification",
]


def _unzip(anon, tmp_path):
    response = anon.get(f"{API}datapackage.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
    return json.loads((tmp_path / "datapackage.json").read_text())


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _stream(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_package_is_valid_for_frictionless(anon, tmp_path):
    """frictionless validates every table against its schema (names, types), with no error."""
    package = _unzip(anon, tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]
    assert {task.name for task in report.tasks} == {r["name"] for r in package["resources"]}
    # Every list endpoint is a table, and so are the lists of records (events, references).
    names = [r["name"] for r in package["resources"]]
    assert set(LIST_ENDPOINTS) <= set(names)
    assert {"laws-events", "assessments-references"} <= set(names)
    assert "deletions" not in names


def test_frictionless_would_catch_a_wrong_type(anon, tmp_path):
    """The schema's types are checked: a text where the schema says date makes the package invalid."""
    package = _unzip(anon, tmp_path)
    laws = next(r for r in package["resources"] if r["name"] == "laws")
    assert {"name": "enacted_on", "type": "date"} in laws["schema"]["fields"]
    path = tmp_path / laws["path"]
    rows = _rows(path)
    rows[0]["enacted_on"] = "sometime in 2008"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = validate(tmp_path / "datapackage.json")
    assert not report.valid
    assert any(e[0] == "type-error" and e[1] == "enacted_on" for e in report.flatten(["type", "fieldName"]))


def test_licence_sources_and_schemas(anon, tmp_path):
    """CC BY 4.0 on the package and on every table; sources named; a schema field per CSV column, typed."""
    package = _unzip(anon, tmp_path)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["sources"] and all(source["title"] for source in package["sources"])
    for resource in package["resources"]:
        assert resource["licenses"][0]["name"] == "CC-BY-4.0", resource["name"]
        with open(tmp_path / resource["path"], newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert [field["name"] for field in resource["schema"]["fields"]] == header, resource["name"]
    types = {(r["name"], f["name"]): f["type"] for r in package["resources"] for f in r["schema"]["fields"]}
    assert types[("org-types", "settled")] == "boolean"
    assert types[("statistics", "year")] == "integer"
    assert types[("laws-events", "date")] == "date"
    assert types[("countries", "updated_at")] == "datetime"
    assert types[("assessments-references", "counts")] == "boolean"


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_each_table_is_the_endpoints_flat_csv_with_all_rows(anon, endpoint):
    """A table of the package is, byte for byte, ``<endpoint>/?format=csv&all=true``."""
    table = anon.get(f"{API}datapackage/{endpoint}.csv")
    assert table.status_code == 200 and table["Content-Type"].startswith("text/csv")
    assert table.content == _stream(anon.get(f"{API}{endpoint}/?format=csv&all=true"))
    count = anon.get(f"{API}{endpoint}/").json()["count"]
    assert len(_rows_of(table.content)) == count > 0


def _rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_tables_of_their_own_hold_every_record_with_its_parents_key(anon):
    """laws-events: every event of every law, each naming its law; assessments-references likewise."""
    events = _rows_of(anon.get(f"{API}datapackage/laws-events.csv").content)
    laws = results(anon.get(f"{API}laws/?page_size=500"))
    assert len(events) == sum(len(law["events"]) for law in laws) > 1000
    assert {row["law"] for row in events} <= {law["key"] for law in laws}
    references = _rows_of(anon.get(f"{API}datapackage/assessments-references.csv").content)
    cells = {row["key"] for row in _rows_of(anon.get(f"{API}datapackage/assessments.csv").content)}
    assert references and {row["assessment"] for row in references} <= cells


def test_public_records_only(anon, tmp_path):
    """A type taken back to draft leaves every table of the package and the workbook."""
    org_type = OrganizationType.objects.public().get(slug="ph-cooperative")
    OrganizationType.objects.filter(pk=org_type.pk).update(publication_status=PublicationStatus.DRAFT)
    _unzip(anon, tmp_path)
    types = {row["key"] for row in _rows(tmp_path / "datapackage" / "org-types.csv")}
    cells = {row["org_type"] for row in _rows(tmp_path / "datapackage" / "assessments.csv")}
    assert types and "ph-cooperative" not in types and "ph-cooperative" not in cells
    workbook = load_workbook(io.BytesIO(anon.get(f"{API}dataset.xlsx").content), read_only=True)
    header = list(next(workbook["org-types"].iter_rows(values_only=True)))
    column = header.index("key")
    keys = [row[column] for row in workbook["org-types"].iter_rows(min_row=2, values_only=True)]
    assert keys and "ph-cooperative" not in keys


def test_the_partner_question_from_the_package_is_the_one_call(anon, tmp_path):
    """
    "Every cooperative with D2, with law and provision": the package's assessments table, filtered,
    joined to its references, gives the same (type, law, provision) as the documented call.
    """
    _unzip(anon, tmp_path)
    cells = {
        row["key"]: row["org_type"]
        for row in _rows(tmp_path / "datapackage" / "assessments.csv")
        if row["family"] == "cooperative" and row["short_code"] == "D2" and row["finding"] == "met"
    }
    from_package = {
        (cells[ref["assessment"]], ref["law"], ref["provision"])
        for ref in _rows(tmp_path / "datapackage" / "assessments-references.csv")
        if ref["assessment"] in cells and ref["counts"] == "true"
    }
    rows = results(anon.get(f"{API}assessments/?family=cooperative&sub_condition=D2&finding=met&page_size=500"))
    from_api = {
        (row["org_type"]["key"], ref["law"]["key"], ref["provision"])
        for row in rows
        for ref in row["references"]
        if ref["counts"]
    }
    assert len(cells) == len(rows) > 10
    assert from_package == from_api and len(from_api) >= len(rows)


def test_the_workbook_has_a_sheet_per_table_with_the_same_rows(anon):
    package = anon.get(f"{API}datapackage.json").json()
    response = anon.get(f"{API}dataset.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames[0] == "about"
    assert any("CC BY 4.0" in str(row[0]) for row in workbook["about"].iter_rows(values_only=True))
    laws = list(workbook["laws"].iter_rows(values_only=True))
    assert len(laws) - 1 == anon.get(f"{API}laws/").json()["count"]
    statistics = list(workbook["statistics"].iter_rows(values_only=True))
    year = statistics[0].index("year")
    assert all(isinstance(row[year], int) for row in statistics[1:] if row[year] is not None)
    assert {r["name"] for r in package["resources"]} <= set(workbook.sheetnames)


def test_unknown_table_and_writes_are_problems(anon):
    missing = anon.get(f"{API}datapackage/nope.csv")
    assert missing.status_code == 404 and "nope" in problem(missing, 404)["detail"]
    refused = anon.post(f"{API}datapackage.json")
    assert refused.status_code in (403, 405) and problem(refused)
    assert anon.delete(f"{API}dataset.xlsx").status_code in (403, 405)
