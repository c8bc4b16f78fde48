"""
Spreadsheet-safe exports (issue 8, point 6): a cell that begins with ``=``,
``+``, ``-``, ``@`` (or a tab or carriage return) could run as a formula when
a CSV is opened in a spreadsheet ("CSV injection"). In CSV such a text is
prefixed with an apostrophe, which spreadsheets show as text; numbers
(``-12.5``, ``+3``) are left alone so they stay numbers, and ISO dates never
start with these characters. An XLSX cell is written as a string cell, which
no spreadsheet evaluates, so its text is kept exactly. Importing a CSV removes
the apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

import io
import re

import tablib
from import_export.formats import base_formats
from openpyxl import load_workbook

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_dangerous(text: str) -> bool:
    return text.startswith(TRIGGERS) and not NUMBER.match(text)


def neutralise(value):
    """The CSV cell for ``value``: an apostrophe before text a spreadsheet would run as a formula."""
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


def restore(value):
    """The inverse of ``neutralise``, for an imported CSV cell."""
    if isinstance(value, str) and value.startswith("'") and is_dangerous(value[1:]):
        return value[1:]
    return value


def neutralise_dataset(dataset):
    """A copy of a tablib dataset with every cell neutralised (headers too)."""
    safe = tablib.Dataset(headers=[neutralise(h) for h in dataset.headers or []] or None)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


def restore_dataset(dataset):
    for index, row in enumerate(list(dataset)):
        restored = [restore(cell) for cell in row]
        if restored != list(row):
            dataset[index] = restored
    return dataset


def xlsx_strings_only(data: bytes) -> bytes:
    """The workbook with every formula cell turned into a plain string cell holding the same text."""
    book = load_workbook(io.BytesIO(data))
    changed = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed = True
    if not changed:
        return data
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class SafeCSV(base_formats.CSV):
    """The admin's CSV: formulas neutralised on export, restored on import."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralise_dataset(dataset), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return restore_dataset(super().create_dataset(in_stream, **kwargs))


class SafeXLSX(base_formats.XLSX):
    """The admin's XLSX: text cells are never formulas."""

    def export_data(self, dataset, **kwargs):
        return xlsx_strings_only(super().export_data(dataset, **kwargs))
