"""
A release's changelog against the previous one, from the two data packages' tables: per list
table, the records added, removed and changed (by key; a record also counts as changed when
the rows of its own tables, a law's events or a cell's references, changed), and the
organization types whose classification changed (old -> new).
"""

import csv
import io

from .datapackage import ENDPOINTS, PARENT_COLUMN

# Not facts: the link and the moment of the last save differ without the record changing.
IGNORED = {"url", "updated_at"}


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def _key_column(rows):
    return "key" if not rows or "key" in rows[0] else next(iter(rows[0]))


def _records(tables, endpoint):
    """``{key: comparable record}`` of one list table, its own tables' rows folded in."""
    rows = _rows(tables.get(endpoint, ""))
    key = _key_column(rows)
    records = {row[key]: {k: v for k, v in row.items() if k not in IGNORED} for row in rows}
    for name, text in tables.items():
        if name in ENDPOINTS or not name.startswith(f"{endpoint}-"):
            continue
        parent = PARENT_COLUMN[endpoint]
        for row in _rows(text):
            if row.get(parent) in records:
                fact = tuple(sorted((k, v) for k, v in row.items() if k not in IGNORED))
                records[row[parent]].setdefault(f"[{name.removeprefix(endpoint + '-')}]", []).append(fact)
    for record in records.values():
        for name, facts in record.items():
            if name.startswith("["):
                facts.sort()
    return records


def changelog(previous, current):
    """``previous`` and ``current`` are ``{table: csv text}``; ``previous`` None for the first release."""
    resources = {}
    reclassified = []
    for endpoint in ENDPOINTS:
        old = _records(previous, endpoint) if previous is not None else {}
        new = _records(current, endpoint)
        changed = []
        for key in sorted(old.keys() & new.keys()):
            fields = sorted(
                name.strip("[]")
                for name in old[key].keys() | new[key].keys()
                if old[key].get(name) != new[key].get(name)
            )
            if fields:
                changed.append({"key": key, "fields": fields})
        resources[endpoint] = {
            "added": sorted(new.keys() - old.keys()),
            "changed": changed,
            "removed": sorted(old.keys() - new.keys()),
        }
        if endpoint == "org-types":
            reclassified = [
                {"key": key, "from": old[key].get("classification"), "to": new[key].get("classification")}
                for key in sorted(old.keys() & new.keys())
                if old[key].get("classification") != new[key].get("classification")
            ]
    return {
        "against": None,
        "resources": resources,
        "reclassified": reclassified,
        "summary": {what: sum(len(r[what]) for r in resources.values()) for what in ("added", "changed", "removed")}
        | {"reclassified": len(reclassified)},
    }
