"""The downloads page (issue 16): only complete files, the current data's and every release's, with sizes."""

import re

import pytest
from django.urls import reverse

from countries.models import LawEvent, Statistic
from orgs.models import OrganizationType
from releases.models import Release
from releases.services import release_cut


@pytest.fixture(autouse=True)
def _releases_dir(settings, tmp_path):
    settings.SSE_MAP_RELEASES_DIR = tmp_path / "releases"


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_link_answers_200_and_the_sizes_are_the_files(client, curated, editor):
    LawEvent.objects.update(note="Read in translation.")
    Statistic.objects.update(note="From the registry summary.")
    release_cut(user=editor, version="2027.1")
    OrganizationType.objects.filter(slug="scop").update(name="SCOP renamed")
    release_cut(user=editor, version="2027.2")

    # Before the current files are first built, the page says so instead of a size.
    before = client.get(reverse("countries:downloads"), HTTP_COOKIE="csrftoken=" + "b" * 32).content.decode()
    assert before.count("built on request") == 2
    for url in ("/api/v1/datapackage.zip", "/api/v1/dataset.xlsx"):
        assert client.get(url).status_code == 200
    response = client.get(reverse("countries:downloads"), HTTP_COOKIE="csrftoken=" + "c" * 32)
    assert response.status_code == 200
    html = response.content.decode()
    assert "built on request" not in html
    whole = re.findall(r'<a href="([^"]+)" class="download whole" data-format="(\w+)" data-bytes="(\d+)">', html)
    # The current data and two releases, a zip and an XLSX each.
    assert [url for url, _fmt, _size in whole] == [
        "/api/v1/datapackage.zip",
        "/api/v1/dataset.xlsx",
        "/api/v1/releases/2027.2/datapackage.zip",
        "/api/v1/releases/2027.2/dataset.xlsx",
        "/api/v1/releases/2027.1/datapackage.zip",
        "/api/v1/releases/2027.1/dataset.xlsx",
    ]
    for url, fmt, size in whole:
        file = client.get(url)
        assert file.status_code == 200, url
        if url == "/api/v1/dataset.xlsx":
            # Built on request, and openpyxl stamps each workbook with the time: a few bytes either way.
            assert abs(len(_body(file)) - int(size)) < 64, (url, fmt)
        else:
            assert len(_body(file)) == int(size), (url, fmt)
    assert "Release 2027.1" in html and "release 2027.2 and later changes" in html
    text = " ".join(html.split())
    # The rename changed the type and its six cells' rows (they name their type).
    log = Release.objects.get(version="2027.2").changelog
    assert [c["key"] for c in log["resources"]["org-types"]["changed"]] == ["scop"]
    assert log["summary"] == {"added": 0, "changed": 7, "removed": 0, "reclassified": 0}
    assert "<td>0 added, 7 changed, 0 removed; 0 types reclassified</td>" in text, re.findall(r"\d+ added[^<]*", text)
    for url in re.findall(r'href="(/api/v1/[^"]+)" class="download"', html):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url
    assert "page_size" not in html
