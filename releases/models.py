"""A release: the dataset frozen under a version (``2027.1``), with its downloads and changelog."""

import gzip
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

VERSION = re.compile(r"^(?P<year>[0-9]{4})\.(?P<number>[1-9][0-9]{0,3})$")


def version_key(version):
    """``2027.10`` as ``(2027, 10)``: versions compare as numbers, not as text."""
    match = VERSION.match(version or "")
    if match is None:
        raise ValidationError(
            f"{version!r} is not a release version: a year and a number from 1, e.g. 2027.1.", code="version"
        )
    return int(match["year"]), int(match["number"])


def validate_version(value):
    version_key(value)


class ReleaseQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-cut_at", "-pk")

    def latest_release(self):
        """The last release cut (versions only increase, so also the highest), or None."""
        return self.newest_first().defer(*Release.BLOBS).first()

    def for_api(self):
        return self.defer(*Release.BLOBS).select_related("cut_by")


class Release(models.Model):
    # The frozen rows (gzip'd JSON, Django's fixture format) and the files, kept out of lists.
    BLOBS = ("dataset", "datapackage", "xlsx")

    version = models.CharField(max_length=16, unique=True, validators=[validate_version])
    cut_at = models.DateTimeField()
    cut_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    # Every curated row (published or not, so every reference a published row makes resolves);
    # read back, a release shows what an anonymous reader saw.
    dataset = models.BinaryField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the frozen rows (the gzip'd JSON's content).")
    datapackage = models.BinaryField(help_text="The data package zip as cut.")
    datapackage_sha256 = models.CharField(max_length=64)
    datapackage_size = models.PositiveIntegerField(default=0)
    xlsx = models.BinaryField(help_text="The XLSX workbook as cut.")
    xlsx_sha256 = models.CharField(max_length=64)
    xlsx_size = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Rows per table of the data package.")
    changelog = models.JSONField(default=dict, help_text="Against the previous release.")
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-cut_at", "-pk"]
        permissions = [("cut_release", "Can cut a release")]

    def __str__(self):
        return self.version

    def citation(self, url):
        return settings.RELEASE_CITATION.format(
            version=self.version, date=self.cut_at.date().isoformat(), url=url, license=settings.DATA_LICENSE_NAME
        )

    def rows_json(self) -> bytes:
        return gzip.decompress(bytes(self.dataset))

    @staticmethod
    def sha256(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
