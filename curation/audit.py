"""
The audit log across every curated model, read from the rows the workflow already writes: each
record's history (django-simple-history: who, when, what record, created / changed / deleted,
the reason, and the reviewer named in an approval's reason) and the review requests (proposed,
approved, rejected: by whom, with the note). No parallel log: nothing to keep in step.

``audit_entries`` is the one query the admin page, its CSV export and the API's ``/audit/`` read.
"""

from __future__ import annotations

import csv
import datetime
import re

from django import forms
from django.apps import apps
from django.db.models import CharField, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from core.safe_cells import neutralise

# model label -> how a historical row reaches its country: None (no country), "" (it is a country),
# "country_id", or (model label, foreign key attname on the historical row, path from there to the country)
COUNTRY_PATHS = {
    "countries.source": None,
    "countries.country": "",
    "countries.law": "country_id",
    "countries.lawevent": ("countries.law", "law_id", "country_id"),
    "countries.statistic": "country_id",
    "orgs.feature": None,
    "orgs.subcondition": None,
    "orgs.family": None,
    "orgs.organizationtype": "country_id",
    "orgs.legalbasis": ("orgs.organizationtype", "org_type_id", "country_id"),
    "orgs.assessment": ("orgs.organizationtype", "org_type_id", "country_id"),
    "orgs.reference": ("orgs.assessment", "assessment_id", "org_type__country_id"),
    "orgs.claim": "country_id",
}
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
DECISIONS = ("proposed", "approved", "rejected")
ALL_ACTIONS = (*ACTIONS.values(), *DECISIONS)
REVIEWER = re.compile(r"^(?:Approved change #\d+ by (?P<a>[^:]+):|Published \(approved by (?P<b>[^)]+)\))")


def reviewer_in(reason: str) -> str:
    """The reviewer an approval's history reason names (``curation.services``), or ''."""
    match = REVIEWER.match(reason or "")
    return (match.group("a") or match.group("b") or "").strip() if match else ""


def _country(label):
    path = COUNTRY_PATHS[label]
    if path is None:
        return Value(None, output_field=IntegerField())
    if path == "":
        return Cast(F("id"), IntegerField())
    if isinstance(path, str):
        return F(path)
    model_label, attname, rest = path
    parent = apps.get_model(model_label)
    return Subquery(parent._default_manager.filter(pk=OuterRef(attname)).values(rest)[:1])


COLUMNS = ("a_at", "a_model", "a_record", "a_step", "a_user", "a_why", "a_country", "a_remark")


def _history_part(label, *, actions, user, since, until, country):
    model = apps.get_model(label)
    rows = model.history.model._default_manager.order_by()
    wanted = [code for code, name in ACTIONS.items() if name in actions]
    if len(wanted) != len(ACTIONS):
        rows = rows.filter(history_type__in=wanted)
    if user:
        rows = rows.filter(history_user__username=user)
    if since:
        rows = rows.filter(history_date__gte=since)
    if until:
        rows = rows.filter(history_date__lt=until)
    rows = rows.annotate(
        a_at=F("history_date"),
        a_model=Value(label, output_field=CharField()),
        a_record=Cast("id", CharField()),
        a_step=F("history_type"),
        a_user=F("history_user__username"),
        a_why=F("history_change_reason"),
        a_country=_country(label),
        a_remark=Value("", output_field=CharField()),
    )
    if country is not None:
        rows = rows.filter(a_country=country)
    return rows.values(*COLUMNS)


def _revision_part(action, *, user, since, until, country):
    revision_model = apps.get_model("countries", "Revision")
    rows = revision_model._default_manager.order_by()
    date, who = ("submitted_at", "submitted_by") if action == "proposed" else ("decided_at", "decided_by")
    if action != "proposed":
        rows = rows.filter(status=action)
    if user:
        rows = rows.filter(**{f"{who}__username": user})
    if since:
        rows = rows.filter(**{f"{date}__gte": since})
    if until:
        rows = rows.filter(**{f"{date}__lt": until})
    if country is not None:
        return rows.none().values()
    note = Concat(Value("review request #"), Cast("pk", CharField()), output_field=CharField())
    return rows.annotate(
        a_at=F(date),
        a_model=Concat(F("content_type__app_label"), Value("."), F("content_type__model"), output_field=CharField()),
        a_record=Cast("object_id", CharField()),
        a_step=Value(action, output_field=CharField()),
        a_user=F(f"{who}__username"),
        a_why=F("reason"),
        a_country=Value(None, output_field=IntegerField()),
        a_remark=note
        if action == "proposed"
        else Concat(note, Value(": "), F("decision_note"), output_field=CharField()),
    ).values(*COLUMNS)


def audit_entries(*, models=None, actions=None, user=None, since=None, until=None, country=None):
    """
    Every history step and review decision matching the filters, newest first, as dicts with
    ``COLUMNS``: ``models`` (labels), ``actions`` (``ALL_ACTIONS``), ``user`` (username),
    ``since``/``until`` (datetimes), ``country`` (a country's pk; review requests carry none).
    """
    actions = set(actions or ALL_ACTIONS)
    filters = {"user": user, "since": since, "until": until, "country": country}
    parts = [
        _history_part(label, actions=actions, **filters)
        for label in COUNTRY_PATHS
        if (not models or label in models) and actions & set(ACTIONS.values())
    ]
    if not models:  # review requests belong to no one model
        parts += [_revision_part(action, **filters) for action in DECISIONS if action in actions]
    parts = [p for p in parts if p.query.is_empty() is False]
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-a_at", "a_model", "a_record")


def describe(entry) -> dict:
    """An entry as a person reads it: the action's word, the reviewer, the revision's number."""
    action = ACTIONS.get(entry["a_step"], entry["a_step"])
    reviewer = reviewer_in(entry["a_why"] or "")
    if action in ("approved", "rejected"):
        reviewer = entry["a_user"] or ""
    return {
        "at": entry["a_at"],
        "model": entry["a_model"],
        "object_id": entry["a_record"],
        "action": action,
        "user": entry["a_user"] or "",
        "reason": entry["a_why"] or "",
        "reviewer": reviewer,
        "country_id": entry["a_country"],
        "note": (entry["a_remark"] or "").removesuffix(": "),
    }


def is_editor(user) -> bool:
    """Who reads the audit log: a superuser, or whoever may publish (decide on) some curated model."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(p.split(".")[1].startswith("publish_") for p in user.get_all_permissions())


class AuditFilterForm(forms.Form):
    """The filters of the admin page, its CSV and the API (the same names)."""

    model = forms.MultipleChoiceField(required=False, choices=[(label, label) for label in COUNTRY_PATHS])
    action = forms.MultipleChoiceField(required=False, choices=[(a, a) for a in ALL_ACTIONS])
    user = forms.CharField(required=False, max_length=150, help_text="A username.")
    since = forms.DateField(required=False, help_text="From this day (YYYY-MM-DD), inclusive.")
    until = forms.DateField(required=False, help_text="To this day (YYYY-MM-DD), inclusive.")
    country = forms.CharField(required=False, max_length=2, help_text="An ISO code; review requests have none.")

    def clean_country(self):
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if not code:
            return None
        country = apps.get_model("countries", "Country")._default_manager.filter(code=code).first()
        if country is None:
            raise forms.ValidationError(f"There is no country with ISO code {code!r}.")
        return country.pk

    def entries(self):
        data = self.cleaned_data
        day = datetime.timedelta(days=1)

        def start(d):
            return datetime.datetime.combine(d, datetime.time.min, tzinfo=datetime.UTC) if d else None

        return audit_entries(
            models=data.get("model") or None,
            actions=data.get("action") or None,
            user=data.get("user") or None,
            since=start(data.get("since")),
            until=start(data["until"] + day) if data.get("until") else None,
            country=data.get("country"),
        )


CSV_COLUMNS = ("at", "model", "object_id", "action", "user", "reviewer", "reason", "note", "country_id")


def write_csv(entries, out):
    """The entries as CSV (spreadsheet-safe cells, ``core.safe_cells``)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = describe(entry)
        writer.writerow([neutralise(row[c].isoformat() if c == "at" else row[c]) for c in CSV_COLUMNS])
