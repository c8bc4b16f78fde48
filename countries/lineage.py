"""
Which law amends or replaces which: a law cannot amend or replace itself, nor
close a loop (A amends B, B amends A), whatever the path. Pure functions plus
one query for the stored links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.apps import apps


def find_cycle(start, targets: Iterable, successors: Mapping):
    """
    The loop ``[start, ..., start]`` that linking ``start`` to ``targets`` would
    close, following ``successors`` (law -> the laws it amends or replaces); None if none.
    """
    for target in targets:
        if target == start:
            return [start, start]
        stack, seen = [(target, [start, target])], set()
        while stack:
            node, path = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for following in successors.get(node, ()):
                if following == start:
                    return [*path, start]
                stack.append((following, [*path, following]))
    return None


def stored_links(key="slug"):
    """{law key: set of law keys it amends or replaces}, from the database (two queries)."""
    Law = apps.get_model("countries", "Law")  # models.py sits above this module: the registry, not an import
    links = defaultdict(set)
    for through in (Law.amends.through, Law.replaces.through):
        for source, target in through.objects.values_list(f"from_law__{key}", f"to_law__{key}"):
            links[source].add(target)
    return links


def cycle_message(path) -> str:
    if len(path) == 2:
        return f"A law cannot amend or replace itself ('{path[0]}')."
    return "This would make a loop of amendments/replacements: " + " → ".join(str(p) for p in path) + "."
