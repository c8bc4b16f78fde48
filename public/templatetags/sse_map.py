"""Template helpers for the public site: Markdown through nh3, language tags, feature marks, dates."""

import datetime

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from countries.choices import DatePrecision

register = template.Library()

# BCP 47 language of each country's local-language names (for the lang attribute).
LOCAL_LANGUAGES = {
    "CN": "zh",
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

