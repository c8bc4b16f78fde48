"""
Issue 15, import messages: the admin import and the commands say the same, in the spreadsheet's
terms. Row numbers as the spreadsheet shows them (the header is row 1, the first data row 2); a
date error shows the bad value and the format expected; a formula cell is refused in the admin as
in the command; every row's errors are listed; an empty cell never shows as ``None``; no raw
database constraint name reaches the reader.
"""

import io
import re

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from countries.models import Country, Law
from curation.formats import readable_error, resource_for
from curation.resources import _readable_constraint
from orgs.models import OrganizationType

pytestmark = pytest.mark.django_db


def csv_of(rows):
    dataset = tablib.Dataset()
    dataset.dict = rows
    return dataset.export("csv")


def law_rows(**changes):
    rows = [dict(row) for row in resource_for("laws").export().dict]
    rows[-1].update(changes)
    return rows


def command_refusal(tmp_path, name, filename, content):
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", name, str(path), verbosity=0)
    return str(excinfo.value)


def admin_text(user, model, filename, content, fmt):
    client = Client()
    client.force_login(user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    form = client.get(url)
    value = next(str(v) for v, label in form.context["form"].fields["format"].choices if str(label).lower() == fmt)
    upload = io.BytesIO(content if isinstance(content, bytes) else content.encode())
    upload.name = filename
    response = client.post(url, {"import_file": upload, "format": value})
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_row_numbers_are_the_spreadsheets(curated, tmp_path, editor):
    rows = law_rows(title="")  # the last of two data rows: spreadsheet row 3
    assert len(rows) == 2
    message = command_refusal(tmp_path, "laws", "laws.csv", csv_of(rows))
    assert "laws: Row 3, column 'title': This field cannot be blank." in message
    assert "Row 3, column &#x27;title&#x27;: This field cannot be blank." in admin_text(
        editor, Law, "laws.csv", csv_of(rows), "csv"
    )


def test_the_same_key_twice_names_the_spreadsheet_rows(curated, tmp_path):
    rows = law_rows()
    rows.append(dict(rows[0]))
    assert "Rows 2 and 4 have the same key" in command_refusal(tmp_path, "laws", "laws.csv", csv_of(rows))


def test_a_date_error_shows_the_bad_value_and_the_expected_format(curated, tmp_path, editor):
    rows = law_rows(enacted_on="31/07/2014")
    message = command_refusal(tmp_path, "laws", "laws.csv", csv_of(rows))
    assert "Row 3, column 'enacted_on'" in message and "'31/07/2014'" in message and "YYYY-MM-DD" in message
    page = admin_text(editor, Law, "laws.csv", csv_of(rows), "csv")
    assert "31/07/2014" in page and "YYYY-MM-DD" in page


def test_every_rows_errors_are_listed(curated, tmp_path):
    rows = law_rows()
    rows[0]["title"] = ""
    rows[1]["enacted_on"] = "someday"
    rows[1]["kind"] = "novel"
    message = command_refusal(tmp_path, "laws", "laws.csv", csv_of(rows))
    assert "Row 2, column 'title'" in message
    assert "Row 3, column 'enacted_on'" in message and "Row 3, column 'kind'" in message


def formula_workbook():
    book = Workbook()
    sheet = book.active
    rows = law_rows()
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        sheet.append([row[h] for h in headers])
    sheet["B2"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formula_cell_is_refused_the_same_in_the_admin_and_the_command(curated, tmp_path, editor):
    data = formula_workbook()
    message = command_refusal(tmp_path, "laws", "laws.xlsx", data)
    refusal = message.removeprefix("Nothing was imported. ")
    assert "cell B2 holds a formula" in refusal
    page = admin_text(editor, Law, "laws.xlsx", data, "xlsx")
    assert refusal.replace("'", "&#x27;") in page
    assert Law.objects.count() == 2


def test_an_empty_cell_never_shows_as_none(curated, tmp_path, editor):
    rows = law_rows(title="", citation="", summary="", enacted_on="")
    message = command_refusal(tmp_path, "laws", "laws.csv", csv_of(rows))
    assert "None" not in message
    page = admin_text(editor, Law, "laws.csv", csv_of(rows), "csv")
    assert "None" not in page.split('id="content"')[-1]


def test_no_raw_constraint_name_reaches_the_reader(curated, tmp_path, editor):
    """A type named as another of its country (accepted as a near-duplicate, still not unique)."""
    rows = [dict(row) for row in resource_for("org-types").export().dict]
    rows.append({**rows[0], "slug": "second-scop", "duplicate_override_reason": "testing"})
    for row in rows:
        row.setdefault("duplicate_override_reason", "")
    message = command_refusal(tmp_path, "org-types", "org-types.csv", csv_of(rows))
    assert "Row 4" in message and "already exists" in message
    page = admin_text(editor, OrganizationType, "org-types.csv", csv_of(rows), "csv")
    for text in (message, page):
        assert "org_type_unique_name_per_country" not in text and "orgs_organizationtype" not in text
    assert "already exists" in page


def test_a_database_refusal_is_said_in_words():
    error = IntegrityError("UNIQUE constraint failed: orgs_organizationtype.slug")
    text = readable_error(error)
    assert "orgs_organizationtype" not in text and "UNIQUE" not in text and "the database refused this row" in text


def test_a_check_constraint_without_a_message_is_said_by_its_columns(curated):
    """Country codes: the validator says it first; the constraint's own default message is never shown."""
    country = Country(code="fr", name="X", slug="x")
    constraint = next(c for c in Country._meta.constraints if c.name == "country_code_two_upper_letters")
    with pytest.raises(ValidationError) as excinfo:
        constraint.validate(Country, country)
    readable = _readable_constraint(constraint, country, excinfo.value)
    assert "country_code_two_upper_letters" in " ".join(excinfo.value.messages)
    assert "country_code_two_upper_letters" not in str(readable.message_dict)
    assert "two capital letters" in str(readable.message_dict["code"])
