"""
Seven languages: no template string left unmarked, no marked string missing from a catalogue,
and the pages served in each language under its prefix.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    [ROOT / "templates" / "base.html", ROOT / "templates" / "embed_base.html",
     *(ROOT / "templates" / "public").rglob("*.html")]
)  # fmt: skip
# Words that are names, not interface text: the site's name, the classification's acronyms, formats.
NOT_TEXT = {"SSE", "Map", "SSEOE", "PHO", "BibTeX", "RIS", "ILO", "CSV", "JSON", "GeoJSON", "SVG", "PNG", "nbsp"}


def unmarked_text(path):
    """Visible text outside {% translate %} / {% blocktranslate %} (tags, attributes and template syntax removed)."""
    parts, inside = [], 0
    for token in Lexer(path.read_text()).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            inside += name in ("blocktranslate", "blocktrans")
            inside -= name in ("endblocktranslate", "endblocktrans")
            parts.append("\x00")
        elif token.token_type == TokenType.VAR:
            parts.append("\x00")
        elif token.token_type == TokenType.TEXT and not inside:
            parts.append(token.contents)
    text = re.sub(r"<[^>]*>", "\x00", "".join(parts))
    text = re.sub(r"(?:https?:/)?/[\w./-]*", " ", text)  # paths and URLs
    found = []
    for piece in text.split("\x00"):
        words = [w for w in re.findall(r"[A-Za-z]{2,}", piece) if w not in NOT_TEXT]
        if words:
            found.append(" ".join(words))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_string_is_left_unmarked(path):
    assert unmarked_text(path) == [], f"{path.name}: mark these for translation"


def test_the_check_finds_an_unmarked_string(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('{% load i18n %}<h1>{% translate "Marked" %}</h1><p>Left in English</p>')
    assert unmarked_text(page) == ["Left in English"]


def msgids_of_templates():
    source = "\n".join(templatize(path.read_text(), origin=str(path)) for path in TEMPLATES)
    out = subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--keyword=gettext", "--keyword=ngettext:1,2",
         "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3", "--no-wrap", "-o", "-", "-"],
        input=source, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return set(catalogue_ids(out)) - {""}


def catalogue_ids(text):
    ids = []
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M):
        ids.append("".join(re.findall(r'"(.*)"', block)))
    return ids


def catalogue(code):
    return (ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po").read_text()


@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_every_marked_string_is_in_each_catalogue(code):
    text = catalogue(code)
    present = set(catalogue_ids(text))
    missing = msgids_of_templates() - present
    assert not missing, f"{code}: run makemessages; missing {sorted(missing)[:5]}"
    assert "Plural-Forms: nplurals=" in text and "INTEGER" not in text


def test_the_languages_are_the_seven_of_the_brief():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ko", "ja", "zh-hans", "ms", "id", "fil"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "word"),
    [("", "en", "Methodology"), ("/ko", "ko", "방법론"), ("/ja", "ja", "方法論"), ("/zh-hans", "zh-Hans", "方法论"),
     ("/ms", "ms", "Metodologi"), ("/id", "id", "Metodologi"), ("/fil", "fil", "Metodolohiya")],
)  # fmt: skip
def test_each_language_is_served_under_its_prefix(client, prefix, lang, word):
    html = client.get(f"{prefix}/methodology/").content.decode()
    assert f'<html lang="{lang}">' in html
    assert f'aria-current="page">{word}</a>' in html
    assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/methodology/"' in html
    assert 'hreflang="x-default" href="http://testserver/methodology/"' in html
