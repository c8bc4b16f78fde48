"""
The research's classification rule, with no dependency on Django.

An organization type meets a feature (social, economic, democratic) when its
governing law stipulates at least one of that feature's sub-conditions. A
type meeting all three features is an SSE organization or enterprise
(SSEOE); one meeting exactly two is a Partial Hybrid Organization (PHO);
anything else lies outside the SSE landscape. ``features_met`` (0-3) keeps the
research's four-group view available.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SSEOE = "sseoe"
PHO = "pho"
OUTSIDE = "outside"

LABELS = {
    SSEOE: "SSE organization or enterprise (SSEOE)",
    PHO: "Partial Hybrid Organization (PHO)",
    OUTSIDE: "Outside the SSE landscape",
}


@dataclass(frozen=True)
class Classification:
    classification: str
    features_met: int
    met_features: frozenset[str] = field(default_factory=frozenset)
    missing_features: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.classification]


def classify(met_features: Iterable[str], all_features: Iterable[str]) -> Classification:
    """
    Classify a type from the features of the sub-conditions it meets.

    ``met_features`` holds one feature code per met sub-condition (repeats are
    fine); ``all_features`` lists the feature codes in display order. A code in
    ``met_features`` that is not in ``all_features`` is a programming error.
    """
    ordered = tuple(all_features)
    met = frozenset(met_features)
    unknown = met - set(ordered)
    if unknown:
        raise ValueError(f"unknown feature codes: {sorted(unknown)}")
    count = len(met)
    if count == len(ordered) and count > 0:
        result = SSEOE
    elif count == 2:
        result = PHO
    else:
        result = OUTSIDE
    missing = tuple(code for code in ordered if code not in met)
    return Classification(result, count, met, missing)


def explain(
    evidence: Iterable[tuple[str, str, str]],
    feature_names: Mapping[str, str],
) -> tuple[Classification, list[str]]:
    """
    Classify and explain in words.

    ``evidence`` yields ``(feature_code, sub_condition_name, provision)``
    triples; ``feature_names`` maps feature codes to display names in order.
    Returns the classification and a list of sentences.
    """
    evidence = list(evidence)
    result = classify((row[0] for row in evidence), feature_names)
    sentences = []
    for code, name in feature_names.items():
        rows = [row for row in evidence if row[0] == code]
        if rows:
            parts = sorted({f"{sub} ({prov})" if prov else sub for _, sub, prov in rows})
            sentences.append(f"{name}: meets {', '.join(parts)}.")
        else:
            sentences.append(f"{name}: no sub-condition is stipulated.")
    missing_names = [feature_names[code].lower() for code in result.missing_features]
    if result.classification == SSEOE:
        sentences.append("It meets at least one sub-condition under all three features: an SSEOE.")
    elif result.classification == PHO:
        sentences.append(
            f"It meets two features: a PHO. A {missing_names[0]} provision would make it an SSEOE."
        )
    else:
        sentences.append(
            f"It meets {result.features_met} feature(s): outside the SSE landscape. "
            f"It lacks {', '.join(missing_names)} provisions."
        )
    return result, sentences
