"""
The assessments migration converts a first-edition database losslessly: every evidence row
becomes a ``met`` reference of its cell (same id, provision, note, source, verification,
history), every other cell starts not assessed, ``ilo_brief`` becomes ``secondary``; a law
keeps everything but its typed status, which is derived from its events from then on.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from curation.dataset import default_paths

BEFORE = [("orgs", "0005_list_filters_index"), ("countries", "0005_law_enacted_on_upper_bound")]


def migrate(targets=None):
    """Migrate to ``targets`` (default: every app's latest) and give back that state's models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_first_edition_evidence_row_becomes_a_met_reference_of_its_cell():
    # Transactional tests run last and flush the tables: the method comes back first.
    call_command("load_dataset", str(default_paths()[0]), verbosity=0)
    old = migrate(BEFORE)
    Country, Law, Source = (old.get_model("countries", m) for m in ("Country", "Law", "Source"))
    Family, SubCondition, OrganizationType = (
        old.get_model("orgs", m) for m in ("Family", "SubCondition", "OrganizationType")
    )
    Evidence, HistoricalEvidence = old.get_model("orgs", "Evidence"), old.get_model("orgs", "HistoricalEvidence")
    now = timezone.now()
    source = Source.objects.create(slug="s", title="A source", created_at=now, updated_at=now)
    country = Country.objects.create(code="FR", name="France", slug="france", region="east_asia", created_at=now,
                                     updated_at=now)  # fmt: skip
    law = Law.objects.create(slug="law", country=country, title="Act", status="in_force", created_at=now,
                             updated_at=now, enacted_on=datetime.date(2000, 1, 1))  # fmt: skip
    family = Family.objects.first() or Family.objects.create(slug="f", name="F", created_at=now, updated_at=now)
    types = [
        OrganizationType.objects.create(slug=f"t{i}", name=f"T{i}", country=country, family=family,
                                        classification="pho", features_met=2, created_at=now, updated_at=now)
        for i in range(3)
    ]  # fmt: skip
    subs = list(SubCondition.objects.order_by("pk"))
    rows = []
    for i, org_type in enumerate(types):
        for sub in subs[: i + 2]:
            rows.append(Evidence.objects.create(
                org_type=org_type, sub_condition=sub, law=law, provision=f"Art. {sub.pk}", note=f"Note {i}",
                source=source, verification="ilo_brief" if i == 0 else "statute", created_at=now, updated_at=now,
            ))  # fmt: skip
    HistoricalEvidence.objects.create(
        id=rows[0].pk, org_type_id=types[0].pk, sub_condition_id=subs[0].pk, law_id=law.pk, provision="Art. 0",
        note="Old note", source_id=source.pk, verification="statute", created_at=now, updated_at=now,
        history_date=now, history_type="~", history_change_reason="Edited",
    )  # fmt: skip
    before = {(r.pk, r.org_type_id, r.sub_condition_id, r.law_id, r.provision, r.note, r.source_id) for r in rows}

    new = migrate()
    Reference, Assessment = new.get_model("orgs", "Reference"), new.get_model("orgs", "Assessment")
    after = {
        (r.pk, r.assessment.org_type_id, r.assessment.sub_condition_id, r.law_id, r.provision, r.note, r.source_id)
        for r in Reference.objects.select_related("assessment")
    }
    assert after == before, "every old evidence row is a reference of its cell, field for field"
    assert set(Reference.objects.values_list("finding", flat=True)) == {"met"}
    assert Reference.objects.filter(verification="secondary").count() == 2  # ilo_brief, no longer a level
    assert Assessment.objects.count() == len(types) * len(subs)
    assert Assessment.objects.filter(finding="not_assessed").count() == len(types) * len(subs)  # recomputed later
    history = new.get_model("orgs", "HistoricalReference").objects.get(id=rows[0].pk)
    assert (history.note, history.history_change_reason, history.assessment_id) == (
        "Old note", "Edited", Assessment.objects.get(org_type_id=types[0].pk, sub_condition_id=subs[0].pk).pk,
    )  # fmt: skip
    assert new.get_model("countries", "Law").objects.get(slug="law").title == "Act"
    # A reference written after the migration gets a fresh id (the sequence continues after the copied ones).
    fresh = Reference.objects.create(assessment=Assessment.objects.first(), law_id=law.pk, provision="New",
                                     created_at=now, updated_at=now)  # fmt: skip
    assert fresh.pk > max(r.pk for r in rows)
