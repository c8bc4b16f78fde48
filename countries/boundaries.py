"""
Country shapes from Natural Earth (the npm package ``world-atlas``).

``make setup`` installs the package with ``npm ci`` and converts its TopoJSON
to GeoJSON with ``topojson-client``; ``manage.py import_boundaries`` then
stores each country's geometry in ``Country.boundary``. Natural Earth keys
countries by ISO 3166-1 numeric code, which pycountry maps from our alpha-2
codes. Pure functions, no database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry

# Two decimal places of a degree is about a kilometre: finer than a pixel on a
# regional map, and it keeps the map data small.
COORDINATE_DIGITS = 2


class BoundaryFileError(Exception):
    """The boundary file is missing or is not a GeoJSON FeatureCollection."""


def read_feature_collection(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BoundaryFileError(
            f"No boundary file at {path}. Run `make setup`: it installs Natural Earth "
            "(npm package world-atlas) and converts it to GeoJSON."
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryFileError(f"{path} cannot be read as JSON: {exc}") from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryFileError(f"{path} is not a GeoJSON FeatureCollection.")
    return data


def numeric_code(alpha2: str) -> str | None:
    """ISO 3166-1 numeric code ('410') for an alpha-2 code ('KR'), or None."""
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    return country.numeric if country else None


def _round(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        return [round(c, COORDINATE_DIGITS) for c in coordinates]
    rounded = [_round(c) for c in coordinates]
    # Drop points that rounding made identical to the one before.
    if rounded and isinstance(rounded[0], list) and rounded[0] and isinstance(rounded[0][0], int | float):
        deduped = [rounded[0]]
        for point in rounded[1:]:
            if point != deduped[-1]:
                deduped.append(point)
        return deduped
    return rounded


def simplify_geometry(geometry: dict) -> dict:
    """The geometry with coordinates rounded; rings that collapse below a triangle are dropped."""
    kind = geometry.get("type")
    if kind == "Polygon":
        rings = [r for r in (_round(ring) for ring in geometry["coordinates"]) if len(r) >= 4]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiPolygon":
        polygons = []
        for polygon in geometry["coordinates"]:
            rings = [r for r in (_round(ring) for ring in polygon) if len(r) >= 4]
            if rings:
                polygons.append(rings)
        return {"type": "MultiPolygon", "coordinates": polygons}
    return {"type": kind, "coordinates": _round(geometry.get("coordinates", []))}


def geometries_by_numeric_code(collection: dict) -> dict[str, dict]:
    """Map each feature's ISO numeric id (as three digits) to its geometry."""
    result = {}
    for feature in collection["features"]:
        key = feature.get("id")
        geometry = feature.get("geometry")
        if key is None or not geometry:
            continue
        result[str(key).zfill(3)] = geometry
    return result
