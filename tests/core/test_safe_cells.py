"""
Exports are safe to open (issue 8, point 6): a CSV or XLSX cell that begins
with ``=``, ``+``, ``-`` or ``@`` never runs as a formula in a spreadsheet,
while negative numbers and ISO dates stay usable, and exports import back unchanged.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.api.renderers import flatten
from core.safe_cells import neutralise, restore
from countries.models import Law, Statistic

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


@pytest.mark.parametrize("text", [*PAYLOADS, "\tx", "\rx"])
def test_formula_like_text_is_prefixed_and_restored(text):
    """Text starting with a formula trigger gets an apostrophe, which ``restore`` removes again."""
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["-12.5", "+3", "-0.25e3", "2014-07-31", "Cooperatives Act", "", "'quoted", None, 7])
def test_numbers_dates_and_plain_text_are_left_alone(value):
    """Negative numbers, ISO dates and ordinary text are written as they are."""
    assert neutralise(value) == value
    assert restore(value) == value


@pytest.mark.parametrize(
    "value", [*PAYLOADS, "\tx", "\rx", "-12.5", "+3", "2014-07-31", "Act", "", "'=1", None, 7, True]
)
def test_a_csv_row_writes_each_cell_as_neutralise_says(value):
    """``flatten`` reads plain text by a shorter way than other values: both give what ``neutralise`` gives."""
    link = {"key": value if isinstance(value, str) else "k", "url": "http://testserver/x/"}
    row = flatten({"text": value, "nested": {"text": value}, "link": link, "keys": [link, link]})
    key = neutralise(link["key"])
    expected = "" if value is None else "true" if value is True else neutralise(str(value))
    assert row == {
        "text": expected,
        "nested.text": expected,
        "link": key,
        "keys": neutralise(f"{link['key']} {link['key']}"),
    }


@pytest.fixture
def hostile(curated):
    """A law whose title is a formula, and a negative statistic with an ISO date."""
    Law.objects.filter(slug="sse-law-2014").update(title=PAYLOADS[0], citation="@SUM(A1:A2)")
    Statistic.objects.filter(slug="fr-coops-2020").update(value=Decimal("-12.5"), label="-2+3")
    return curated


def cells_of(csv_text):
    return [cell for row in csv.reader(io.StringIO(csv_text)) for cell in row]


def assert_safe_cells(cells):
    dangerous = [c for c in cells if c and c[0] in "=+-@\t\r" and not c.lstrip("+-").replace(".", "", 1).isdigit()]
    assert not dangerous, dangerous


def test_export_data_csv_neutralises_formulas_and_keeps_numbers_and_dates(hostile, capsys):
    """``export_data --format csv``: formula text is prefixed; -12.5 and 2014-07-31 are untouched."""
    call_command("export_data", "laws", "--format", "csv")
    laws = cells_of(capsys.readouterr().out)
    assert "'" + PAYLOADS[0] in laws and "'@SUM(A1:A2)" in laws and "2014-07-31" in laws
    assert_safe_cells(laws)
    call_command("export_data", "statistics", "--format", "csv")
    stats = cells_of(capsys.readouterr().out)
    assert "-12.5000" in stats and "'-2+3" in stats
    assert_safe_cells(stats)


def test_export_data_csv_imports_back_unchanged(hostile, tmp_path):
    """The apostrophe is removed on import: the exported CSV re-imports without changing a record."""
    path = tmp_path / "laws.csv"
    call_command("export_data", "laws", "--format", "csv", "-o", str(path))
    call_command("import_data", "laws", str(path), verbosity=0)
    assert Law.objects.get(slug="sse-law-2014").title == PAYLOADS[0]


def formula_cells(data):
    book = load_workbook(io.BytesIO(data))
    return [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def test_xlsx_exports_hold_text_never_formulas(hostile, tmp_path):
    """``export_data --format xlsx`` and ``export_dataset`` write the formula text as a string cell."""
    one = tmp_path / "laws.xlsx"
    call_command("export_data", "laws", "--format", "xlsx", "-o", str(one))
    whole = tmp_path / "all.xlsx"
    call_command("export_dataset", str(whole), verbosity=0)
    for path in (one, whole):
        data = path.read_bytes()
        assert formula_cells(data) == []
        book = load_workbook(io.BytesIO(data))
        sheet = book["laws"] if "laws" in book.sheetnames else book.active
        texts = [c.value for row in sheet.iter_rows() for c in row]
        assert PAYLOADS[0] in texts  # kept exactly, as text


def test_the_whole_xlsx_export_round_trips(hostile, tmp_path):
    """The whole-dataset workbook imports back with the formula-like title intact."""
    path = tmp_path / "all.xlsx"
    call_command("export_dataset", str(path), verbosity=0)
    Law.objects.filter(slug="sse-law-2014").update(title="Changed")
    call_command("import_dataset", str(path), verbosity=0)
    assert Law.objects.get(slug="sse-law-2014").title == PAYLOADS[0]


def test_admin_csv_and_xlsx_exports_are_safe(client, hostile, editor):
    """The admin's export (CSV and XLSX) neutralises formulas the same way."""
    client.force_login(editor)
    url = reverse("admin:countries_law_export")
    form = client.get(url).context["form"]
    choices = {str(label).lower(): value for value, label in form.fields["format"].choices}
    fields = {f"lawresource_{name}": "on" for name in ("slug", "title", "citation", "enacted_on")}
    response = client.post(url, {"format": choices["csv"], **fields})
    assert response.status_code == 200, response.content[:500]
    cells = cells_of(b"".join(response.streaming_content if response.streaming else [response.content]).decode())
    assert "'" + PAYLOADS[0] in cells and "2014-07-31" in cells
    assert_safe_cells(cells)
    response = client.post(url, {"format": choices["xlsx"], **fields})
    assert response.status_code == 200 and formula_cells(response.content) == []


@pytest.mark.parametrize("query", ["format=csv", "format=csv&all=true"])
def test_api_csv_is_safe(client, hostile, query):
    """The API's CSV (a page, and the streamed whole list) prefixes formula text and keeps numbers."""
    for endpoint, expected in (("laws", "'" + PAYLOADS[0]), ("statistics", "'-2+3")):
        response = client.get(f"/api/v1/{endpoint}/?{query}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        cells = cells_of(body.decode())
        assert expected in cells
        assert_safe_cells(cells)
        if endpoint == "statistics":
            assert any(c.startswith("-12.5") for c in cells)
        else:
            assert datetime.date(2014, 7, 31).isoformat() in cells
