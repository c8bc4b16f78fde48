"""Issue 15: bulk edit of selected records (the admin's list action) makes ONE change set."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.choices import PublicationStatus as S
from countries.models import Law, Revision, RevisionStatus
from curation import services
from tests.factories import LawFactory

pytestmark = pytest.mark.django_db


def bulk(client, laws, **form):
    return client.post(
        reverse("admin:countries_law_changelist"),
        {"action": "bulk_edit", "_selected_action": [law.pk for law in laws], "apply": "1", **form},
        follow=True,
    )


def test_a_bulk_edit_of_published_records_is_one_change_set_approved_as_a_whole(curated, analyst, editor):
    laws = [curated["old"], curated["new"]]
    client = Client()
    client.force_login(analyst)
    bulk(client, laws, field="verification_note", value="Checked against the 2024 gazette.", reason="Gazette")
    pending = Revision.objects.filter(status=RevisionStatus.PENDING, kind="change")
    assert pending.count() == 2 and len({r.batch for r in pending}) == 1 and pending[0].batch is not None
    assert not Law.objects.filter(verification_note="Checked against the 2024 gazette.").exists()
    with pytest.raises(PermissionDenied):
        services.revision_approve(revision=pending[0], user=analyst)  # analysts propose, editors decide
    services.revision_approve(revision=pending[0], user=editor)
    assert Law.objects.filter(verification_note="Checked against the 2024 gazette.").count() == 2
    assert not Revision.objects.filter(status=RevisionStatus.PENDING).exists()


def test_a_bulk_edit_is_all_or_nothing(curated, analyst, editor):
    frozen = LawFactory(slug="in-review", country=curated["country"], title="Third law", publication_status=S.DRAFT)
    services.record_submit_for_review(record=frozen, user=analyst)
    client = Client()
    client.force_login(analyst)
    response = bulk(client, [curated["old"], frozen], field="verification_note", value="x", reason="Bulk")
    assert "Nothing changed" in " ".join(str(m) for m in response.context["messages"])
    assert not Revision.objects.filter(kind="change").exists()
    response = bulk(client, [curated["old"]], field="slug", value="x", reason="Bulk")
    assert "slug" in response.context["form"].errors["field"][0]  # not offered: a key is never set in bulk
    with pytest.raises(ValidationError, match="cannot be set in bulk"):
        services.bulk_update(records=[curated["old"]], user=analyst, field="slug", value="x", reason="Bulk")
    assert not Revision.objects.filter(kind="change").exists()


def test_rejecting_a_bulk_edit_rejects_all_its_requests(curated, analyst, editor):
    batch = services.bulk_update(
        records=[curated["old"], curated["new"]], user=analyst, field="curator_note", value="Ask", reason="Bulk"
    )
    revision = Revision.objects.filter(batch=batch).first()
    services.revision_reject(revision=revision, user=editor, note="Not needed")
    assert set(Revision.objects.filter(batch=batch).values_list("status", flat=True)) == {RevisionStatus.REJECTED}
