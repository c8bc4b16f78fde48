"""Markdown through nh3, charts, the timeline's date precision, boundary import."""

import datetime
import json
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.utils import translation

from countries.boundaries import geometries_by_numeric_code, numeric_code, simplify_geometry
from countries.models import Country
from public.charts import column_chart, stacked_bar
from public.templatetags.sse_map import classification_bar_chart, format_date, local_lang, markdown


def test_markdown_is_rendered_and_sanitized():
    """Markdown becomes HTML; scripts, event handlers and javascript: links are removed."""
    html = markdown(
        '**bold** <script>alert(1)</script> <a href="javascript:x()" onclick="y()">l</a> [ok](https://a.org)'
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert 'href="https://a.org"' in html


def test_markdown_of_empty_text_is_empty():
    assert markdown("") == "" and markdown(None) == ""


def test_local_lang_tags():
    assert local_lang("KR") == "ko" and local_lang("jp") == "ja" and local_lang("XX") == ""


def test_stacked_bar_splits_width_in_proportion():
    segments = stacked_bar([("a", "A", 1), ("b", "B", 3), ("c", "C", 0)], width=400)
    assert [s.width for s in segments] == [100, 300, 0]
    assert [s.x for s in segments] == [0, 100, 400]


def test_stacked_bar_of_nothing_has_no_width():
    assert all(s.width == 0 for s in stacked_bar([("a", "A", 0)]))


def test_classification_bar_writes_svg_numbers_unlocalized_and_escapes_the_label():
    """Indonesian writes 66,67 for 66.67: the bar's geometry must not follow it; the label is text, not markup."""
    country = SimpleNamespace(n_sseoe=1, n_pho=1, n_outside=1)
    bar = stacked_bar([("sseoe", "SSEOE", 1), ("pho", "PHO", 1), ("outside", "Outside", 1)], width=200)
    with translation.override("id"):
        html = str(classification_bar_chart(bar, "<b>Laos</b>", country, width=200))
    assert 'viewBox="0 0 200 22"' in html
    assert 'x="66.67" y="0" width="66.67"' in html and 'x="133.33"' in html and "66,67" not in html
    assert "&lt;b&gt;Laos&lt;/b&gt;" in html and "<b>" not in html
    assert html.count("<rect ") == 3


def test_classification_bar_leaves_out_empty_segments():
    country = SimpleNamespace(n_sseoe=0, n_pho=2, n_outside=0)
    bar = stacked_bar([("sseoe", "SSEOE", 0), ("pho", "PHO", 2), ("outside", "Outside", 0)])
    html = str(classification_bar_chart(bar, "Laos", country))
    assert html.count("<rect ") == 1 and 'class="seg-pho" x="0.0" y="0" width="300.0"' in html
    assert 'aria-label="Laos: 0 SSEOE, 2 PHO, 0 outside"' in html
    assert "0 SSEOE · 2 PHO · 0 outside" in html


def test_matrix_cells_name_types_count_crowded_cells_and_mark_empty_ones():
    """One row of the home page's matrix: names escaped, a crowded cell linked to its country, an empty one said."""
    country = SimpleNamespace(pk=1, get_absolute_url=lambda: "/countries/laos/")
    named = SimpleNamespace(url="/types/a/", name="<i>Co-op</i>", classification="sseoe", settled=False, cell_size=1)
    crowded = [SimpleNamespace(country=country, cell_size=5, url="/t/", name="x", classification="pho", settled=True)]
    template = Template("{% load sse_map %}{% matrix_cells cells 3 %}")
    html = template.render(Context({"cells": [[named], crowded, []]}))
    assert html.count("<td>") == 3
    assert '<li><a href="/types/a/">&lt;i&gt;Co-op&lt;/i&gt;</a> <span class="badge badge-sseoe"' in html
    assert "badge-provisional" in html
    assert '<td><a href="/countries/laos/">5 types</a></td>' in html and ">x<" not in html
    assert '<span class="visually-hidden">none</span></td>' in html


def test_column_chart_scales_to_the_largest_value():
    bars = column_chart([("2019", 50), ("2020", 100)], width=200, height=80, gap=0)
    assert [b.height for b in bars] == [40, 80]
    assert [b.y for b in bars] == [40, 0]
    assert [b.x for b in bars] == [0, 100]


def test_dates_show_only_their_known_precision():
    day = datetime.date(2012, 3, 1)
    assert format_date(day, "year") == "2012"
    assert format_date(day, "month") == "March 2012"
    assert format_date(day, "day") == "1 March 2012"


def test_numeric_codes_come_from_iso():
    assert numeric_code("KR") == "410" and numeric_code("id") == "360"


def test_simplify_rounds_and_drops_collapsed_rings():
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0.001, 0.001], [1.004, 0], [1, 1], [0.002, 0.001]]],
            [[[5.0001, 5.0001], [5.0002, 5.0002], [5.0003, 5.0001], [5.0001, 5.0001]]],
        ],
    }
    result = simplify_geometry(geometry)
    assert result == {"type": "MultiPolygon", "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]}


def test_features_are_keyed_by_three_digit_numeric_id():
    collection = {
        "type": "FeatureCollection",
        "features": [{"id": "36", "geometry": {"type": "Point"}}, {"geometry": None}],
    }
    assert set(geometries_by_numeric_code(collection)) == {"036"}


@pytest.mark.django_db
def test_import_boundaries_stores_shapes_idempotently(tmp_path, capsys):
    """The command stores each country's shape by ISO numeric id, and a second run changes nothing."""
    from tests.factories import CountryFactory

    korea = CountryFactory(code="KR", name="Korea", slug="korea")
    square = [[[126, 34], [129, 34], [129, 38], [126, 34]]]
    path = tmp_path / "countries.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "id": "410", "geometry": {"type": "Polygon", "coordinates": square}}],
            }
        )
    )
    call_command("import_boundaries", file=path)
    korea.refresh_from_db()
    assert korea.boundary == {"type": "Polygon", "coordinates": square}
    updated_at = Country.objects.get(pk=korea.pk).updated_at
    call_command("import_boundaries", file=path)
    out = capsys.readouterr().out
    assert "0 updated, 1 unchanged" in out
    assert Country.objects.get(pk=korea.pk).updated_at == updated_at


@pytest.mark.django_db
def test_import_boundaries_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="make setup"):
        call_command("import_boundaries", file=tmp_path / "nope.geojson")


@pytest.mark.django_db
def test_import_boundaries_refuses_what_is_not_geojson(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]")
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        call_command("import_boundaries", file=path)


@pytest.mark.django_db
def test_natural_earth_gives_every_shipped_country_a_shape(full_dataset):
    """With the installed Natural Earth data (make setup), every shipped country gets a boundary."""
    from countries.management.commands.import_boundaries import default_path

    assert default_path().is_file(), "run `make setup` to install Natural Earth (npm ci)"
    call_command("import_boundaries")
    missing = list(Country.objects.filter(boundary__isnull=True).values_list("code", flat=True))
    assert missing == []
    korea = Country.objects.get(code="KR").boundary
    lon, lat = korea["coordinates"][0][0][0] if korea["type"] == "MultiPolygon" else korea["coordinates"][0][0]
    assert 124 < lon < 132 and 33 < lat < 39


def test_production_collectstatic_accepts_the_vendored_assets(tmp_path):
    """The manifest storage of production finds every file the vendored Leaflet refers to."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(SSE_MAP_ENV="production", SECRET_KEY="k" * 50, ALLOWED_HOSTS="example.org", STATIC_ROOT=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest and "js/map.js" in manifest
