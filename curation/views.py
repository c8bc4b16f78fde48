"""
Admin pages beyond the model admins: the review queue and the data-quality dashboard.

All are wrapped in ``admin.site.admin_view`` (staff only) in ``sse_map/urls.py``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.choices import PublicationStatus, Verification
from countries.models import Country, Law, LawEvent, Revision, RevisionKind, RevisionStatus, Statistic
from orgs import claims as claims_rule
from orgs.choices import Finding, SuggestionStatus
from orgs.models import Assessment, Claim, Family, Feature, OrganizationType, Reference, Suggestion

from . import audit, services
from .formats import RESOURCES, export_whole, whole_to_bytes
from .quality import find_problems

PUBLISHABLE = [Country, Law, OrganizationType, Statistic]


def admin_change_url(model_label: str, pk) -> str | None:
    app_label, model_name = model_label.lower().split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def _url_of(obj):
    return admin_change_url(obj._meta.label, obj.pk) if obj is not None and obj.pk is not None else None


# Review queue -------------------------------------------------------------------


def review_queue(request):
    """What waits for review: submitted drafts, proposed changes to published records, public suggestions."""
    if not request.user.has_perm("countries.view_revision"):
        raise PermissionDenied
    if request.method == "POST":
        return _decide(request)
    revisions = list(
        services.scoped_requests(Revision.objects.filter(status=RevisionStatus.PENDING), request.user).select_related(
            "content_type", "submitted_by"
        )
    )
    items = []
    for revision in revisions:
        record = services.revision_subject(revision)
        if record is None:
            continue
        may_decide = services.can_publish(request.user, type(record))
        own = services.two_person_review() and revision.submitted_by_id == request.user.pk
        items.append(
            {
                "revision": revision,
                "record": record,
                "record_url": _url_of(record),
                "model": record._meta.verbose_name,
                "diff": services.revision_diff(revision)
                if revision.changes or revision.rows or revision.kind == RevisionKind.DELETION
                else [],
                "may_decide": may_decide and not own,
                "own": own,
                "comments": list(services.comments_on(record) if record.pk else revision.comments.all()),
                "batch_size": sum(1 for r in revisions if r.batch is not None and r.batch == revision.batch),
            }
        )
    suggestions = Suggestion.objects.filter(status=SuggestionStatus.NEW).select_related("org_type", "law")
    context = {
        **admin.site.each_context(request),
        "title": "Review queue",
        "items": items,
        "suggestions": [
            {"suggestion": s, "url": _url_of(s), "target_url": _url_of(s.org_type or s.law)} for s in suggestions
        ],
        "two_person": services.two_person_review(),
    }
    return TemplateResponse(request, "admin/review_queue.html", context)


def _decide(request):
    revision = get_object_or_404(Revision, pk=request.POST.get("revision"))
    note = request.POST.get("note", "").strip()
    action = request.POST.get("action")
    try:
        if action == "comment":
            services.comment_add(user=request.user, body=request.POST.get("comment", ""), revision=revision)
            messages.success(request, f"Comment added on {services.revision_subject(revision)}.")
        elif action == "approve":
            services.revision_approve(revision=revision, user=request.user, note=note)
            messages.success(request, f"Approved: {services.revision_subject(revision)}.")
        elif action == "reject":
            services.revision_reject(revision=revision, user=request.user, note=note)
            messages.success(request, f"Rejected: {services.revision_subject(revision)}.")
        else:
            messages.error(request, "Choose approve or reject.")
    except (services.WorkflowError, ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"Nothing changed: {text}")
    return redirect("admin-review-queue")


def audit_log(request):
    """Every history step and review decision, filterable (model, user, action, dates, country) and as CSV."""
    if not audit.is_editor(request.user):
        raise PermissionDenied
    form = audit.AuditFilterForm(request.GET or None)
    entries = (
        form.entries() if form.is_bound and form.is_valid() else (audit.audit_entries() if not form.is_bound else [])
    )
    if request.GET.get("format") == "csv" and (not form.is_bound or form.is_valid()):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sse-map-audit.csv"'
        audit.write_csv(entries, response)
        return response
    page = [audit.describe(entry) for entry in entries[:200]]
    countries = dict(Country.objects.values_list("pk", "code"))
    for row in page:
        row["country"] = countries.get(row["country_id"], "")
        # A request to create a record names none until it is approved.
        shown = row["action"] != "deleted" and row["object_id"]
        row["url"] = admin_change_url(row["model"], row["object_id"]) if shown else None
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **admin.site.each_context(request),
        "title": "Audit log",
        "form": form,
        "entries": page,
        "csv_query": query.urlencode(),
    }
    return TemplateResponse(request, "admin/audit_log.html", context)


def my_submissions(request):
    """What the signed-in curator submitted: every change set and publication request, its state and decision."""
    revisions = (
        Revision.objects.filter(submitted_by=request.user)
        .select_related("content_type", "decided_by")
        .order_by("-submitted_at", "-pk")
    )
    status = request.GET.get("status", "")
    if status in RevisionStatus.values:
        revisions = revisions.filter(status=status)
    items = [
        {"revision": revision, "record": record, "record_url": _url_of(record)}
        for revision in revisions[:500]
        for record in [services.revision_subject(revision)]
    ]
    context = {
        **admin.site.each_context(request),
        "title": "My submissions",
        "items": items,
        "status": status,
        "statuses": RevisionStatus.choices,
    }
    return TemplateResponse(request, "admin/my_submissions.html", context)


# Data-quality dashboard -----------------------------------------------------------


def months_ago(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def coverage_matrix():
    """
    For each country: one row per family, one cell per feature, holding
    ``(cells not yet assessed, cells)`` over that family's types, or None when the
    country has no type of that family. Two queries for the counts.
    """
    features = list(Feature.objects.all())
    families = list(Family.objects.all())
    countries = list(Country.objects.order_by("name"))
    counts = {}
    rows = (
        Assessment.objects.order_by()
        .values_list("org_type__country_id", "org_type__family_id", "sub_condition__feature_id", "finding")
        .annotate(n=Count("pk"))
    )
    for country_id, family_id, feature_id, finding, n in rows:
        open_, total = counts.get((country_id, family_id, feature_id), (0, 0))
        counts[(country_id, family_id, feature_id)] = (open_ + (n if finding == Finding.NOT_ASSESSED else 0), total + n)
    types = set(OrganizationType.objects.values_list("country_id", "family_id").distinct())
    matrix = []
    for country in countries:
        family_rows = []
        for family in families:
            has_type = (country.pk, family.pk) in types
            cells = [counts.get((country.pk, family.pk, f.pk), (0, 0)) if has_type else None for f in features]
            family_rows.append({"family": family, "cells": cells, "has_type": has_type})
        matrix.append({"country": country, "rows": family_rows})
    return features, matrix


def claims_against_coding():
    """The research's statements our coding disagrees with, or that cells not yet assessed decide."""
    out = []
    for claim, status, about in Claim.objects.evaluated():
        if status in (claims_rule.CONFLICT, claims_rule.OPEN):
            conflict = status == claims_rule.CONFLICT
            row = {"claim": claim, "status": claims_rule.LABELS[status], "conflict": conflict, "types": about}
            out.append({**row, "url": _url_of(claim)})
    return out


def overclaiming_references():
    """References labelled ``statute`` or ``official`` that quote no wording."""
    rows = Reference.objects.filter(verification__in=[Verification.STATUTE, Verification.OFFICIAL], quote="")
    rows = rows.select_related("assessment__org_type__country", "assessment__sub_condition", "law")
    return [{"record": row, "url": _url_of(row)} for row in rows]


def stale_records(today=None):
    months = getattr(settings, "SSE_MAP_VERIFY_MONTHS", 12)
    cutoff = months_ago(today or timezone.localdate(), months)
    out = []
    for model in PUBLISHABLE:
        qs = model.objects.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff)).exclude(
            publication_status=PublicationStatus.ARCHIVED
        )
        if any(f.name == "country" for f in model._meta.fields):
            qs = qs.select_related("country")
        for obj in qs.order_by("last_verified", "pk"):
            out.append(
                {
                    "record": obj,
                    "model": obj._meta.verbose_name,
                    "url": _url_of(obj),
                    "last_verified": obj.last_verified,
                }
            )
    return months, cutoff, out


def unverified_on_published():
    published = PublicationStatus.PUBLISHED
    unverified = Verification.UNVERIFIED
    groups = [
        (
            "References",
            Reference.objects.filter(
                verification=unverified, assessment__org_type__publication_status=published
            ).select_related("assessment__org_type__country", "assessment__sub_condition", "law"),
        ),
        (
            "Law events",
            LawEvent.objects.filter(verification=unverified, law__publication_status=published).select_related("law"),
        ),
        ("Laws", Law.objects.filter(verification=unverified, publication_status=published)),
        (
            "Statistics",
            Statistic.objects.filter(verification=unverified, publication_status=published).select_related("country"),
        ),
    ]
    return [(label, [{"record": obj, "url": _url_of(obj)} for obj in qs]) for label, qs in groups]


def quality_dashboard(request):
    """
    Cells not yet assessed per country, family and feature; statements of the research our
    coding disagrees with; references that overclaim; check_data problems; records due for
    verification; unverified facts on public records.
    """
    if not request.user.is_staff:
        raise PermissionDenied
    features, matrix = coverage_matrix()
    months, cutoff, stale = stale_records()
    problems = [{"problem": p, "url": admin_change_url(p.model, p.pk)} for p in find_problems()]
    context = {
        **admin.site.each_context(request),
        "title": "Data quality",
        "features": features,
        "matrix": matrix,
        "problems": problems,
        "months": months,
        "cutoff": cutoff,
        "stale": stale,
        "unverified": unverified_on_published(),
        "claims": claims_against_coding(),
        "overclaiming": overclaiming_references(),
    }
    return TemplateResponse(request, "admin/quality_dashboard.html", context)


def dataset_export(request):
    """The whole curated dataset in one file: an XLSX workbook (a sheet per model) or JSON."""
    for resource in RESOURCES.values():
        opts = resource._meta.model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
    fmt = "json" if request.GET.get("format") == "json" else "xlsx"
    content_type = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }[fmt]
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(whole_to_bytes(export_whole(), fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="sse-map-dataset-{stamp}.{fmt}"'
    return response
