"""
Page weight per page type: bytes on the wire (compressed bodies and headers, as Chromium's
DevTools protocol counts them) and the number of requests, in Debian's Chromium at desktop
size: with a cold cache, and warm (after the home page, so shared CSS, scripts and the font
pieces already seen come from the cache). Prints one row per page type.

    .venv/bin/python bench/page_weight.py --base http://127.0.0.1:8000 [--label after]

Run it against a production-like server (SSE_MAP_ENV=production, collectstatic, gunicorn:
WhiteNoise then serves precompressed static files) over the shipped dataset; docs/site.md
gives the figures measured before and after issue 17.
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
# One page of each type, from the shipped dataset.
PAGES = {
    "home": "/",
    "country": "/countries/republic-of-korea/",
    "org type": "/types/kr-consumer-cooperative/",
    "law": "/laws/kr-agricultural-cooperatives-act-1957/",
    "family": "/families/cooperative/",
    "methodology": "/methodology/",
    "compare": "/compare/?countries=japan&countries=china",
    "search": "/search/?q=cooperative",
    "downloads": "/downloads/",
    "sources": "/sources/",
    "challenge": "/challenges/democratic-deficit/",
    "country (ko)": "/ko/countries/republic-of-korea/",
    "map data": "/map/countries.geojson",
}


def load(page, session, url):
    sizes = {}

    def finished(event):
        sizes[event["requestId"]] = event["encodedDataLength"]

    session.on("Network.loadingFinished", finished)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    session.remove_listener("Network.loadingFinished", finished)
    return (response.status if response else 0), sum(sizes.values()), len(sizes)


def weigh(browser, base, path):
    """(status, bytes, requests) with a cold cache, then (bytes, requests) after the home page was seen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    status, cold, cold_requests = load(page, session, base + path)
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    load(page, session, base + "/")
    _, warm, warm_requests = load(page, session, base + path)
    context.close()
    return status, cold, cold_requests, warm, warm_requests


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--label", default="")
    parser.add_argument("--only", nargs="*", help="page types to weigh (default: all)")
    options = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print(f"{'page type':<14} {'status':>6} {'cold KB':>9} {'requests':>9} {'warm KB':>9} {'requests':>9}"
              f"  {options.label}")  # fmt: skip
        for name, path in PAGES.items():
            if options.only and name not in options.only:
                continue
            status, cold, cold_n, warm, warm_n = weigh(browser, options.base.rstrip("/"), path)
            print(f"{name:<14} {status:>6} {cold / 1024:>9.1f} {cold_n:>9} {warm / 1024:>9.1f} {warm_n:>9}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
