"""
Safe rich text: script-injection payloads typed into every text field that the
public pages show (Markdown narratives, descriptions and summaries, and plain
names, titles and notes) come out with nothing executable in the HTML.
"""

from html.parser import HTMLParser

import pytest
from django.db import models

from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs.models import Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition
from tests.factories import (
    CountryFactory,
    FamilyFactory,
    LawEventFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    SourceFactory,
    StatisticFactory,
    give_evidence,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">js link</a>',
    '<a href="JaVaScRiPt&#58;alert(1)">encoded js link</a>',
    "[md js link](javascript:alert(1))",
    "[md spaced js link](  javascript:alert(1) \"title\")",
    "![md image](javascript:alert(1))",
    '![md image onerror](x" onerror="alert(1))',
    "[md data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref link][r]\n\n[r]: javascript:alert(1)",
    '<iframe src="https://evil.example/"></iframe>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<details open ontoggle=alert(1)>details</details>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '"><script>alert(1)</script>',
    "<math><mi xlink:href=\"javascript:alert(1)\">math</mi></math>",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
    "<base href=\"javascript:alert(1)//\">",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
]
FULL_PAYLOAD = "\n\n".join(PAYLOADS)
SHORT_PAYLOAD = "".join(PAYLOADS[:3])

# The fields the public pages must show (so each payload is really rendered), by model.
RENDERED = {
    Country: ["name", "narrative"],
    Law: ["title", "summary", "verification_note"],
    LawEvent: ["note"],
    OrganizationType: ["name", "description"],
    LegalBasis: ["note"],
    Reference: ["note"],
    Statistic: ["note"],
    Source: ["title"],
    Feature: ["description"],
    SubCondition: ["description"],
    Family: ["description"],
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "applet", "base"}


class ExecutableFinder(HTMLParser):
    """Collects anything a browser could execute, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.text = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script> not from our static files: {attrs}")
            self.in_script = True
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            value = value or ""
            squeezed = "".join(ch for ch in value if ch.isprintable() and not ch.isspace()).lower()
            if name.startswith("on"):
                self.problems.append(f"event handler <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"dangerous URL <{tag} {name}={value!r}>")
            if name == "style" and ("javascript:" in squeezed or "expression(" in squeezed):
                self.problems.append(f"script in style <{tag} style={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script content: {data[:80]!r}")
        self.text.append(data)


def inject(model):
    """Puts a payload, led by a unique marker, in every free-text field of every row; returns the markers."""
    markers = {}
    text_fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField | models.URLField)
        and not f.choices
        and (f.max_length is None or f.max_length >= 40)
    ]
    for pk in model._base_manager.values_list("pk", flat=True):
        values = {}
        for field in text_fields:
            marker = f"XSSM{model.__name__}{field.name.replace('_', '')}{pk}Z"
            payload = f"{marker} " + (FULL_PAYLOAD if field.max_length is None else SHORT_PAYLOAD)
            values[field.name] = payload[: field.max_length] if field.max_length else payload
            markers.setdefault(field.name, []).append(marker)
        model._base_manager.filter(pk=pk).update(**values)
    return markers


@pytest.fixture
def hostile_world(db):
    source = SourceFactory(slug="hostile-source")
    country = CountryFactory(code="FR", slug="france")
    family = FamilyFactory(slug="hostile-family")
    law = LawFactory(slug="hostile-law", country=country, source=source, verification="unverified")
    later = LawFactory(slug="hostile-later-law", country=country, source=source)
    LawEventFactory(law=law, kind="amended", related_law=later, source=source)
    org_type = OrganizationTypeFactory(slug="hostile-type", country=country, family=family)
    LegalBasisFactory(org_type=org_type, law=law)
    give_evidence(org_type, "social-problem", "democratic-governance", law=law)
    StatisticFactory(slug="hostile-stat", country=country, org_type=org_type, source=source)
    markers = {model: inject(model) for model in RENDERED}
    return {"country": country, "laws": [law, later], "org_type": org_type, "family": family, "markers": markers}


def public_pages(world):
    country, org_type, family = world["country"], world["org_type"], world["family"]
    return [
        "/",
        country.get_absolute_url(),
        *[law.get_absolute_url() for law in world["laws"]],
        org_type.get_absolute_url(),
        f"{org_type.get_absolute_url()}suggest/",
        f"{world['laws'][0].get_absolute_url()}suggest/",
        "/families/",
        family.get_absolute_url(),
        "/methodology/",
        "/sources/",
        "/downloads/",
        f"/compare/?countries={country.slug}",
        "/search/?q=alert",
        "/search/?q=XSSM",
        "/search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ]


def test_nothing_executable_reaches_the_public_pages(client, hostile_world):
    """Every page renders (200) with no script tag of ours missing, no on* attribute, no javascript:,
    vbscript: or data: URL, no iframe/object/embed/base; and every listed field was really shown."""
    shown = []
    for url in public_pages(hostile_world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        finder = ExecutableFinder()
        finder.feed(html)
        finder.close()
        assert finder.problems == [], f"{url}: {finder.problems}"
        assert "<script>alert" not in html.lower(), url
        shown.append(" ".join(finder.text))
    text = "\n".join(shown)
    for model, fields in RENDERED.items():
        for field in fields:
            markers = hostile_world["markers"][model][field]
            assert any(marker in text for marker in markers), f"{model.__name__}.{field} is shown on no page"


def test_markdown_still_renders_safe_formatting(client, hostile_world):
    """The sanitizer keeps what Markdown is for: emphasis, lists and http(s) links."""
    country = hostile_world["country"]
    Country.objects.filter(pk=country.pk).update(
        narrative="Some **bold** text.\n\n- one\n- two\n\n[ILO](https://www.ilo.org/)"
    )
    html = client.get(country.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html and "<li>one</li>" in html
    assert '<a href="https://www.ilo.org/" rel="noopener noreferrer">ILO</a>' in html


def test_the_finder_catches_what_it_looks_for():
    """The checker itself: each kind of executable markup is reported."""
    finder = ExecutableFinder()
    finder.feed(
        '<script>x()</script><img src=x onerror=y()><a href=" JaVa&#10;Script:z()">a</a>'
        '<iframe></iframe><p style="x:expression(1)"></p><a href="data:text/html,x">d</a>'
    )
    assert len(finder.problems) == 7
