"""
The whole dataset as a Frictionless Data Package (issue 16, docs/api.md "Downloads").

- ``/api/v1/datapackage.json``: the descriptor, one resource per table with its Table Schema
  (field names and types), the licence (CC BY 4.0) and the sources;
- ``/api/v1/datapackage/<table>.csv``: each table;
- ``/api/v1/datapackage.zip``: the descriptor and every table in one file.

A table is the flat CSV of a list endpoint with ``all=true``, made by that endpoint's own view
(the same rows and columns as ``<endpoint>/?format=csv&all=true``), as an anonymous reader sees
it: published records only. A column holding lists of records (a law's events, a cell's
references) is a table of its own, ``<endpoint>-<column>``, one row per record with the key of
the record it belongs to (``assessment`` in ``assessments-references``).
"""

import csv
import io
import json
import re
import zipfile
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import resolve, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from rest_framework import serializers
from rest_framework.request import Request

from core.api.exceptions import problem_response
from core.api.renderers import is_table_of_its_own, write_csv
from core.safe_cells import restore

from .downloads import remember_size

# The list endpoints in the package, in this order; deletions (tombstones for mirrors) are no data.
ENDPOINTS = [
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
# The parent's key column in a table of its own: "assessments-references" has "assessment".
PARENT_COLUMN = {
    "countries": "country",
    "laws": "law",
    "org-types": "org_type",
    "assessments": "assessment",
    "families": "family",
    "features": "feature",
    "sub-conditions": "sub_condition",
    "statistics": "statistic",
    "sources": "source",
    "classification": "country",
}

# Table Schema types of the serializer fields; any other field (text, choices, links, lists of keys) is a string.
FIELD_TYPES = [
    (serializers.BooleanField, "boolean"),
    (serializers.IntegerField, "integer"),
    (serializers.DecimalField, "number"),
    (serializers.FloatField, "number"),
    (serializers.DateTimeField, "datetime"),
    (serializers.DateField, "date"),
]


def _views():
    """Each list endpoint's view, found by its URL (the router in sse_map/urls.py is above this app)."""
    root = reverse("api:api-root")
    return {prefix: resolve(f"{root}{prefix}/").func for prefix in ENDPOINTS}


def _internal_request(request, query):
    """An anonymous GET of ``query`` on the same host: what a reader without credentials is shown."""
    internal = HttpRequest()
    internal.method = "GET"
    internal.path = request.path
    internal.META = {
        key: request.META[key]
        for key in ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "REMOTE_ADDR", "wsgi.url_scheme")
        if key in request.META
    }
    internal.META["HTTP_ACCEPT"] = "*/*"
    internal.GET = QueryDict(query)
    internal._dont_enforce_csrf_checks = True
    # Without a client's request (a release cut from the shell), the site's own address.
    if "_current_scheme_host" in request.__dict__:
        internal._current_scheme_host = request._current_scheme_host
    return internal


def _list_serializer(viewset, request):
    """The serializer of the endpoint's list rows (the fields behind the CSV columns)."""
    return viewset.serializer_class(context={"request": Request(request)})


def _field_at(serializer, dotted):
    """The serializer field behind a flat column name (``findings.democratic-governance``), or None."""
    field = serializer
    for part in dotted.split("."):
        fields = getattr(field, "fields", None)
        if fields is None and isinstance(field, serializers.ListSerializer):
            fields = field.child.fields
        if fields is None or part not in fields:
            return None
        field = fields[part]
    return field


def _type_of(field):
    for cls, name in FIELD_TYPES:
        if isinstance(field, cls):
            return name
    return "string"


# Fields that declare no type of their own: the column's values decide (integer, boolean or string).
UNTYPED = (serializers.SerializerMethodField, serializers.ReadOnlyField)
INTEGER = re.compile(r"^-?[0-9]+$")


def _inferred(values):
    """The type of a column whose field declares none (a method field): integer or boolean if every value is one."""
    present = [v for v in values if v != ""]
    if present and all(INTEGER.match(v) for v in present):
        return "integer"
    if present and all(v in ("true", "false") for v in present):
        return "boolean"
    return "string"


def _schema(header, text, serializer):
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = []
    for name in header:
        field = _field_at(serializer, name) if serializer is not None else None
        declared = _type_of(field)
        if declared == "string" and (field is None or isinstance(field, UNTYPED)):
            declared = _inferred([row[name] for row in rows])
        fields.append({"name": name, "type": declared})
    return {"fields": fields}


def site_request(url=None):
    """A request standing for the site at ``url`` (``SSE_MAP_SITE_URL``), for builds outside a client's request."""
    parts = urlsplit(url or settings.SSE_MAP_SITE_URL)
    request = HttpRequest()
    request.method = "GET"
    request.path = "/"
    request.META = {"SERVER_NAME": parts.hostname, "SERVER_PORT": str(parts.port or 80), "REMOTE_ADDR": "127.0.0.1"}
    request._current_scheme_host = f"{parts.scheme}://{parts.netloc}"
    return request


def build_tables(request, only=None):
    """
    Every table of the package: ``{name: (header, csv text, serializer for its types)}``, each list
    endpoint's flat CSV with all=true first, then the tables of their own its rows hold.
    """
    tables = {}
    for prefix, view in _views().items():
        if only is not None and prefix != only:
            continue
        viewset = view.cls
        response = view(_internal_request(request, "format=csv&all=true"))
        text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
        header = next(csv.reader(io.StringIO(text)), [])
        serializer = _list_serializer(viewset, _internal_request(request, ""))
        tables[prefix] = (header, text, serializer)
        # The lists of records: read from the JSON pages, one table per column.
        children = {}
        page = 1
        while page:
            response = view(_internal_request(request, f"page={page}&page_size={settings.API_MAX_PAGE_SIZE}"))
            data = response.data
            for row in data["results"]:
                for column, value in row.items():
                    if is_table_of_its_own(value):
                        children.setdefault(column, []).extend(
                            {PARENT_COLUMN[prefix]: row.get("key"), **item} for item in value
                        )
            page = page + 1 if data.get("next") else None
        for column, rows in children.items():
            out = io.StringIO()
            child_header = write_csv(rows, out)
            child = _field_at(serializer, column)
            child_serializer = child.child if isinstance(child, serializers.ListSerializer) else None
            tables[f"{prefix}-{slugify(column).replace('_', '-')}"] = (child_header, out.getvalue(), child_serializer)
    return tables


def descriptor(request, tables, version=None):
    """The ``datapackage.json`` of ``tables``: every CSV with its schema, the licence and the sources."""
    api_root = request.build_absolute_uri(reverse("api:api-root"))
    return {
        **({"version": version} if version else {}),
        "profile": "tabular-data-package",
        "name": "sse-map",
        "title": "SSE Map: the social and solidarity economy in Asia",
        "description": "Countries, laws with their dated events, organization types, the evidence per "
        "sub-condition (findings and quoted references) and the classification, as published. "
        "Every fact names its source (the sources table).",
        "homepage": request.build_absolute_uri("/"),
        "licenses": [{"name": "CC-BY-4.0", "title": settings.DATA_LICENSE_NAME, "path": settings.DATA_LICENSE_URL}],
        "sources": [
            {"title": "SSE Map API", "path": api_root},
            {"title": "ILO research 'Strengthening Social and Solidarity Economy Policy in Asia'"},
        ],
        "resources": [
            {
                "name": name,
                "path": f"datapackage/{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [{"name": "CC-BY-4.0", "path": settings.DATA_LICENSE_URL}],
                "schema": {**_schema(header, text, serializer), "missingValues": [""]},
            }
            for name, (header, text, serializer) in tables.items()
        ],
    }


def _xlsx_cell(value, kind):
    """A CSV cell as an XLSX cell: a string cell is never evaluated, so the CSV's apostrophe goes (core/safe_cells)."""
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value == "true"
    return restore(value)


class DataPackage:
    """The views of the current data's downloads (or of a release's, read with ``?release=``)."""

    def __init__(self):
        # GET and HEAD only: anything else is a 405 (a problem, core.api.middleware).
        self.json, self.table, self.xlsx, self.zip = (
            require_safe(view) for view in (self.json, self.table, self.xlsx, self.zip)
        )

    @staticmethod
    def noted(request, kind, content):
        """The size of a current file, for the downloads page (not a release's: those are cut)."""
        if "release" not in request.GET:
            remember_size(request, kind, len(content))

    def json(self, request):
        response = JsonResponse(descriptor(request, build_tables(request)), json_dumps_params={"indent": 2})
        response["Link"] = f'<{settings.DATA_LICENSE_URL}>; rel="license"'
        return response

    def table(self, request, name):
        # Only the endpoint the table comes from: "laws-events" from laws/, "sub-conditions" itself.
        endpoint = next((e for e in sorted(ENDPOINTS, key=len, reverse=True) if name.startswith(e)), None)
        tables = build_tables(request, only=endpoint) if endpoint else {}
        if name not in tables:
            return problem_response(404, f"No table {name!r} in the data package; its tables: see datapackage.json.")
        response = HttpResponse(tables[name][1], content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Link"] = f'<{settings.DATA_LICENSE_URL}>; rel="license"'
        return response

    def xlsx(self, request):
        content = xlsx_bytes(request, build_tables(request))
        self.noted(request, "xlsx", content)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="sse-map-dataset.xlsx"'
        response["Link"] = f'<{settings.DATA_LICENSE_URL}>; rel="license"'
        return response

    def zip(self, request):
        content = zip_bytes(request, build_tables(request))
        self.noted(request, "zip", content)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="sse-map-datapackage.zip"'
        response["Link"] = f'<{settings.DATA_LICENSE_URL}>; rel="license"'
        return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(request, tables):
    """The tables as one workbook, a sheet per table (numbers and booleans as such, text as text)."""
    package = descriptor(request, tables)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for resource in package["resources"]:
        sheet = workbook.create_sheet(resource["name"][:31])
        header, text, _serializer = tables[resource["name"]]
        types = [field["type"] for field in resource["schema"]["fields"]]
        sheet.append(header)
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            sheet.append([_xlsx_cell(value, kind) for value, kind in zip(row, types, strict=True)])
    about = workbook.create_sheet("about", 0)
    for line in (
        package["title"],
        f"Licence: {settings.DATA_LICENSE_NAME} ({settings.DATA_LICENSE_URL})",
        f"Sources: every fact names its source (the sources sheet). Data Package: {package['sources'][0]['path']}"
        "datapackage.json",
    ):
        about.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(request, tables, version=None):
    """The descriptor and every table in one zip (fixed entry dates: the same tables, the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [("datapackage.json", json.dumps(descriptor(request, tables, version), indent=2, ensure_ascii=False))]
        entries += [(f"datapackage/{name}.csv", text) for name, (_header, text, _serializer) in tables.items()]
        for name, text in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def read_zip(content):
    """The tables of a data package zip: ``{name: csv text}``."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removeprefix("datapackage/").removesuffix(".csv"): archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("datapackage/")
        }
