"""
Formats beyond JSON, chosen with ``?format=``: CSV on every list, GeoJSON for
countries, JSON-LD (schema.org) for laws and organization types.
"""

import csv
import io

from geojson_rewind import rewind
from rest_framework import renderers

from core.safe_cells import TRIGGERS, neutralise

from . import jsonld


def is_link(value):
    """A related record as the API shows it: ``{"key", "url"}``."""
    return isinstance(value, dict) and len(value) == 2 and "key" in value and "url" in value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_link(value):
        return value["key"]
    if isinstance(value, list | tuple):
        # Keys and codes ([-\w]+, never a space): one space between them, unambiguous.
        return " ".join(_cell(v) for v in value)
    return str(value)


def is_table_of_its_own(value):
    """A list of records (events, cells, references): a table of its own in the data package, not a cell."""
    return isinstance(value, list) and any(isinstance(v, dict) and not is_link(v) for v in value)


# Marks a column holding lists of records: left out of the file (``write_csv``).
TABLE_OF_ITS_OWN = object()


def flatten(item, prefix=""):
    """
    One flat CSV row from a serialized object: a related record as its key, nested
    objects as ``a.b`` columns, a list of keys or codes space-separated; lists of records
    are left out (each is a table of its own: see docs/api.md, "Downloads").
    """
    row = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if type(value) is str:
            # Most cells are plain text: only one that starts like a formula is looked at again.
            row[name] = neutralise(value) if value.startswith(TRIGGERS) else value
        elif isinstance(value, dict) and not is_link(value):
            row.update(flatten(value, f"{name}."))
        elif is_table_of_its_own(value):
            row[name] = TABLE_OF_ITS_OWN
        else:
            # Text a spreadsheet would run as a formula gets an apostrophe (core/safe_cells.py).
            row[name] = neutralise(_cell(value))
    return row


def rows_of(data):
    """The objects in a response body: a page's ``results``, or the one object of a detail."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    if isinstance(data, list):
        return data
    return [data]


def write_csv(rows, out, header=None):
    """
    Write flattened ``rows`` to ``out``. Without a ``header`` one is made from
    the rows (without the columns holding lists of records) and written first;
    the header is returned for the next chunk.
    """
    flat = [flatten(row) for row in rows]
    writer_header = header
    if writer_header is None:
        nested = {key for row in flat for key, value in row.items() if value is TABLE_OF_ITS_OWN}
        writer_header = []
        for row in flat:
            writer_header.extend(key for key in row if key not in writer_header and key not in nested)
    for row in flat:
        for key in [key for key, value in row.items() if value is TABLE_OF_ITS_OWN]:
            del row[key]
    writer = csv.DictWriter(out, fieldnames=writer_header, extrasaction="ignore", lineterminator="\r\n")
    if header is None:
        writer.writeheader()
    writer.writerows(flat)
    return writer_header


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        out = io.StringIO()
        write_csv(rows_of(data), out)
        return out.getvalue().encode(self.charset)


class GeoJSONRenderer(renderers.JSONRenderer):
    """
    A FeatureCollection (or one Feature): ``geometry`` from each object, the rest as
    properties. Rings are rewound by geojson-rewind (RFC 7946, section 3.1.6).
    """

    media_type = "application/geo+json"
    format = "geojson"

    @staticmethod
    def feature(item):
        """One Feature; its polygons wound as RFC 7946 asks (outer rings counter-clockwise, holes clockwise)."""
        properties = dict(item)
        geometry = properties.pop("geometry", None)
        if geometry:
            geometry = rewind(geometry)
        return {"type": "Feature", "id": properties.get("code"), "geometry": geometry, "properties": properties}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            meta = {key: value for key, value in data.items() if key != "results"}
            data = {"type": "FeatureCollection", **meta, "features": [self.feature(i) for i in data["results"]]}
        elif isinstance(data, dict):
            data = self.feature(data)
        return super().render(data, accepted_media_type, renderer_context)


class JSONLDRenderer(renderers.JSONRenderer):
    """
    schema.org JSON-LD. The view's serializer class maps one serialized object
    to a node with its ``jsonld(item)`` static method.
    """

    media_type = "application/ld+json"
    format = "jsonld"
    # The page's own terms, as our context (core/api/jsonld.py) names them; license_url is the licence.
    META = {"count": "count", "next": "next", "previous": "previous", "license": None, "cite_as": "citeAs"}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        request = (renderer_context or {}).get("request")
        if not isinstance(data, dict) or view is None or request is None:
            return super().render(data, accepted_media_type, renderer_context)
        to_node = view.get_serializer_class().jsonld
        context = jsonld.context_url(request)
        if "results" in data:
            meta = {self.META[k]: v for k, v in data.items() if self.META.get(k) and v is not None}
            data = {
                "@context": context,
                **meta,
                "license": jsonld.license_iri(),
                "@graph": [to_node(item) for item in data["results"]],
            }
        else:
            data = {"@context": context, **to_node(data)}
        return super().render(data, accepted_media_type, renderer_context)
