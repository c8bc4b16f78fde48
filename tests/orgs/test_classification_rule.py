"""
The pure classification rule, checked over all 729 combinations of the three findings on
the six cells, against a brute-force reading of the research's definition: every way the
cells not yet assessed could turn out, classified by counting the features met.
"""

from itertools import product

import pytest

from orgs import classification as rule

FEATURES = ("social", "economic", "democratic")
SUB_CONDITIONS = {
    "social-problem": "social",
    "public-interest": "social",
    "for-profit": "economic",
    "non-profit": "economic",
    "free-establishment": "democratic",
    "democratic-governance": "democratic",
}
COMBINATIONS = list(product(rule.FINDINGS, repeat=len(SUB_CONDITIONS)))


def research_class(met_features, features):
    """The research's words, for three features: all three -> SSEOE, exactly two -> PHO."""
    if len(features) == 3:
        return {3: rule.SSEOE, 2: rule.PHO}.get(len(met_features), rule.OUTSIDE)
    return rule.class_for(len(met_features), len(features))


def brute_force(findings, sub_conditions, features):
    """Every completion of the cells not assessed, each classified by the features it meets."""
    cells = list(zip(sub_conditions.values(), findings, strict=True))
    open_cells = [i for i, (_, finding) in enumerate(cells) if finding == rule.NOT_ASSESSED]
    outcomes = set()
    for completion in product((rule.MET, rule.NOT_STIPULATED), repeat=len(open_cells)):
        done = list(cells)
        for index, finding in zip(open_cells, completion, strict=True):
            done[index] = (done[index][0], finding)
        outcomes.add(research_class({feature for feature, finding in done if finding == rule.MET}, features))
    return outcomes


def test_there_are_729_combinations():
    assert len(COMBINATIONS) == 3**6 == 729


@pytest.mark.parametrize("findings", COMBINATIONS, ids=lambda f: "-".join(x[:3] for x in f))
def test_the_rule_gives_what_every_completion_of_the_open_cells_gives(findings):
    """Settled exactly when every completion agrees; the range is every outcome, lowest first."""
    result = rule.classify(zip(SUB_CONDITIONS.values(), findings, strict=True), FEATURES)
    outcomes = brute_force(findings, SUB_CONDITIONS, FEATURES)
    assert set(result.reachable) == outcomes
    assert list(result.reachable) == [c for c in rule.ORDER if c in outcomes]
    assert result.settled == (len(outcomes) == 1)
    met = {feature for feature, finding in zip(SUB_CONDITIONS.values(), findings, strict=True) if finding == rule.MET}
    assert result.features_met == len(met)
    assert result.classification == research_class(met, FEATURES)  # what the met findings establish
    assert set(result.met_features) | set(result.open_features) | set(result.missing_features) == set(FEATURES)


def test_a_type_nobody_has_assessed_could_be_anything():
    result = rule.classify(((f, rule.NOT_ASSESSED) for f in SUB_CONDITIONS.values()), FEATURES)
    assert result.reachable == (rule.OUTSIDE, rule.PHO, rule.SSEOE)
    assert not result.settled
    assert result.open_features == FEATURES


def test_a_feature_with_one_cell_met_is_met_whatever_the_other():
    cells = [("social", rule.MET), ("social", rule.NOT_ASSESSED)]
    assert rule.classify(cells, ["social"]).met_features == {"social"}


def test_with_a_fourth_feature_sseoe_needs_all_four_and_pho_two_or_three():
    """
    The written-down extension, over all 6,561 combinations of eight cells:
    SSEOE = every feature met; PHO = at least two, not all.
    """
    features = ("social", "economic", "democratic", "environmental")
    subs = {f"{feature}-{n}": feature for feature in features for n in (1, 2)}
    for findings in product(rule.FINDINGS, repeat=8):
        result = rule.classify(zip(subs.values(), findings, strict=True), features)
        assert set(result.reachable) == brute_force(findings, subs, features), findings
        met = {feature for feature, finding in zip(subs.values(), findings, strict=True) if finding == rule.MET}
        expected = rule.SSEOE if len(met) == 4 else rule.PHO if len(met) >= 2 else rule.OUTSIDE
        assert result.classification == expected, findings


def test_class_for_any_number_of_features():
    assert [rule.class_for(n, 3) for n in range(4)] == ["outside", "outside", "pho", "sseoe"]
    assert [rule.class_for(n, 4) for n in range(5)] == ["outside", "outside", "pho", "pho", "sseoe"]
    assert [rule.class_for(n, 2) for n in range(3)] == ["outside", "outside", "sseoe"]
    assert rule.class_for(0, 0) == "outside"


def test_a_feature_without_sub_conditions_can_never_be_met():
    result = rule.classify([("social", rule.MET), ("economic", rule.MET)], ["social", "economic", "democratic"])
    assert result.settled and result.classification == rule.PHO
    assert result.missing_features == ("democratic",)


@pytest.mark.parametrize(
    "references, expected",
    [
        ([], rule.NOT_ASSESSED),
        (["met"], rule.MET),
        (["not_stipulated"], rule.NOT_STIPULATED),
        (["not_stipulated", "met"], rule.MET),
        (["not_stipulated", "not_stipulated"], rule.NOT_STIPULATED),
    ],
)
def test_a_cell_is_met_by_any_reference_in_force_and_not_assessed_without_one(references, expected):
    assert rule.cell_finding(references) == expected


def test_a_reference_cannot_be_not_assessed():
    with pytest.raises(ValueError, match="met or not_stipulated"):
        rule.cell_finding(["not_assessed"])


def test_unknown_feature_or_finding_is_an_error():
    with pytest.raises(ValueError, match="unknown feature"):
        rule.classify([("spiritual", rule.MET)], FEATURES)
    with pytest.raises(ValueError, match="unknown finding"):
        rule.classify([("social", "maybe")], FEATURES)


NAMES = {"social": "Social", "economic": "Economic", "democratic": "Democratic"}


def cells(**findings):
    names = {"S1": "Social problem", "S2": "Public interest", "E1": "For-profit", "E2": "Non-profit",
             "D1": "Free establishment", "D2": "Democratic governance"}  # fmt: skip
    feature = {"S": "social", "E": "economic", "D": "democratic"}
    return [
        (feature[code[0]], names[code], findings.get(code, rule.NOT_ASSESSED), ["Art. 1"] if code in findings else [])
        for code in names
    ]


def test_a_provisional_type_says_what_it_is_so_far_and_what_it_could_still_be():
    """Korea's agricultural cooperative before its economic and democratic cells were read."""
    result, sentences = rule.explain(cells(S1="met"), NAMES)
    assert not result.settled
    assert sentences[0] == "Social: meets Social problem (Art. 1)."
    assert sentences[1] == "Economic: not yet assessed (For-profit and Non-profit)."
    assert sentences[-1] == (
        "Provisional: outside the SSE landscape on the findings so far; a PHO if one of the economic and "
        "democratic features, not yet assessed, is met; an SSEOE if both are."
    )


def test_a_pho_one_cell_short_of_an_sseoe():
    _, sentences = rule.explain(cells(S1="met", E1="met", D1="not_stipulated"), NAMES)
    assert sentences[-1] == (
        "Provisional: a PHO on the findings so far; an SSEOE if a democratic sub-condition, not yet assessed, is met."
    )


def test_settled_results_name_what_is_missing():
    full = {code: rule.NOT_STIPULATED for code in ("S1", "S2", "E1", "E2", "D1", "D2")}
    _, pho = rule.explain(cells(**{**full, "E1": "met", "D2": "met"}), NAMES)
    assert pho[0] == "Social: not stipulated by the law."
    assert pho[-1] == "It meets two of the three features: a PHO. It has no social provision."
    _, outside = rule.explain(cells(**{**full, "E1": "met"}), NAMES)
    assert outside[-1] == (
        "It meets only one feature: outside the SSE landscape. It has no social and democratic provision."
    )
    _, sseoe = rule.explain(cells(**{**full, "S1": "met", "E1": "met", "D2": "met"}), NAMES)
    assert sseoe[-1] == "It meets at least one sub-condition under every feature: an SSEOE."
