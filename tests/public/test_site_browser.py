"""
The public site in Debian's Chromium (Playwright), desktop and phone, over the shipped dataset:
the language switch on every page type, the native names in their own Noto font (the font
the browser actually used, asked through the DevTools protocol), axe-core (from npm, served
from node_modules, never a CDN) with no violation of any impact in English, Korean and
Indonesian; embeds framed from another origin while every other page refuses; the map's,
compare's and search's state in their URLs; chart and map downloads complete.
"""

import contextlib
import csv
import http.server
import io
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from countries.models import Country, Law, Statistic
from orgs.models import Family, OrganizationType
from tests.fixtures.public import CHROMIUM, CHROMIUM_ARGS
from tests.public.test_browser import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The nav's "Methodology" in each language tested: the page is translated, not only its lang attribute.
METHODOLOGY = {"en": "Methodology", "ko": "방법론", "id": "Metodologi"}
SWITCH = {"ko": "한국어", "id": "Bahasa Indonesia"}
HTML_LANG = {"en": "en", "ko": "ko", "id": "id"}


@pytest.fixture
def site(live_server):
    call_command("load_dataset", verbosity=0)
    call_command("import_boundaries", verbosity=0)
    korea = Country.objects.get(code="KR")
    law = Law.objects.public().filter(country=korea).first()
    stat_country = Statistic.objects.public().values_list("country__slug", flat=True).first()
    org_type = OrganizationType.objects.public().filter(country=korea).first()
    pages = {
        "home": "/",
        "country": korea.get_absolute_url(),
        "country-as-of": korea.get_absolute_url() + "?as_of=2012-01-01",
        "org-type": org_type.get_absolute_url(),
        "law": law.get_absolute_url(),
        "family": Family.objects.filter(org_types__country=korea).first().get_absolute_url(),
        "families": reverse("orgs:family-list"),
        "methodology": reverse("orgs:methodology"),
        "challenges": reverse("countries:challenge-list"),
        "challenge": reverse("countries:challenge-detail", args=["democratic-deficit"]),
        "compare": reverse("countries:compare") + "?countries=japan&countries=china",
        "search": reverse("countries:search") + "?q=coperative",
        "downloads": reverse("countries:downloads"),
        "sources": reverse("countries:source-list"),
        "suggest": reverse("orgs:org-type-suggest", args=[org_type.slug]),
        "research-in-progress": reverse("countries:country-detail", args=["cambodia"]),
        "embed-map": reverse("countries:embed-map"),
        "embed-country": reverse("countries:embed-country", args=[stat_country]),
    }
    return {
        "base": live_server.url,
        "pages": pages,
        "n_countries": Country.objects.published().count(),
        "country_urls": {c.code: c.get_absolute_url() for c in Country.objects.published()},
    }


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` (npm ci installs axe-core).")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, viewport, base):
    page = browser.new_context(viewport=viewport, accept_downloads=True).new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(f"other host: {r.url}")
            if not r.url.startswith(base) and not r.url.startswith("data:") else None)  # fmt: skip
    return page, problems


def axe_violations(page):
    page.evaluate(AXE.read_text())  # evaluated by the DevTools protocol: no script tag, no CDN
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def fonts_used(page, selector):
    """The font families Chromium actually drew the first element matching ``selector`` with."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def every_page_type_switches_language_and_passes_axe(site, browser, viewport):
    """On every page type: axe finds nothing in English; the switch leads to Korean, then Indonesian, translated."""
    page, problems = new_page(browser, viewport, site["base"])
    for name, path in site["pages"].items():
        page.goto(site["base"] + path)
        page.wait_for_load_state("networkidle")
        for lang in ("en", "ko", "id"):
            if lang != "en":
                if name.startswith("embed"):
                    page.goto(site["base"] + f"/{lang}" + path)
                else:
                    page.locator(".language-switch").get_by_role("link", name=SWITCH[lang]).click()
                page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == HTML_LANG[lang], (name, lang)
            if not name.startswith("embed"):
                assert (
                    page.locator("nav[aria-label] .nav-list a[href$='/methodology/']").first.inner_text()
                    == METHODOLOGY[lang]
                ), (name, lang)  # noqa: E501
                # The page's own state follows the switch (the search, the day, the countries compared).
                assert urlsplit(page.url).query == urlsplit(site["pages"][name]).query, (name, lang, page.url)
            assert axe_violations(page) == [], (name, lang)
        page.goto(site["base"] + path)
    assert problems == []


def native_names_in_their_own_font_and_only_embeds_in_frames(site, browser):
    """
    Korean, Japanese and Chinese names each in their Noto font (never the Korean font for
    Chinese), no fallback; then the embed in a frame of another origin, and other pages refusing.
    """
    page, problems = new_page(browser, DESKTOP, site["base"])
    expected = {"KR": "Noto Sans KR", "JP": "Noto Sans JP", "CN": "Noto Sans SC"}
    for code, family in expected.items():
        page.goto(site["base"] + site["country_urls"][code])
        page.evaluate("document.fonts.ready")
        used = fonts_used(page, "h1 .local")
        assert used and all(name.startswith(family) for name in used), (code, used)
        # The language switch names each language in its own script and font, on every page.
        for lang, switch_family in (("ko", "Noto Sans KR"), ("ja", "Noto Sans JP"), ("zh-Hans", "Noto Sans SC")):
            used = fonts_used(page, f".language-switch a[lang='{lang}']")
            assert used and all(name.startswith(switch_family) for name in used), (lang, used)
    # A phase-two country in another script (Khmer) is not boxes either.
    page.goto(site["base"] + reverse("countries:country-detail", args=["cambodia"]))
    page.evaluate("document.fonts.ready")
    used = fonts_used(page, "h1 .local")
    assert used and all(name.startswith("Noto Sans Khmer") for name in used), used
    assert problems == []
    for other in ("country", "home", "methodology", "challenge"):
        embed_framed_and_page_refused(browser, site, other)


FRAMER = """<!doctype html><html lang="en"><title>Another site</title>
<iframe id="embed" title="embed" src="{base}{embed}" width="800" height="600"></iframe>
<iframe id="page" title="page" src="{base}{page}" width="800" height="600"></iframe>"""


def embed_framed_and_page_refused(browser, site, other):
    """The embed map draws inside a frame of another origin; the page ``other`` shows Chromium's error."""
    page = browser.new_context().new_page()
    html = FRAMER.format(base=site["base"], embed=site["pages"]["embed-map"], page=site["pages"][other])
    # Another origin: a second little web server on another port, serving only the framing page.
    with other_origin(html) as framer:
        page.goto(framer)
        check_frames(page, other, site["n_countries"])
    page.context.close()


@contextlib.contextmanager
def other_origin(html):
    """An HTTP server on another port of the loopback (another origin) answering ``html`` to any GET."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


def check_frames(page, other, n_countries):
    page.wait_for_timeout(1500)
    embed = page.frame_locator("#embed")
    embed.locator("#map path[data-country='KR']").wait_for(timeout=10000)
    assert embed.locator("#countries-table tbody tr").count() == n_countries
    # The other page refused to be framed: its frame holds Chromium's error page, not the page.
    framed = page.locator("#page").element_handle().content_frame()
    assert framed.url.startswith("chrome-error://") or framed.locator("#main").count() == 0, (other, framed.url)
    assert framed.locator("nav[aria-label]").count() == 0, other


def state_round_trips_through_urls_and_downloads_are_complete(site, browser):
    page, problems = new_page(browser, DESKTOP, site["base"])
    page.goto(site["base"] + "/?indicator=share_pho")
    page.locator("#map path[data-country='KR']").wait_for()
    assert page.locator("#map-indicator").input_value() == "share_pho"
    assert "Share of the types that are PHOs" in page.locator("#map-legend").inner_text()
    page.select_option("#map-indicator", "n_laws")
    assert parse_qs(urlsplit(page.url).query)["indicator"] == ["n_laws"]
    page.reload()
    page.locator("#map path[data-country='KR']").wait_for()
    assert page.locator("#map-indicator").input_value() == "n_laws"
    assert "Laws and instruments" in page.locator("#map-legend").inner_text()
    # Compare: the selection is the URL, and the URL restores it.
    page.goto(site["base"] + reverse("countries:compare"))
    page.check("#cmp-japan")
    page.check("#cmp-china")
    page.get_by_role("button", name="Compare", exact=True).click()
    assert sorted(parse_qs(urlsplit(page.url).query)["countries"]) == ["china", "japan"]
    shared = page.url
    page.goto(shared)
    assert page.is_checked("#cmp-japan") and page.is_checked("#cmp-china") and not page.is_checked("#cmp-malaysia")
    assert (
        page.locator("#compare-caption").inner_text().startswith("Japan, China")
        or "China" in page.locator("#compare-caption").inner_text()
    )  # noqa: E501
    # Search: the words are in the URL; a typo offers the word meant, and following it finds types.
    page.goto(site["base"] + reverse("countries:search") + "?q=coperative")
    assert page.locator("#q").input_value() == "coperative"
    page.locator("a.suggestion").click()
    assert parse_qs(urlsplit(page.url).query)["q"] == ["cooperative"]
    assert page.locator("#r-types").is_visible()
    assert problems == []
    # Downloads: the CSV of a chart has its table's rows; its SVG and PNG are real files; the map's
    # CSV has every country.
    page.goto(site["base"] + site["pages"]["embed-country"])
    group = page.locator(".chart-group").first
    rows = group.locator("table tbody tr").count()
    assert rows >= 2
    with page.expect_download() as download:
        group.locator("[data-download='csv']").click()
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(table) == rows + 1 and table[0] == ["Year", "Value"]
    with page.expect_download() as download:
        group.locator("[data-download='svg']").click()
    svg = Path(download.value.path()).read_text()
    assert svg.startswith("<svg") and svg.count("<rect") >= rows
    with page.expect_download() as download:
        group.locator("[data-download='png']").click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The chart/table switch.
    group.get_by_role("button", name="Table").click()
    assert group.locator("table").is_visible() and not group.locator("figure").is_visible()
    # The map's CSV: every published country.
    page.goto(site["base"] + "/")
    page.locator("#map path[data-country='KR']").wait_for()
    with page.expect_download() as download:
        page.locator("#map + .chart-tools [data-download='csv']").click()
    countries = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(countries) == site["n_countries"]
    assert json.dumps(problems) == "[]"


def test_the_site_in_chromium(site, browser):
    """
    One test over one load of the shipped dataset (loading it in a live-server test is slow):
    every page type switching language with axe at desktop and phone sizes, the fonts, the
    frames, the state in URLs and the downloads.
    """
    every_page_type_switches_language_and_passes_axe(site, browser, DESKTOP)
    every_page_type_switches_language_and_passes_axe(site, browser, PHONE)
    native_names_in_their_own_font_and_only_embeds_in_frames(site, browser)
    state_round_trips_through_urls_and_downloads_are_complete(site, browser)
