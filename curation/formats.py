"""
File formats and the registry of curated resources, shared by the import and
export commands and the whole-dataset backup.

``RESOURCES`` lists every curated model's resource in dependency order: a
file of the whole dataset is imported in this order, so every natural key a
row names already exists.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.db import transaction
from import_export.results import RowResult
from openpyxl import load_workbook

from core.safe_cells import neutralise_dataset, restore_dataset, xlsx_strings_only
from orgs.models import SubCondition

from .dataset import default_paths, load_paths
from .resources import (
    AssessmentResource,
    ClaimResource,
    CountryResource,
    LawEventResource,
    LawResource,
    LegalBasisResource,
    OrganizationTypeResource,
    ReferenceResource,
    SourceResource,
    StatisticResource,
)

# Name used in files and on the command line -> resource class, in import order.
RESOURCES = {
    "sources": SourceResource,
    "countries": CountryResource,
    "laws": LawResource,
    "law-events": LawEventResource,
    "org-types": OrganizationTypeResource,
    "legal-bases": LegalBasisResource,
    "assessments": AssessmentResource,
    "references": ReferenceResource,
    "statistics": StatisticResource,
    "claims": ClaimResource,
}
FORMATS = ("csv", "xlsx", "json")


class ImportFileError(Exception):
    """A file that cannot be imported; the message says why, for an analyst."""


def resource_for(name):
    try:
        return RESOURCES[name]()
    except KeyError:
        raise ImportFileError(f"Unknown model '{name}'. Choose one of: {', '.join(RESOURCES)}.") from None


def format_of(path: Path, given: str | None = None) -> str:
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ImportFileError(f"{path.name}: unknown format '{fmt}'; use a .csv, .xlsx or .json file.")
    return fmt


def read_bytes_checked(path: Path) -> bytes:
    """
    The file's bytes, refused when empty or larger than ``SSE_MAP_IMPORT_MAX_BYTES``
    (checked before reading, so a huge file is never loaded).
    """
    limit = settings.SSE_MAP_IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportFileError(
                f"{path.name}: is {size:,} bytes, over the {limit:,}-byte limit for an import "
                "(SSE_MAP_IMPORT_MAX_BYTES); split it into smaller files."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if not data.strip():
        raise ImportFileError(f"{path.name}: the file is empty.")
    return data


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 text; a UTF-8 byte-order mark (Excel's "CSV UTF-8") is accepted and dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{name}: is UTF-16 text; save it as UTF-8 (in Excel: \"CSV UTF-8\").")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start} is not valid "
            "UTF-8; the file was probably saved as Latin-1/Windows-1252). Save it as UTF-8 "
            "(in Excel: \"CSV UTF-8\")."
        ) from None


def reject_formulas(name: str, data: bytes):
    """A workbook cell holding a formula is refused by cell: its value would be lost or run."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        return  # not a workbook: tablib reports it below
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        raise ImportFileError(
                            f"{name}: sheet '{sheet.title}', cell {cell.coordinate} holds a formula "
                            f"({str(cell.value)[:40]}); paste the values instead of formulas."
                        )
    finally:
        book.close()


def read_dataset(path: Path, fmt: str) -> tablib.Dataset:
    data = read_bytes_checked(path)
    try:
        if fmt == "xlsx":
            reject_formulas(path.name, data)
            dataset = tablib.Dataset().load(data, format="xlsx")
        else:
            dataset = tablib.Dataset().load(decode_text(path.name, data), format=fmt)
            if fmt == "csv":
                restore_dataset(dataset)
    except ImportFileError:
        raise
    except Exception as exc:  # tablib raises many kinds on a malformed file
        raise ImportFileError(f"{path.name}: is not a readable {fmt.upper()} file ({exc}).") from exc
    if not len(dataset):
        raise ImportFileError(f"{path.name}: has no rows under the headings.")
    return dataset


def write_dataset(dataset: tablib.Dataset, fmt: str) -> bytes:
    """The file's bytes; CSV and XLSX cells never run as formulas in a spreadsheet (``core.safe_cells``)."""
    if fmt == "csv":
        dataset = neutralise_dataset(dataset)
    data = dataset.export(fmt)
    if fmt == "xlsx":
        data = xlsx_strings_only(data)
    return data if isinstance(data, bytes) else data.encode("utf-8")


@dataclass
class RowLine:
    number: int
    status: str  # new / update / unchanged / error
    record: str
    problems: list[str]


STATUS_WORDS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_DELETE: "delete",
    RowResult.IMPORT_TYPE_ERROR: "error",
    RowResult.IMPORT_TYPE_INVALID: "error",
}


def row_lines(result) -> list[RowLine]:
    """One line per data row (row 1 is the first row under the headings): status and problems."""
    lines = {}
    for number, row_result in enumerate(result.rows, start=1):
        lines[number] = RowLine(
            number,
            STATUS_WORDS.get(row_result.import_type, row_result.import_type),
            row_result.object_repr or "",
            [],
        )
    for invalid in result.invalid_rows:
        line = lines.setdefault(invalid.number, RowLine(invalid.number, "error", "", []))
        line.status = "error"
        for column, messages in invalid.error_dict.items():
            for message in messages:
                where = "the row" if column == "__all__" else f"column '{column}'"
                line.problems.append(f"{where}: {message}")
    for number, errors in result.row_errors():
        line = lines.setdefault(number, RowLine(number, "error", "", []))
        line.status = "error"
        line.problems.extend(f"{type(e.error).__name__}: {e.error}" for e in errors)
    for error in result.base_errors:
        lines.setdefault(0, RowLine(0, "error", "the file", [])).problems.append(str(error.error))
    return [lines[n] for n in sorted(lines)]


def problems_text(name: str, lines: list[RowLine]) -> list[str]:
    out = []
    for line in lines:
        for problem in line.problems:
            where = "File" if line.number == 0 else f"Row {line.number}"
            out.append(f"{name}: {where}, {problem}")
    return out


def import_file_data(name, dataset, *, dry_run, file_name, user=None):
    """Import one dataset into ``name``'s model; returns (result, lines). Writes nothing on any error."""
    resource = resource_for(name)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, file_name=file_name, user=user
    )
    return result, row_lines(result)


def has_problems(result) -> bool:
    return result.has_errors() or result.has_validation_errors()


def import_whole(sheets: dict[str, tablib.Dataset], *, dry_run, file_name, progress=None, user=None):
    """
    Import every sheet in dependency order in one transaction: all or nothing.
    Returns {name: (result, lines)}; rolled back if any sheet has a problem or on dry run.
    Into an empty database the method (features, sub-conditions, families: not part of an
    export) is loaded first from the shipped ``fixtures/method.yaml``. With ``user`` (an
    analyst's import) the workflow applies row by row (``CuratedResource``).
    """
    unknown = set(sheets) - set(RESOURCES)
    if unknown:
        raise ImportFileError(
            f"{file_name}: unknown sheet(s) {', '.join(sorted(unknown))}; expected some of {', '.join(RESOURCES)}."
        )
    outcome = {}
    with transaction.atomic():
        if not SubCondition.objects.exists():
            load_paths([default_paths()[0]], reason="The method, before importing a dataset")
        for name in RESOURCES:
            if name not in sheets:
                continue
            # Sheets are written for real inside the outer transaction, so later sheets see the
            # records earlier ones create; a dry run rolls the outer transaction back at the end.
            result, lines = import_file_data(name, sheets[name], dry_run=False, file_name=file_name, user=user)
            outcome[name] = (result, lines)
            if progress is not None:
                progress.update(len(sheets[name]))
            if has_problems(result):
                break
        if dry_run or any(has_problems(r) for r, _ in outcome.values()):
            transaction.set_rollback(True)
    return outcome


def export_whole() -> dict[str, tablib.Dataset]:
    return {name: cls().export() for name, cls in RESOURCES.items()}


def whole_to_bytes(sheets: dict[str, tablib.Dataset], fmt: str) -> bytes:
    if fmt == "xlsx":
        book = tablib.Databook()
        for name, dataset in sheets.items():
            dataset.title = name
            book.add_sheet(dataset)
        return xlsx_strings_only(book.export("xlsx"))
    if fmt == "json":
        return json.dumps(
            {name: ds.dict for name, ds in sheets.items()}, ensure_ascii=False, indent=1, default=str
        ).encode("utf-8")
    raise ImportFileError("A whole-dataset file is an .xlsx workbook or a .json file.")


def whole_from_file(path: Path) -> dict[str, tablib.Dataset]:
    fmt = format_of(path)
    raw = read_bytes_checked(path)
    try:
        if fmt == "xlsx":
            reject_formulas(path.name, raw)
            book = tablib.Databook().load(raw, format="xlsx")
            return {sheet.title: sheet for sheet in book.sheets()}
        if fmt == "json":
            data = json.loads(decode_text(path.name, raw))
            if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
                raise ImportFileError(
                    f"{path.name}: expected an object mapping each model ({', '.join(RESOURCES)}) to a list of rows."
                )
            sheets = {}
            for name, rows in data.items():
                dataset = tablib.Dataset()
                dataset.dict = rows
                sheets[name] = dataset
            return sheets
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(f"{path.name}: is not a readable {fmt.upper()} file ({exc}).") from exc
    raise ImportFileError(f"{path.name}: a whole-dataset file is an .xlsx workbook or a .json file.")
