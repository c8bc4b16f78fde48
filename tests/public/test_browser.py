"""
Real-browser tests: Debian's Chromium driven by Playwright against the live server.

A visitor's path through the site with no console error and no request to any
other host; axe-core finds no serious or critical violation; screenshots of the
main pages (desktop and 360 px) are saved under artifacts/screenshots/.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from curation.dataset import default_paths
from orgs.models import OrganizationType
from tests.fixtures.public import CHROMIUM, CHROMIUM_ARGS, build_landscape

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(live_server):
    """The live server with the method, three countries' landscape and their Natural Earth shapes."""
    # The live server's database is flushed between tests: load what the test needs here.
    call_command("load_dataset", str(default_paths()[0]), verbosity=0)
    countries = build_landscape()
    call_command("import_boundaries", verbosity=0)
    sseoe = OrganizationType.objects.get(name=f"Worker cooperative {countries[0].code}")
    return {
        "base": live_server.url,
        "countries": countries,
        "pages": {
            "home": "/",
            "country": countries[0].get_absolute_url(),
            "org-type": sseoe.get_absolute_url(),
            "methodology": reverse("orgs:methodology"),
        },
    }


POINT_INSIDE = """code => {
  const shape = document.querySelector(`path[data-country="${code}"]`);
  shape.scrollIntoView({block: "center"});
  const box = shape.getBoundingClientRect();
  for (let i = 1; i < 80; i++) {
    for (let j = 1; j < 80; j++) {
      const x = box.left + (box.width * i) / 80, y = box.top + (box.height * j) / 80;
      if (document.elementFromPoint(x, y) === shape) return [x, y];
    }
  }
  return null;
}"""


def click_country(page, code):
    """Click a point inside the country's shape, as a visitor would (not the box's centre, maybe sea)."""
    point = page.evaluate(POINT_INSIDE, code)
    assert point, f"no visible point of {code} on the map"
    page.mouse.click(*point)


class Watch:
    """Records console errors, page errors and the hosts of every request a page makes."""

    def __init__(self, page, base):
        self.errors, self.foreign = [], []
        host = urlsplit(base).netloc
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "request",
            lambda req: (
                urlsplit(req.url).scheme in ("http", "https")
                and urlsplit(req.url).netloc != host
                and self.foreign.append(req.url)
            ),
        )


def test_visitor_path(site, browser):
    """Home → click a country on the map → its page → a type → search → compare → the downloads."""
    base, countries = site["base"], site["countries"]
    first, second = countries[0], countries[1]
    page = browser.new_page(viewport=DESKTOP)
    watch = Watch(page, base)

    page.goto(base + "/")
    shape = page.locator(f'path[data-country="{first.code}"]')
    shape.wait_for()
    legend = page.locator("#map-legend")
    assert "Share of the types that are SSEOEs" in legend.inner_text()
    page.select_option("#map-indicator", "n_laws")
    assert "Laws and instruments" in legend.inner_text()
    click_country(page, first.code)
    page.wait_for_url(f"**{first.get_absolute_url()}")
    assert first.name in page.locator("h1").inner_text()
    assert page.locator("ol.timeline li").count() >= 5
    assert page.get_by_text("Annulled by a court").first.is_visible()

    page.get_by_role("link", name=f"Worker cooperative {first.code}").first.click()
    page.wait_for_url("**/types/**")
    assert "SSEOE" in page.locator(".classification").inner_text()
    assert page.locator("table.cells").count() == 3  # one table per feature, two sub-conditions each

    page.fill("#site-search", "Mutual society")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=Mutual+society")
    assert page.get_by_role("link", name=f"Mutual society {second.code}").is_visible()

    page.goto(base + reverse("countries:compare"))
    page.check(f"#cmp-{first.slug}")
    page.check(f"#cmp-{second.slug}")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare/?countries=*")
    caption = page.locator("#compare-caption").inner_text()
    assert first.name in caption and second.name in caption

    page.goto(base + reverse("countries:downloads"))
    csv_link = page.locator('a.download[href="/api/v1/org-types/?format=csv&all=true"]')
    assert csv_link.count() == 1
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    csv_text = Path(download.path()).read_text(encoding="utf-8")
    assert f"Worker cooperative {first.code}" in csv_text
    assert "Secret Draft Type" not in csv_text
    response = page.request.get(base + csv_link.get_attribute("href"))
    assert "text/csv" in response.headers["content-type"]

    assert watch.errors == []
    assert watch.foreign == []


def test_map_country_opens_with_the_keyboard(site, browser):
    """Tab reaches a country on the map, and Enter opens its page."""
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site["base"] + "/")
    page.locator("path[data-country]").first.wait_for()
    for _ in range(60):
        page.keyboard.press("Tab")
        code = page.evaluate("document.activeElement.getAttribute('data-country')")
        if code:
            break
    assert code, "no country on the map is reachable with Tab"
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/**")
    assert page.url.endswith(f"/countries/country-{code.lower()}/")


def test_table_gives_the_map_figures_without_javascript(site, browser):
    """With JavaScript off, the map stays hidden and the table links every country."""
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(site["base"] + "/")
    assert not page.locator("#map").is_visible()
    for country in site["countries"]:
        assert page.get_by_role("link", name=country.name, exact=True).first.is_visible()
    context.close()


@pytest.mark.parametrize("name", ["home", "country", "org-type", "methodology"])
def test_accessibility_and_screenshots(site, browser, name):
    """axe-core finds no serious or critical violation; the page fits 360 px; screenshots are saved."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = site["base"] + site["pages"][name]
    for label, viewport in (("desktop", DESKTOP), ("360px", PHONE)):
        page = browser.new_page(viewport=viewport)
        watch = Watch(page, site["base"])
        page.goto(url)
        if name == "home":
            page.locator("path[data-country]").first.wait_for()
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        results = Axe().run(page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{name} {label}: {bad}"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {label} scrolls sideways by {overflow}px"
        assert watch.errors == [] and watch.foreign == []
        page.close()


def test_real_dataset_pages_are_accessible_and_fit_360px(live_server, browser_after_dataset):
    """Over the shipped dataset, the main pages have no serious or critical axe violation and fit 360 px."""
    from axe_playwright_python.sync_playwright import Axe

    browser, urls = browser_after_dataset
    problems = []
    for viewport in (DESKTOP, PHONE):
        page = browser.new_page(viewport=viewport)
        watch = Watch(page, live_server.url)
        for url in urls:
            page.goto(live_server.url + url)
            if url == "/":
                page.locator("path[data-country]").first.wait_for()
            for v in Axe().run(page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append(f"{url} {viewport['width']}px: {v['id']} {[n['target'] for n in v['nodes']][:2]}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{url} {viewport['width']}px scrolls sideways by {overflow}px")
        assert watch.errors == [] and watch.foreign == []
        page.close()
    assert problems == []


@pytest.fixture
def browser_after_dataset(live_server, monkeypatch):
    """The shipped dataset with boundaries, a few pages of each kind, then the browser."""
    from countries.models import Country, Law

    call_command("load_dataset", verbosity=0)
    call_command("import_boundaries", verbosity=0)
    country = Country.objects.published().order_by("name").first()
    org_type = OrganizationType.objects.public().filter(country=country).order_by("name").first()
    law = Law.objects.public().filter(country=country).order_by("title").first()
    urls = ["/", country.get_absolute_url(), org_type.get_absolute_url(), law.get_absolute_url()]
    urls += [org_type.family.get_absolute_url(), reverse("orgs:methodology"), reverse("countries:source-list")]
    urls.append(
        reverse("countries:compare") + "?" + "&".join(f"countries={c.slug}" for c in Country.objects.published())
    )
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser, urls
        browser.close()
