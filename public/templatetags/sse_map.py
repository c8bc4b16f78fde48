"""Template helpers for the public site: Markdown through nh3, language tags, feature marks, dates."""

import datetime
from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from countries.choices import DatePrecision
from orgs import classification as rule

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
    ``{feature code: "met" | "open" | "missing"}`` for a type today (``orgs.classification.
    feature_states``): from ``feature_states_today`` when the view set it
    (``OrganizationTypeQuerySet.with_feature_states``: one query, no cell instances),
    otherwise from the type's prefetched cells.
    """
    states = getattr(org_type, "feature_states_today", None)
    if states is not None:
        return states
    return rule.feature_states((cell.sub_condition.feature.code, cell.finding) for cell in org_type.assessments.all())


@register.simple_tag
def feature_marks(org_type, features):
    """
    The marks beside a type: one per feature, met, open (not yet assessed) or missing (not
    stipulated), its initial shown and its state said in words. Rendered here rather than by an
    included template: a family page shows them for over a thousand types.
    """
    states = feature_states(org_type)
    words = {"met": gettext("met"), "open": gettext("not yet assessed"), "missing": gettext("not stipulated")}
    items = []
    for feature in features:
        state = states.get(feature.code)
        state = state if state in ("met", "open") else "missing"
        items.append((state, feature.name, words[state], feature.name[:1], "?" if state == "open" else ""))
    marks = format_html_join(
        "",
        '<li class="mark mark-{0}" title="{1}: {2}"><span aria-hidden="true">{3}{4}</span>'
        '<span class="visually-hidden">{1} {2}</span></li>',
        items,
    )
    return format_html('<ul class="marks" aria-label="{}">{}</ul>', gettext("Features"), marks)


@register.simple_tag(takes_context=True)
def matrix_cells(context, cells, cell_types):
    """
    The cells of one row of the home page's family matrix: a cell names its types (up to
    ``cell_types``) with their badges, or gives their number and links to the country, or is
    empty. Rendered here rather than by template loops: at scale the matrix holds thousands
    of cells (237 countries x the families), and the template engine's lookups per cell cost
    more than the rest of the page.
    """
    # Badges and country links worked out once per page, not once per row.
    memo = context.render_context.get("matrix_cells")
    if memo is None:
        memo = context.render_context["matrix_cells"] = ({}, {})
    badges, country_urls = memo
    empty = format_html('<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>', gettext("none"))
    out = []
    for cell in cells:
        if not cell:
            out.append(f"<td>{empty}</td>")
        elif cell[0].cell_size > cell_types:
            country = cell[0].country
            if country.pk not in country_urls:
                country_urls[country.pk] = country.get_absolute_url()
            n = cell[0].cell_size
            # The translation is trusted as {% blocktranslate %} trusts it; the number is ours.
            count = mark_safe(ngettext("%(n)s type", "%(n)s types", n) % {"n": localize(n)})
            out.append(format_html('<td><a href="{}">{}</a></td>', country_urls[country.pk], count))
        else:
            items = []
            for org_type in cell:
                key = (org_type.classification, org_type.settled)
                if key not in badges:
                    badges[key] = classification_badge(*key)
                items.append(format_html('<li><a href="{}">{}</a> {}</li>', org_type.url, org_type.name, badges[key]))
            out.append('<td><ul class="cell-list">' + "".join(items) + "</ul></td>")
    return mark_safe("".join(out))


@register.simple_tag
def classification_bar_chart(bar, label, country, width=300):
    """
    A country's SSEOE / PHO / outside counts as a stacked bar (``bar``: the segments of
    ``public.charts.stacked_bar``), labelled for screen readers and captioned. Rendered here
    rather than by an included template: the home page draws one per country (237 at scale).
    Numbers are written unlocalized, as SVG needs them.
    """

    def number(value):
        return conditional_escape(localize(value, use_l10n=False))

    counts = {key: number(getattr(country, f"n_{key}")) for key in ("sseoe", "pho", "outside")}
    summary = mark_safe(gettext("%(sseoe)s SSEOE, %(pho)s PHO, %(outside)s outside") % counts)
    caption = mark_safe(gettext("%(sseoe)s SSEOE · %(pho)s PHO · %(outside)s outside") % counts)
    segments = format_html_join(
        "",
        '<rect class="seg-{}" x="{}" y="0" width="{}" height="22"><title>{}: {}</title></rect>',
        ((str(seg.key), number(seg.x), number(seg.width), seg.label, number(seg.value)) for seg in bar if seg.width),
    )
    return format_html(
        '<figure class="chart chart-bar">\n'
        '  <svg class="bar-chart" viewBox="0 0 {} 22" preserveAspectRatio="none" width="100%" height="22" '
        'role="img" aria-label="{}: {}">\n'
        "    {}\n"
        "  </svg>\n"
        '  <figcaption class="chart-caption">{}</figcaption>\n'
        "</figure>\n",
        number(width or 300),
        label,
        summary,
        segments,
        caption,
    )


@register.simple_tag
def classification_badge(value, settled=None):
    """A classification's badge, and "provisional" beside it when ``settled`` is False (not when unknown)."""
    titles = {
        "sseoe": gettext("SSE organization or enterprise: meets every feature"),
        "pho": gettext("Partial Hybrid Organization: meets two features"),
    }
    labels = {"sseoe": "SSEOE", "pho": "PHO"}
    title = titles.get(value, gettext("Outside the SSE landscape"))
    if settled is False:
        title += gettext(", on the findings so far (provisional)")
    badge = format_html(
        '<span class="badge badge-{}" title="{}">{}</span>', value, title, labels.get(value) or gettext("Outside")
    )
    if settled is False:
        badge += format_html(
            ' <span class="badge badge-provisional" title="{}">{}</span>',
            gettext("Cells not yet assessed could still change this classification"),
            gettext("provisional"),
        )
    return badge


@register.simple_tag
def local_name(name, same_as, code):
    """A name in the country's own language, marked with its language, unless it is the English one."""
    if not name or name == same_as:
        return ""
    return format_html(' <span class="local" lang="{}">{}</span>', code, name)


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
