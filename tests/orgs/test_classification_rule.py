"""The pure classification rule, checked over every subset of the six sub-conditions."""

from itertools import chain, combinations

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


def every_subset(items):
    items = list(items)
    return chain.from_iterable(combinations(items, size) for size in range(len(items) + 1))


SUBSETS = list(every_subset(SUB_CONDITIONS))


def test_there_are_64_subsets():
    assert len(SUBSETS) == 2**6


@pytest.mark.parametrize("subset", SUBSETS, ids=lambda s: "+".join(s) or "none")
def test_rule_matches_the_research_definition(subset):
    """SSEOE iff every feature has a met sub-condition; PHO iff exactly two do."""
    result = rule.classify((SUB_CONDITIONS[code] for code in subset), FEATURES)
    features_with_a_sub_condition = [
        feature for feature in FEATURES if any(SUB_CONDITIONS[code] == feature for code in subset)
    ]
    assert result.features_met == len(features_with_a_sub_condition)
    expected = {3: rule.SSEOE, 2: rule.PHO}.get(len(features_with_a_sub_condition), rule.OUTSIDE)
    assert result.classification == expected
    assert set(result.missing_features) == set(FEATURES) - set(features_with_a_sub_condition)
    assert list(result.missing_features) == [f for f in FEATURES if f in result.missing_features]


def test_unknown_feature_is_an_error():
    with pytest.raises(ValueError, match="unknown feature"):
        rule.classify(["spiritual"], FEATURES)


def test_explain_names_the_missing_feature_of_a_pho():
    names = {"social": "Social", "economic": "Economic", "democratic": "Democratic"}
    result, sentences = rule.explain(
        [("social", "Public interest", "Art. 2"), ("economic", "Non-profit", "Art. 3")], names
    )
    assert result.classification == rule.PHO
    assert "Democratic: no sub-condition is stipulated." in sentences
    assert sentences[-1] == "It meets two features: a PHO. A democratic provision would make it an SSEOE."


def test_explain_cites_provisions_of_an_sseoe():
    names = {"social": "Social", "economic": "Economic", "democratic": "Democratic"}
    result, sentences = rule.explain(
        [
            ("social", "Public interest", "Act 1 Art. 2"),
            ("economic", "For-profit", ""),
            ("democratic", "Democratic governance", "Act 1 Art. 9"),
        ],
        names,
    )
    assert result.classification == rule.SSEOE
    assert sentences[0] == "Social: meets Public interest (Act 1 Art. 2)."
    assert sentences[1] == "Economic: meets For-profit."
    assert "all three features" in sentences[-1]


def test_no_evidence_is_outside_with_everything_missing():
    names = {"social": "Social", "economic": "Economic", "democratic": "Democratic"}
    result, sentences = rule.explain([], names)
    assert (result.classification, result.features_met) == (rule.OUTSIDE, 0)
    assert "social, economic, democratic" in sentences[-1]
