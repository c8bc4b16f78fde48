"""
Issue 15, Must show 4: an analyst re-imports an unchanged export (0 change sets, 0 errors),
an analyst's changed export becomes change sets, never live edits; and a whole-dataset file
imports into an empty database with the one documented command (``import_dataset``).
"""

import json

import pytest
import tablib
from django.core.management import call_command

from countries.models import Country, Law, LawEvent, Revision, Source, Statistic
from curation.formats import export_whole, has_problems, import_whole, whole_to_bytes
from orgs.models import Assessment, Claim, Family, Feature, LegalBasis, OrganizationType, Reference, SubCondition

pytestmark = pytest.mark.django_db


def test_an_analyst_reimports_an_unchanged_export(curated, analyst):
    sheets = export_whole()
    outcome = import_whole(sheets, dry_run=False, file_name="export.xlsx", user=analyst)
    problems = {name: result.totals for name, (result, _) in outcome.items() if has_problems(result)}
    assert problems == {}
    assert Revision.objects.count() == 0
    assert sum(result.totals["new"] + result.totals["update"] for result, _ in outcome.values()) == 0


def test_an_analysts_changed_export_becomes_a_change_set_not_a_live_edit(curated, analyst):
    sheets = export_whole()
    laws = sheets["laws"]
    title, slug = laws.headers.index("title"), laws.headers.index("slug")
    edited = tablib.Dataset(headers=laws.headers)
    for row in laws:
        row = list(row)
        if row[slug] == "sse-law-2014":
            row[title] = "Framework Act on the Social Economy"
        edited.append(row)
    sheets["laws"] = edited
    outcome = import_whole(sheets, dry_run=False, file_name="export.xlsx", user=analyst)
    assert not any(has_problems(result) for result, _ in outcome.values())
    assert Law.objects.get(slug="sse-law-2014").title == "SSE Law 2014"
    revision = Revision.objects.get()
    assert revision.changes == {"title": "Framework Act on the Social Economy"} and revision.submitted_by == analyst


def test_a_whole_dataset_file_imports_into_an_empty_database(curated, tmp_path):
    method_family = Family.objects.exclude(slug__startswith="family-").order_by("pk").first()  # from method.yaml
    OrganizationType.objects.update(family=method_family)
    data = whole_to_bytes(export_whole(), "json")
    counts = (Country.objects.count(), OrganizationType.objects.count(), Reference.objects.count())
    # Empty the database, the method too.
    for model in (Claim, Statistic, Reference, Assessment, LegalBasis, OrganizationType, LawEvent, Law, Country,
                  Source, SubCondition, Feature, Family):  # fmt: skip
        model.objects.all().delete()
    path = tmp_path / "backup.json"
    path.write_bytes(data)
    call_command("import_dataset", str(path), verbosity=0)
    assert (Country.objects.count(), OrganizationType.objects.count(), Reference.objects.count()) == counts
    assert SubCondition.objects.count() == 6
    assert json.loads(data)  # the file is the export's own format
