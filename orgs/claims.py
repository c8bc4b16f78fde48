"""
Whether a statement of the research holds against our reading of the law: a pure rule
over the classification ranges of the types the statement is about (one type, or the
types of a family in a country).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import classification as rule

HOLDS = "holds"  # what our coding finds agrees with the statement
OPEN = "open"  # it could still agree: cells not yet assessed decide it
CONFLICT = "conflict"  # our coding finds otherwise, whatever the cells not yet assessed turn out to be
CONTEXT = "context"  # the statement implies nothing checkable

# What each expectation accepts.
ACCEPTED = {
    "sseoe": {rule.SSEOE},
    "pho": {rule.PHO},
    "landscape": {rule.SSEOE, rule.PHO},
    "outside": {rule.OUTSIDE},
}

LABELS = {
    HOLDS: "Our reading of the law agrees",
    OPEN: "Not settled yet: cells not yet assessed decide it",
    CONFLICT: "Our reading of the law differs",
    CONTEXT: "Context",
}


def evaluate(expects: str, scope: str, ranges: Iterable[Iterable[str]]) -> str:
    """
    ``ranges`` holds, for each type the statement is about, the classifications it can
    still reach (one when settled). With ``scope`` "any", one type is enough; with
    "every", all must agree. No type at all is a conflict: the statement names
    something our coding does not have.
    """
    if expects == "none":
        return CONTEXT
    accepted = ACCEPTED[expects]
    ranges = [set(r) for r in ranges]
    agrees = [r <= accepted for r in ranges]
    could = [bool(r & accepted) for r in ranges]
    if scope == "every":
        if ranges and all(agrees):
            return HOLDS
        return OPEN if ranges and all(could) else CONFLICT
    if any(agrees):
        return HOLDS
    return OPEN if any(could) else CONFLICT
