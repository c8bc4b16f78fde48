"""
The research's classification rule, with no dependency on Django.

Each (organization type x sub-condition) cell has a *finding*: ``met`` (a provision
in force stipulates it), ``not_stipulated`` (the governing law was read and does not
stipulate it, or stipulates the opposite) or ``not_assessed`` (nobody has read the law
for it yet). A cell's finding on a day comes from its references in force that day
(``cell_finding``).

A feature is *met* when at least one of its sub-conditions is met, *not met* when every
one of them is not stipulated (or it has none), and *open* otherwise: no sub-condition
met yet, at least one not assessed. A type meeting every feature is an SSE organization
or enterprise (SSEOE); one meeting at least two features but not all of them is a
Partial Hybrid Organization (PHO) (with the research's three features: exactly two); any
other lies outside the SSE landscape.

With open features a result is *provisional*: the classification the met findings
establish so far (the lowest reachable), and the range of classifications the open
features could still reach. It is *settled* when no open feature could change it.

If a fourth feature were ever added, SSEOE would still mean every feature met, and PHO
"at least two features but not all" (two or three of four): the research's "combined
at least one sub-condition under two of the core features", with the SSEOE carved out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SSEOE = "sseoe"
PHO = "pho"
OUTSIDE = "outside"
# Lowest first: a feature that becomes met can only move a type up this order.
ORDER = (OUTSIDE, PHO, SSEOE)

LABELS = {
    SSEOE: "SSE organization or enterprise (SSEOE)",
    PHO: "Partial Hybrid Organization (PHO)",
    OUTSIDE: "Outside the SSE landscape",
}

MET = "met"
NOT_STIPULATED = "not_stipulated"
NOT_ASSESSED = "not_assessed"
FINDINGS = (MET, NOT_STIPULATED, NOT_ASSESSED)


def cell_finding(reference_findings: Iterable[str]) -> str:
    """
    A cell's finding from the findings of its references in force on the day:
    met if any is met, not stipulated if there are references and none is met,
    not assessed if there are none.
    """
    found = set(reference_findings)
    unknown = found - {MET, NOT_STIPULATED}
    if unknown:
        raise ValueError(f"a reference's finding is met or not_stipulated, not {sorted(unknown)}")
    if MET in found:
        return MET
    return NOT_STIPULATED if found else NOT_ASSESSED


def class_for(features_met: int, features: int) -> str:
    """The classification of a type meeting ``features_met`` of ``features`` features."""
    if features and features_met == features:
        return SSEOE
    if features_met >= 2:
        return PHO
    return OUTSIDE


@dataclass(frozen=True)
class Classification:
    classification: str  # what the met findings establish so far (the lowest reachable)
    features_met: int
    reachable: tuple[str, ...]  # the classifications still reachable, lowest first
    met_features: frozenset[str] = field(default_factory=frozenset)
    open_features: tuple[str, ...] = ()  # no sub-condition met, at least one not assessed
    missing_features: tuple[str, ...] = ()  # not met: every sub-condition not stipulated (or none)

    @property
    def settled(self) -> bool:
        return len(self.reachable) == 1

    @property
    def highest(self) -> str:
        return self.reachable[-1]

    @property
    def label(self) -> str:
        return LABELS[self.classification]


def classify(cells: Iterable[tuple[str, str]], all_features: Iterable[str]) -> Classification:
    """
    Classify a type from its cells: ``(feature code, finding)`` pairs, one per
    sub-condition; ``all_features`` lists the feature codes in display order. A
    feature code in ``cells`` that is not in ``all_features``, or an unknown finding,
    is a programming error.
    """
    ordered = tuple(all_features)
    by_feature: dict[str, set[str]] = {code: set() for code in ordered}
    for feature, finding in cells:
        if feature not in by_feature:
            raise ValueError(f"unknown feature code: {feature!r}")
        if finding not in FINDINGS:
            raise ValueError(f"unknown finding: {finding!r}")
        by_feature[feature].add(finding)
    met = frozenset(code for code in ordered if MET in by_feature[code])
    open_ = tuple(code for code in ordered if code not in met and NOT_ASSESSED in by_feature[code])
    missing = tuple(code for code in ordered if code not in met and code not in open_)
    reachable = []
    for count in range(len(met), len(met) + len(open_) + 1):
        result = class_for(count, len(ordered))
        if result not in reachable:
            reachable.append(result)
    return Classification(reachable[0], len(met), tuple(reachable), met, open_, missing)


@functools.lru_cache(maxsize=4096)
def classify_cells(cells: tuple[tuple[str, str], ...], all_features: tuple[str, ...]) -> Classification:
    """
    ``classify`` for a tuple of cells, remembered: the result depends only on the cells'
    findings, and thousands of types share a few hundred combinations of them (the result is
    immutable, so sharing it is safe).
    """
    return classify(cells, all_features)


# A feature's state as the marks beside a type show it.
FEATURE_MET, FEATURE_OPEN, FEATURE_MISSING = "met", "open", "missing"


def feature_states(cells: Iterable[tuple[str, str]]) -> dict[str, str]:
    """
    ``{feature code: "met" | "open" | "missing"}`` from a type's cells, ``(feature code,
    finding)`` pairs, for the features the cells name: met when a sub-condition is met,
    open when none is met and one is not assessed, missing when every one is not
    stipulated (the same rule as ``classify``).
    """
    by_feature: dict[str, set[str]] = {}
    for feature, finding in cells:
        by_feature.setdefault(feature, set()).add(finding)
    return {
        code: FEATURE_MET if MET in found else FEATURE_OPEN if NOT_ASSESSED in found else FEATURE_MISSING
        for code, found in by_feature.items()
    }


# How a sentence names each classification.
IN_WORDS = {SSEOE: "an SSEOE", PHO: "a PHO", OUTSIDE: "outside the SSE landscape"}
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def _number(n: int) -> str:
    return NUMBERS.get(n, str(n))


def verdict(result: Classification, feature_names: Mapping[str, str]) -> str:
    """The closing sentence: the settled classification, or the provisional one and what it could still reach."""
    names = {code: name.lower() for code, name in feature_names.items()}
    total = len(names)
    if result.settled:
        lacking = _join([names[c] for c in result.missing_features])
        if result.classification == SSEOE:
            return "It meets at least one sub-condition under every feature: an SSEOE."
        if result.classification == PHO:
            met, of = _number(result.features_met), _number(total)
            return f"It meets {met} of the {of} features: a PHO. It has no {lacking} provision."
        met = f"only {_number(result.features_met)} feature" + ("s" if result.features_met > 1 else "")
        met = "none of the features" if result.features_met == 0 else met
        return f"It meets {met}: outside the SSE landscape. It has no {lacking} provision."
    open_names = [names[c] for c in result.open_features]
    parts = []
    for target in result.reachable[1:]:
        reached_at = next(n for n in range(result.features_met, total + 1) if class_for(n, total) == target)
        needed = reached_at - result.features_met
        if len(open_names) == 1:
            condition = f"if a {open_names[0]} sub-condition, not yet assessed, is met"
        elif needed == 1:
            condition = f"if one of the {_join(open_names)} features, not yet assessed, is met"
        elif needed == len(open_names):
            condition = "if both are" if needed == 2 else f"if all {_number(needed)} are"
        else:
            condition = f"if {_number(needed)} of them are"
        parts.append(f"{IN_WORDS[target]} {condition}")
    return f"Provisional: {IN_WORDS[result.classification]} on the findings so far; " + "; ".join(parts) + "."


def explain(
    cells: Iterable[tuple[str, str, str, Iterable[str]]],
    feature_names: Mapping[str, str],
) -> tuple[Classification, list[str]]:
    """
    Classify and explain in words.

    ``cells`` yields ``(feature_code, sub_condition_name, finding, provisions)`` per
    sub-condition, ``provisions`` naming the provisions its finding rests on (none for a
    cell not assessed); ``feature_names`` maps feature codes to display names in order.
    Returns the classification and a list of sentences: one per feature, then the verdict.
    """
    cells = [(code, name, finding, sorted(set(provisions))) for code, name, finding, provisions in cells]
    result = classify(((code, finding) for code, _, finding, _ in cells), feature_names)
    sentences = []
    for code, name in feature_names.items():
        rows = [cell for cell in cells if cell[0] == code]
        met = sorted(f"{sub} ({', '.join(p)})" if p else sub for _, sub, finding, p in rows if finding == MET)
        waiting = sorted(sub for _, sub, finding, _ in rows if finding == NOT_ASSESSED)
        if met:
            sentences.append(f"{name}: meets {_join(met)}.")
        elif waiting:
            sentences.append(f"{name}: not yet assessed ({_join(waiting)}).")
        elif rows:
            sentences.append(f"{name}: not stipulated by the law.")
        else:
            sentences.append(f"{name}: the method defines no sub-condition for it.")
    sentences.append(verdict(result, feature_names))
    return result, sentences
