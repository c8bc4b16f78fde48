"""Review and publication: transitions, the two-person rule, edits to published records held for review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from core.choices import PublicationStatus as S
from countries.models import Country, Law, Revision, RevisionStatus
from curation import services
from orgs.models import OrganizationType
from tests.factories import LawFactory


@pytest.fixture
def draft_law(curated):
    return LawFactory(
        slug="draft-law", country=curated["country"], title="Draft law", publication_status=S.DRAFT
    )


def test_full_lifecycle_draft_review_published_archived(draft_law, analyst, editor):
    """An analyst submits, an editor publishes, then archives; each step writes a history row with its reason."""
    services.record_submit_for_review(record=draft_law, user=analyst, reason="Ready")
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.IN_REVIEW
    assert draft_law not in Law.objects.published()
    services.record_publish(record=draft_law, user=editor)
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.PUBLISHED
    assert draft_law in Law.objects.public()
    services.record_archive(record=draft_law, user=editor, reason="Repealed long ago")
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.ARCHIVED
    assert draft_law not in Law.objects.public()
    reasons = list(
        draft_law.history.order_by("history_date").values_list(
            "history_change_reason", "history_user__username"
        )
    )
    assert reasons[-3:] == [
        ("Submitted for review: Ready", "anna"),
        ("Published (approved by eddie)", "eddie"),
        ("Archived: Repealed long ago", "eddie"),
    ]


def test_analyst_cannot_publish_or_archive(draft_law, analyst, analyst2):
    """Publishing needs the editor's publish permission, even for another analyst's submission."""
    services.record_submit_for_review(record=draft_law, user=analyst)
    with pytest.raises(PermissionDenied):
        services.record_publish(record=draft_law, user=analyst2)
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.IN_REVIEW


def test_two_person_rule_stops_self_publication(draft_law, editor, editor2):
    """An editor who submitted a draft cannot publish it; a second editor can."""
    services.record_submit_for_review(record=draft_law, user=editor)
    with pytest.raises(services.WorkflowError, match="another editor must publish"):
        services.record_publish(record=draft_law, user=editor)
    services.record_publish(record=draft_law, user=editor2)
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.PUBLISHED


@override_settings(SSE_MAP_TWO_PERSON_REVIEW=False)
def test_two_person_rule_can_be_turned_off(draft_law, editor):
    """With SSE_MAP_TWO_PERSON_REVIEW off, an editor may publish their own submission."""
    services.record_submit_for_review(record=draft_law, user=editor)
    services.record_publish(record=draft_law, user=editor)
    draft_law.refresh_from_db()
    assert draft_law.publication_status == S.PUBLISHED


def test_wrong_transitions_are_refused(draft_law, curated, analyst, editor):
    """Only drafts are submitted, only records in review are published, only published ones archived."""
    with pytest.raises(services.WorkflowError):
        services.record_publish(record=draft_law, user=editor)
    with pytest.raises(services.WorkflowError):
        services.record_archive(record=draft_law, user=editor, reason="x")
    with pytest.raises(services.WorkflowError):
        services.record_submit_for_review(record=curated["new"], user=analyst)
    with pytest.raises(ValidationError):
        services.record_archive(record=curated["new"], user=editor, reason=" ")


def test_send_back_returns_the_draft_with_a_note(draft_law, analyst, editor):
    services.record_submit_for_review(record=draft_law, user=analyst)
    revision = services.pending_revision(draft_law)
    services.revision_reject(revision=revision, user=editor, note="Add the citation")
    draft_law.refresh_from_db()
    revision.refresh_from_db()
    assert draft_law.publication_status == S.DRAFT
    assert (revision.status, revision.decision_note, revision.decided_by) == (
        RevisionStatus.REJECTED,
        "Add the citation",
        editor,
    )


def test_a_change_to_a_published_record_waits_for_approval(curated, analyst, editor):
    """The proposed values are held; the public sees the old ones until an editor approves."""
    law = curated["new"]
    revision = services.revision_propose(
        record=law, user=analyst, values={"title": "SSE Framework Law", "amends": []}, reason="Official title"
    )
    assert Law.objects.public().get(pk=law.pk).title == "SSE Law 2014"
    assert list(law.amends.all()) == [curated["old"]]
    with pytest.raises(services.WorkflowError, match="already waiting"):
        services.revision_propose(record=law, user=analyst, values={"title": "Other"}, reason="x")
    services.revision_approve(revision=revision, user=editor)
    law.refresh_from_db()
    assert law.title == "SSE Framework Law"
    assert list(law.amends.all()) == []
    assert law.publication_status == S.PUBLISHED
    latest = law.history.latest("history_date")
    reason = latest.history_change_reason
    assert reason.startswith("Approved change #") and reason.endswith(": Official title")
    assert latest.history_user == analyst


def test_two_person_rule_applies_to_changes(curated, editor, editor2):
    revision = services.revision_propose(
        record=curated["country"], user=editor, values={"narrative": "New text."}, reason="Update"
    )
    with pytest.raises(services.WorkflowError):
        services.revision_approve(revision=revision, user=editor)
    services.revision_approve(revision=revision, user=editor2)
    assert Country.objects.get(pk=curated["country"].pk).narrative == "New text."


def test_rejected_change_leaves_the_record_alone(curated, analyst, editor):
    revision = services.revision_propose(
        record=curated["org_type"], user=analyst, values={"name": "Renamed"}, reason="Typo"
    )
    services.revision_reject(revision=revision, user=editor, note="The name is right")
    assert OrganizationType.objects.get(pk=curated["org_type"].pk).name == "SCOP"
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.REJECTED


def test_an_invalid_proposed_change_is_refused_on_approval(curated, analyst, editor):
    """Approval validates the record with the new values; a broken change is not applied."""
    revision = services.revision_propose(
        record=curated["new"], user=analyst, values={"kind": "bill"}, reason="It was a bill"
    )
    with pytest.raises(ValidationError):
        services.revision_approve(revision=revision, user=editor)
    assert Law.objects.get(pk=curated["new"].pk).kind == "act"
