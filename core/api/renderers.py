"""
Formats beyond JSON, chosen with ``?format=``: CSV on every list, GeoJSON for
countries, JSON-LD (schema.org) for laws and organization types.
"""

import csv
import io

from rest_framework import renderers

from core.safe_cells import neutralise


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def flatten(item, prefix=""):
    """
    One CSV row from a serialized object: nested objects as ``a.b`` columns,
    lists joined by '; ', objects inside lists as ``key=value, ...``.
    """
    row = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
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
    the rows and written first; the header is returned for the next chunk.
    """
    flat = [flatten(row) for row in rows]
    writer_header = header
    if writer_header is None:
        writer_header = []
        for row in flat:
            writer_header.extend(key for key in row if key not in writer_header)
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
    """A FeatureCollection (or one Feature): ``geometry`` from each object, the rest as properties."""

    media_type = "application/geo+json"
    format = "geojson"

    @staticmethod
    def feature(item):
        properties = dict(item)
        geometry = properties.pop("geometry", None)
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
    context = "https://schema.org/"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        to_node = view.get_serializer_class().jsonld
        if isinstance(data, dict) and "results" in data:
            meta = {key: value for key, value in data.items() if key != "results"}
            data = {"@context": self.context, **meta, "@graph": [to_node(item) for item in data["results"]]}
        elif isinstance(data, dict):
            data = {"@context": self.context, **to_node(data)}
        return super().render(data, accepted_media_type, renderer_context)
