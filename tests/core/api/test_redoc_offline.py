"""ReDoc is served from our own static files: no script, style or font from another host (issue 16)."""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from tests.api_helpers import API


class _Urls(HTMLParser):
    """Every URL an element of the page refers to (src, href, spec-url), and inline scripts."""

    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.redoc = [], 0, None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "spec-url", "action", "data", "poster"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "redoc":
            self.redoc = attrs
        self._in_script = tag == "script" and not attrs.get("src")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_script = False


def _page(client):
    response = client.get(f"{API}redoc/")
    assert response.status_code == 200
    parser = _Urls()
    parser.feed(response.content.decode())
    return response, parser


@pytest.mark.django_db
def test_redoc_page_refers_only_to_same_origin_urls(anon):
    """Every src/href of the page is a path on our host; no inline script; no font service anywhere."""
    response, parser = _page(anon)
    html = response.content.decode()
    assert parser.urls, "the page refers to its bundle and the schema"
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
    assert "/static/vendor/redoc/redoc.standalone.js" in parser.urls
    assert parser.redoc["spec-url"] == f"{API}schema/"
    assert parser.inline_scripts == 0, "no inline script (CSP script-src 'self')"
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html and "cdn" not in html.lower()
    # The theme names local font stacks only; ReDoc's own defaults (Montserrat, Roboto web fonts) are replaced.
    theme = json.loads(parser.redoc["theme"])
    assert "Montserrat" not in json.dumps(theme)
    assert theme["typography"]["fontFamily"].endswith("sans-serif")
    # The CSP of the page allows scripts and fonts from ourselves only.
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "font-src 'self'" in csp


@pytest.mark.django_db
def test_the_redoc_bundle_is_served_from_our_static_files():
    """The bundle the page names is served (static/vendor/redoc, copied from the npm package by make setup)."""
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        client = Client()  # a new handler, so WhiteNoise reads the settings above
        _, parser = _page(client)
        bundle = next(u for u in parser.urls if u.endswith(".js"))
        response = client.get(bundle)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 500_000 and b"Redoc" in body
    # The bundle itself loads no web font from another host.
    assert b"fonts.googleapis.com" not in body and b"fonts.gstatic.com" not in body
    # Its footer logo from cdn.redoc.ly is replaced by make setup (the Makefile's assets rule).
    assert b"cdn.redoc.ly" not in body
