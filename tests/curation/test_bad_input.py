"""
A catalogue of bad input (issue 8, point 5). Each case feeds one kind of bad
file or request and asserts that it is refused with a message naming what was
wrong, and that the database is exactly as before: the whole-dataset export
(``countries.workflow_io.export_whole``, what ``export_dataset`` writes) is
compared byte for byte before and after.
"""

import io
import json

import pytest
import tablib
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from rest_framework.test import APIClient

from accounts.tokens import create_token
from countries.models import Law
from curation.formats import export_whole, resource_for, whole_to_bytes
from tests.api_helpers import API, errors

pytestmark = pytest.mark.django_db


def snapshot():
    return whole_to_bytes(export_whole(), "json")


@pytest.fixture
def unchanged(curated):
    """Asserts, after the test, that the whole dataset exports exactly as before it."""
    before = snapshot()
    yield curated
    assert snapshot() == before, "the database changed"


def refused(*args):
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, verbosity=0)
    text = str(excinfo.value)
    assert text.startswith("Nothing was imported"), text
    return text


def rows_of(name):
    return resource_for(name).export().dict


def csv_of(rows):
    dataset = tablib.Dataset()
    dataset.dict = rows
    return dataset.export("csv")


def write(tmp_path, filename, content):
    path = tmp_path / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def law_rows_with(**change):
    """The exported laws with a change on the first row and a harmless edit on the last."""
    rows = rows_of("laws")
    rows[-1]["verification_note"] = "A good edit that must not be written."
    rows[0].update(change)
    return rows


# --- Files: encoding ------------------------------------------------------------------


def test_latin1_csv_is_refused_naming_the_encoding(unchanged, tmp_path):
    """A CSV saved as Windows-1252 is refused: not UTF-8, which byte, and how to save it."""
    text = csv_of(law_rows_with(title="Loi sur l'économie sociale"))
    path = write(tmp_path, "laws.csv", text.encode("cp1252"))
    message = refused("import_data", "laws", str(path))
    assert "laws.csv: is not UTF-8 text (byte 0xe9" in message and "CSV UTF-8" in message


def test_utf16_csv_is_refused(unchanged, tmp_path):
    """Excel's "Unicode text" (UTF-16) is refused by name rather than read as garbage."""
    path = write(tmp_path, "laws.csv", csv_of(law_rows_with()).encode("utf-16"))
    assert "laws.csv: is UTF-16 text; save it as UTF-8" in refused("import_data", "laws", str(path))


def test_a_utf8_byte_order_mark_is_accepted(curated, tmp_path):
    """Decision: Excel's "CSV UTF-8" starts with a BOM; it is dropped, so the first column is still 'slug'."""
    rows = rows_of("laws")
    rows[0]["verification_note"] = "Checked against the gazette."
    path = write(tmp_path, "laws.csv", b"\xef\xbb\xbf" + csv_of(rows).encode("utf-8"))
    call_command("import_data", "laws", str(path), verbosity=0)
    assert Law.objects.get(slug=rows[0]["slug"]).verification_note == "Checked against the gazette."
    assert Law.objects.count() == len(rows)


# --- Files: shape ------------------------------------------------------------------------


def test_an_empty_file_is_refused(unchanged, tmp_path):
    """A zero-byte (or blank) file is refused as empty, not imported as '0 new'."""
    path = write(tmp_path, "laws.csv", "  \n")
    assert "laws.csv: the file is empty" in refused("import_data", "laws", str(path))


def test_a_file_with_headings_but_no_rows_is_refused(unchanged, tmp_path):
    """Headings alone import nothing, so the file is refused and says so."""
    path = write(tmp_path, "laws.csv", "slug,title,country\n")
    assert "laws.csv: has no rows under the headings" in refused("import_data", "laws", str(path))


def test_a_file_over_the_size_limit_is_refused_before_reading(unchanged, tmp_path, settings):
    """Over SSE_MAP_IMPORT_MAX_BYTES the file is refused, naming its size and the setting."""
    settings.SSE_MAP_IMPORT_MAX_BYTES = 1000
    path = write(tmp_path, "laws.csv", csv_of(law_rows_with()) + "\n" * 2000)
    message = refused("import_data", "laws", str(path))
    assert "over the 1,000-byte limit" in message and "SSE_MAP_IMPORT_MAX_BYTES" in message


def test_a_missing_key_column_is_refused(unchanged, tmp_path):
    """Without the 'slug' column no row can be matched: refused naming the column."""
    rows = [{k: v for k, v in row.items() if k != "slug"} for row in law_rows_with()]
    path = write(tmp_path, "laws.csv", csv_of(rows))
    assert "Missing key column(s) 'slug'" in refused("import_data", "laws", str(path))


def test_a_missing_required_column_for_a_new_record_is_refused(unchanged, tmp_path):
    """A new law without a 'title' column fails on that row and column."""
    path = write(tmp_path, "laws.csv", "slug,country,kind,status\nfr-new-law,FR,act,in_force\n")
    assert "Row 2, column 'title': This field cannot be blank" in refused("import_data", "laws", str(path))


def test_an_unknown_extra_column_is_refused(unchanged, tmp_path):
    """A misspelt column ('titel') would be ignored silently; it is refused, listing the real columns."""
    rows = law_rows_with()
    for row in rows:
        row["titel"] = "Typo"
    path = write(tmp_path, "laws.csv", csv_of(rows))
    message = refused("import_data", "laws", str(path))
    assert "Unknown column(s) 'titel'" in message and "slug, country, title" in message


def test_duplicated_keys_are_refused(unchanged, tmp_path):
    """Two rows for the same law: refused naming both rows, instead of the later silently winning."""
    rows = law_rows_with()
    rows.append({**rows[0], "title": "A second version"})
    path = write(tmp_path, "laws.csv", csv_of(rows))
    assert f"Rows 2 and {len(rows) + 1} have the same key (slug=" in refused("import_data", "laws", str(path))


def test_a_spreadsheet_with_a_formula_is_refused(unchanged, tmp_path):
    """An XLSX cell holding a formula is refused by sheet and cell (its value would be lost or run)."""
    rows = law_rows_with()
    book = Workbook()
    sheet = book.active
    sheet.title = "laws"
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    sheet.cell(row=2, column=headers.index("title") + 1, value='=HYPERLINK("http://evil.example","x")')
    out = io.BytesIO()
    book.save(out)
    path = write(tmp_path, "laws.xlsx", out.getvalue())
    message = refused("import_data", "laws", str(path))
    assert f"sheet 'laws', cell {chr(ord('A') + headers.index('title'))}2 holds a formula" in message


def test_a_corrupt_workbook_is_refused(unchanged, tmp_path):
    """Bytes that are not a workbook are refused as not a readable XLSX file."""
    path = write(tmp_path, "laws.xlsx", b"PK\x03\x04 not really a zip")
    assert "laws.xlsx: is not a readable XLSX file" in refused("import_data", "laws", str(path))


# --- Files: content --------------------------------------------------------------------


def test_an_unknown_iso_code_is_refused(unchanged, tmp_path):
    """A country row with code 'XX' (not assigned by ISO 3166-1) is refused naming the code."""
    rows = rows_of("countries")
    rows.append({**rows[0], "code": "XX", "slug": "nowhere", "name": "Nowhere"})
    path = write(tmp_path, "countries.json", json.dumps(rows))
    assert "'XX' is not an assigned ISO 3166-1 alpha-2 code" in refused("import_data", "countries", str(path))


def test_a_law_in_an_unknown_country_is_refused(unchanged, tmp_path):
    """A law naming country 'QQ' is refused on that row and column."""
    path = write(tmp_path, "laws.csv", csv_of(law_rows_with(country="QQ")))
    assert "Row 2, column 'country': There is no country with ISO code 'QQ'" in refused(
        "import_data", "laws", str(path)
    )


def test_an_unknown_sub_condition_code_is_refused(unchanged, tmp_path):
    """Reference for sub-condition 'Z9' (not in the method) is refused naming the code."""
    rows = rows_of("references")
    rows[0]["sub_condition"] = "Z9"
    path = write(tmp_path, "evidence.csv", csv_of(rows))
    assert "There is no sub-condition with sub-condition code 'Z9'" in refused("import_data", "references", str(path))


def test_a_law_that_amends_itself_is_refused(unchanged, tmp_path):
    """A row whose 'amends' names its own slug is refused on that column."""
    rows = law_rows_with()
    rows[0]["amends"] = rows[0]["slug"]
    path = write(tmp_path, "laws.csv", csv_of(rows))
    assert f"column 'amends': A law cannot amend or replace itself ('{rows[0]['slug']}')" in refused(
        "import_data", "laws", str(path)
    )


def test_a_cycle_of_amendments_is_refused(unchanged, tmp_path):
    """The 1947 act cannot amend the 2014 law that amends it: the loop is named."""
    rows = rows_of("laws")
    old = next(row for row in rows if row["slug"] == "coop-act-1947")
    old["amends"] = "sse-law-2014"
    path = write(tmp_path, "laws.csv", csv_of(rows))
    assert "loop of amendments/replacements: coop-act-1947 → sse-law-2014 → coop-act-1947" in refused(
        "import_data", "laws", str(path)
    )


@pytest.mark.parametrize("date", ["1066-10-14", "2999-01-01"])
def test_a_date_out_of_range_is_refused(unchanged, tmp_path, date):
    """An enactment date before 1800 or after 2100 is refused on its column."""
    path = write(tmp_path, "laws.csv", csv_of(law_rows_with(enacted_on=date)))
    message = refused("import_data", "laws", str(path))
    assert "Row 2, column 'enacted_on': Must be a date from 1800 to 2100" in message


def test_a_statistic_year_out_of_range_is_refused(unchanged, tmp_path):
    """A statistic for the year 3000 is refused naming the column and the bound."""
    rows = rows_of("statistics")
    rows[0]["year"] = 3000
    path = write(tmp_path, "statistics.csv", csv_of(rows))
    assert "column 'year': Ensure this value is less than or equal to 2100" in refused(
        "import_data", "statistics", str(path)
    )


def test_a_whole_dataset_file_with_an_unknown_sheet_is_refused(unchanged, tmp_path):
    """import_dataset names a sheet it does not know and the sheets it expects."""
    data = {name: ds.dict for name, ds in export_whole().items()}
    data["lawz"] = []
    path = write(tmp_path, "all.json", json.dumps(data, default=str))
    assert "unknown sheet(s) lawz" in refused("import_dataset", str(path))


def test_a_whole_dataset_file_with_a_bad_late_row_writes_no_sheet(unchanged, tmp_path):
    """A bad statistic at the end rolls back the sources, countries and laws imported before it."""
    data = {name: ds.dict for name, ds in export_whole().items()}
    data["laws"][0]["verification_note"] = "A good edit that must not be written."
    data["statistics"][0]["country"] = "QQ"
    path = write(tmp_path, "all.json", json.dumps(data, default=str))
    assert "statistics: Row 2, column 'country'" in refused("import_dataset", str(path))


def test_a_whole_dataset_file_that_is_not_an_object_is_refused(unchanged, tmp_path):
    """A JSON list where an object of sheets is expected is refused saying what is expected."""
    path = write(tmp_path, "all.json", "[1, 2, 3]")
    assert "expected an object mapping each model" in refused("import_dataset", str(path))


def test_the_admin_import_refuses_a_latin1_file(client, unchanged, editor):
    """The admin's import form refuses a non-UTF-8 CSV with a message and writes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(editor)
    url = reverse("admin:countries_law_import")
    form = client.get(url).context["form"]
    csv_format = next(str(v) for v, label in form.fields["format"].choices if str(label).lower() == "csv")
    upload = SimpleUploadedFile("laws.csv", csv_of(law_rows_with(title="Économie")).encode("cp1252"))
    response = client.post(url, {"format": csv_format, "import_file": upload, "resource": ""})
    assert response.status_code == 200
    assert "The file is not UTF-8 text (byte 0xc9 at position" in response.content.decode()


# --- The API --------------------------------------------------------------------------------


@pytest.fixture
def editor_api(editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(editor, 'test')[1]}")
    return client


@pytest.mark.parametrize(
    "query, parameter, words",
    [
        ("page_size=ten", "page_size", "whole number from 1 to"),
        ("page_size=100000", "page_size", "whole number from 1 to"),
        ("page_size=-1", "page_size", "whole number from 1 to"),
        ("updated_since=yesterday", "updated_since", "Enter a valid date/time"),
        ("country=FR,12", "country", "not one of the available choices"),
        ("format=", "format", "Empty; use one of"),
        ("all=maybe&format=csv", "all", "Must be true or false"),
        ("ordering=secret_field", "ordering", "Unknown field(s) secret_field"),
        ("colour=red", "colour", "Unknown parameter"),
    ],
)
def test_api_parameters_of_the_wrong_type_are_400s_naming_them(client, unchanged, query, parameter, words):
    """A wrong-typed, out-of-range or unknown parameter is a JSON 400 naming the parameter."""
    response = client.get(f"{API}laws/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert words in " ".join(errors(response)[parameter])


def test_a_huge_query_string_is_a_400(client, unchanged, settings):
    """A query string over SSE_MAP_API_MAX_QUERY_STRING bytes is a 414 problem saying so."""
    response = client.get(f"{API}laws/?search={'a' * 20000}")
    assert response.status_code == 414 and response["Content-Type"] == "application/problem+json"
    assert f"over the {settings.SSE_MAP_API_MAX_QUERY_STRING}-byte limit" in response.json()["detail"]


def test_thousands_of_parameters_are_a_json_400(client, unchanged, settings):
    """More parameters than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS) is a JSON 400, not an HTML page."""
    settings.SSE_MAP_API_MAX_QUERY_STRING = 10**6
    response = client.get(f"{API}laws/?" + "&".join(f"country=FR{i}" for i in range(1500)))
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "Too many parameters" in response.json()["detail"]


@pytest.mark.parametrize("path", ["countries/%C3%92%C3%B9/", "countries/%0A%C2%99/", "nowhere/", "laws/1/%0A/"])
def test_an_unknown_api_url_is_a_json_404(client, unchanged, path):
    """A malformed key (even with a newline) or unknown path under /api/ answers JSON, not the HTML 404 page."""
    response = client.get(f"{API}{path}")
    assert response.status_code == 404 and response.json()["detail"].startswith("No API endpoint")


def test_an_api_write_with_wrong_types_is_a_400_naming_the_fields(editor_api, unchanged):
    """A POST with a date that is no date and an unknown kind names both fields and creates nothing."""
    body = {"slug": "fr-x", "title": "X", "country": "FR", "kind": "poem", "enacted_on": "soon"}
    response = editor_api.post(f"{API}laws/", body, format="json")
    assert response.status_code == 400 and {"kind", "enacted_on"} <= set(errors(response))


def test_an_api_edit_closing_a_loop_of_amendments_is_a_400(editor_api, unchanged):
    """PATCHing the 1947 act to amend the 2014 law that amends it is refused naming the loop."""
    old, new = Law.objects.get(slug="coop-act-1947"), Law.objects.get(slug="sse-law-2014")
    response = editor_api.patch(f"{API}laws/{old.slug}/", {"amends": [new.slug]}, format="json")
    assert response.status_code == 400, response.content
    assert "loop of amendments" in " ".join(errors(response)["amends"])


@pytest.mark.parametrize("date", ["1066-10-14", "2999-01-01"])
def test_an_api_write_with_a_date_out_of_range_is_a_400(editor_api, unchanged, date):
    """Through the API too, an enactment date before 1800 or after 2100 is refused on that field."""
    body = {"slug": "fr-x", "title": "X", "country": "FR", "kind": "act", "enacted_on": date}
    response = editor_api.post(f"{API}laws/", body, format="json")
    assert response.status_code == 400, response.content
    assert errors(response)["enacted_on"] == ["Must be a date from 1800 to 2100."]
