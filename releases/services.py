"""
Cutting a release: the one write path of releases (the admin, the command and the tests call it).
Keyword-only and atomic; the editor's permission is checked here.
"""

import csv
import gzip
import io

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from curation.quality import ERROR, find_problems

from . import datapackage
from .changelog import changelog
from .models import Release, version_key
from .routing import FROZEN_MODELS, freeze

PERMISSION = "releases.cut_release"


def release_cut_checks(*, user, version):
    """What refuses a cut, before any work: the permission, the version, the data's errors."""
    if user is None or not user.has_perm(PERMISSION):
        raise PermissionDenied("Only an editor may cut a release.")
    key = version_key(version)
    if Release.objects.filter(version=version).exists():
        raise ValidationError({"version": f"Release {version} exists already; a release is never cut twice."})
    latest = Release.objects.latest_release()
    if latest is not None and key <= version_key(latest.version):
        raise ValidationError(
            {"version": f"{version} does not follow the latest release, {latest.version}: versions only increase."}
        )
    errors = [problem for problem in find_problems() if problem.severity == ERROR]
    if errors:
        listed = "; ".join(str(problem) for problem in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ValidationError(f"check_data reports {len(errors)} error(s); fix them first: {listed}{more}.")
    return latest


@transaction.atomic
def release_cut(*, user, version, notes="", request=None):
    """
    Freeze the published dataset as release ``version``: its rows, its data package and XLSX as
    an anonymous reader gets them now, the rows per table and the changelog against the
    previous release. ``request`` gives the site's address in the files (else SSE_MAP_SITE_URL).
    """
    hold_writes()
    previous = release_cut_checks(user=user, version=version)
    site = request if request is not None else datapackage.site_request()
    tables = datapackage.build_tables(site)
    texts = {name: text for name, (_header, text, _serializer) in tables.items()}
    package = datapackage.zip_bytes(site, tables, version=version)
    workbook = datapackage.xlsx_bytes(site, tables)
    rows = freeze()
    log = changelog(datapackage.read_zip(bytes(previous.datapackage)) if previous else None, texts)
    log["against"] = previous.version if previous else None
    release = Release(
        version=version,
        cut_at=timezone.now(),
        cut_by=user,
        notes=notes,
        dataset=_gzip(rows),
        digest=Release.sha256(rows),
        datapackage=package,
        datapackage_sha256=Release.sha256(package),
        datapackage_size=len(package),
        xlsx=workbook,
        xlsx_sha256=Release.sha256(workbook),
        xlsx_size=len(workbook),
        counts={name: _count(text) for name, text in texts.items() if name in datapackage.ENDPOINTS},
        changelog=log,
        previous=previous,
    )
    release.full_clean()
    release.save()
    return release


def hold_writes():
    """
    Make the cut read one state of the data. It reads the curated tables in many queries (the
    checks, the tables of the package, the frozen rows); under PostgreSQL's READ COMMITTED an
    edit committed between two of them would make the package and the frozen rows disagree, and
    the request may have queried already (ATOMIC_REQUESTS), too late to ask for REPEATABLE READ.
    SHARE locks let every reader through and make a writer wait until the cut commits. SQLite
    needs nothing: its writers are serialised and a transaction reads one snapshot.
    """
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(apps.get_model(label)._meta.db_table) for label in FROZEN_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")


def _gzip(content):
    return gzip.compress(content, mtime=0)


def _count(text):
    return max(sum(1 for _row in csv.reader(io.StringIO(text))) - 1, 0)
