"""A feature's state beside a type (the marks): one rule, the same from stored findings and from cells."""

import itertools

import pytest
from django.core.management import call_command

from orgs import classification as rule
from orgs.models import OrganizationType
from public.templatetags.sse_map import feature_states as tag_states

FINDINGS = (rule.MET, rule.NOT_STIPULATED, rule.NOT_ASSESSED)


def test_met_beats_open_and_open_beats_missing():
    assert rule.feature_states([("S", "not_assessed"), ("S", "met")]) == {"S": "met"}
    assert rule.feature_states([("E", "not_stipulated"), ("E", "not_assessed")]) == {"E": "open"}
    assert rule.feature_states([("D", "not_stipulated"), ("D", "not_stipulated")]) == {"D": "missing"}
    assert rule.feature_states([]) == {}


@pytest.mark.parametrize("findings", list(itertools.product(FINDINGS, repeat=3)))
def test_states_agree_with_the_classification_rule(findings):
    """For every combination of findings over two features, the marks say what ``classify`` counts."""
    cells = [("S", findings[0]), ("S", findings[1]), ("E", findings[2])]
    result = rule.classify(cells, ["S", "E"])
    states = rule.feature_states(cells)
    assert {code for code, state in states.items() if state == "met"} == set(result.met_features)
    assert tuple(code for code in ("S", "E") if states[code] == "open") == result.open_features
    assert tuple(code for code in ("S", "E") if states[code] == "missing") == result.missing_features


@pytest.mark.django_db
def test_stored_findings_give_the_marks_the_cells_give(django_assert_num_queries):
    """``with_feature_states`` (one query of findings) equals the marks from prefetched cells, type by type."""
    call_command("load_dataset", verbosity=0)
    public = OrganizationType.objects.public()
    from_cells = {t.pk: tag_states(t) for t in public.for_listing()}
    with django_assert_num_queries(2):
        marked = public.for_marks().order_by("name").with_feature_states()
    assert len(marked) == len(from_cells) > 10
    assert {t.pk: tag_states(t) for t in marked} == from_cells
    assert {"met", "open", "missing"} <= {s for t in marked for s in t.feature_states_today.values()}
