"""Template helpers for the public site: Markdown through nh3, language tags, feature marks, dates."""

import datetime
from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.safestring import mark_safe

from countries.choices import DatePrecision

register = template.Library()

# BCP 47 language of each country's local-language names (for the lang attribute).
LOCAL_LANGUAGES = {
    "CN": "zh-Hans",
    "ID": "id",
    "JP": "ja",
    "KG": "ky",
    "KH": "km",
    "KR": "ko",
    "LA": "lo",
    "MN": "mn",
    "MY": "ms",
    "PH": "fil",
    "TH": "th",
    "VN": "vi",
}

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5"}


@register.filter
def markdown(text):
    """Render Markdown and keep only safe HTML (nh3 strips scripts, styles and event handlers)."""
    if not text:
        return ""
    html = markdown_lib.markdown(str(text), extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above


@register.filter
def local_lang(country_code):
    """The BCP 47 tag for a country's local-language names; '' when unknown."""
    return LOCAL_LANGUAGES.get((country_code or "").upper(), "")


@register.filter
def feature_states(org_type):
    """
    ``{feature code: "met" | "open" | "missing"}`` for a type today, from its prefetched
    cells: met when a cell is met, open (not yet assessed) when none is met and one is not
    assessed, missing when every cell is not stipulated.
    """
    states = {}
    for cell in org_type.assessments.all():
        code = cell.sub_condition.feature.code
        if cell.finding == "met":
            states[code] = "met"
        elif cell.finding == "not_assessed" and states.get(code) != "met":
            states[code] = "open"
        else:
            states.setdefault(code, "missing")
    return states


@register.filter
def contains(container, item):
    return item in container


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.simple_tag
def precise_date(day, precision="day"):
    """A date shown only as precisely as it is known."""
    return format_date(day, precision)


def format_date(day: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """'2012', 'March 2012' or '1 March 2012', as much as the precision says is known."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return day.strftime("%B %Y")
    return f"{day.day} {day.strftime('%B %Y')}"



# Django's language codes are lower-case ('zh-hans'); HTML's lang and hreflang take BCP 47 ('zh-Hans').
BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
OG_LOCALES = {"en": "en_GB", "ko": "ko_KR", "ja": "ja_JP", "zh-hans": "zh_CN", "ms": "ms_MY", "id": "id_ID",
              "fil": "fil_PH"}  # fmt: skip


@register.filter
def bcp47(code):
    return BCP47.get(code, code)


@register.filter
def og_locale(code):
    return OG_LOCALES.get(code, "en_GB")


# Each language named in itself, for the switch.
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語", "zh-hans": "简体中文", "ms": "Bahasa Melayu",
                  "id": "Bahasa Indonesia", "fil": "Filipino"}  # fmt: skip


STATE_PARAMETERS = ("indicator", "view", "countries", "q", "as_of")


def _absolute(request, path):
    return request.build_absolute_uri(path)


@register.filter
def canonical_url(request):
    """This page's URL without its query string ('' where there is no request, as on the 500 page)."""
    if not request:
        return ""
    return _absolute(request, request.path)


@register.filter
def alternate_urls(request):
    """(language, absolute URL) of this page in every language, and x-default (the English page)."""
    if not request:
        return []
    urls = [(code, _absolute(request, translate_url(request.path, code))) for code, _name in settings.LANGUAGES]
    return urls + [("x-default", _absolute(request, translate_url(request.path, settings.LANGUAGE_CODE)))]


@register.filter
def language_links(request):
    """(code, the language's own name, this page in it, with its query string) for the switch."""
    if not request:
        return []
    # Only the parameters that are the page's state (map indicator, compare, search, day) follow.
    state = [(key, value) for key in STATE_PARAMETERS for value in request.GET.getlist(key)]
    query = urlencode(state)
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(request.path, code) + (f"?{query}" if query else "")
        links.append((code, LANGUAGE_NAMES.get(code, code), url))
    return links
