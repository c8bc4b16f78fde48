"""
Change sets (issue 15): a published type's fields and its rows (cells' references, legal
bases) are proposed, reviewed, approved and reverted together; the diff keeps full values
with the changed words marked; a stale inline row never wins.
"""

from django.test import Client
from django.urls import reverse

from core.choices import PublicationStatus as S
from countries.models import Revision, RevisionStatus
from curation import services
from orgs.models import OrganizationType, Reference

from .test_admin import change_form_data


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def _reference_key(data, reference):
    """The form-data prefix of ``reference``'s row in the type's nested inline."""
    for key, value in data.items():
        if key.endswith("-id") and value == str(reference.pk) and "references" in key:
            return key[: -len("-id")]
    raise AssertionError(f"reference {reference.pk} is not on the page")


def test_an_analysts_evidence_change_on_a_published_type_is_one_change_set(curated, analyst, editor2):
    org_type = curated["org_type"]
    reference = Reference.objects.filter(assessment__org_type=org_type).order_by("pk").first()
    old_quote = reference.quote
    anna = logged_in(analyst)
    url = reverse("admin:orgs_organizationtype_change", args=[org_type.pk])
    data = change_form_data(anna, url)
    prefix = _reference_key(data, reference)
    new_quote = f"{old_quote} An appended sentence that a cut at 120 characters would hide from the reviewer."
    data[f"{prefix}-quote"] = new_quote
    data["name"] = "SCOP (renamed)"
    data["change_reason"] = "Quote completed from the gazette"
    response = anna.post(url, data, follow=True)
    assert "waits in the review queue" in response.content.decode()

    # Nothing is live yet: neither the field nor the row.
    reference.refresh_from_db()
    assert reference.quote == old_quote
    assert OrganizationType.objects.get(pk=org_type.pk).name == "SCOP"
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    assert revision.changes == {"name": "SCOP (renamed)"}
    assert [(op["model"], op["op"], op["pk"], op["values"]) for op in revision.rows] == [
        ("orgs.reference", "update", reference.pk, {"quote": new_quote})
    ]

    # The queue shows both values in full, the added words marked.
    page = logged_in(editor2).get(reverse("admin-review-queue")).content.decode()
    assert "<ins>" in page and "hide from the reviewer.</ins>" in page
    assert "SCOP <ins>(renamed)</ins>" in page

    # The author cannot approve; another editor can, and then both go live together.
    services.revision_approve(revision=revision, user=editor2, note="Checked")
    reference.refresh_from_db()
    assert reference.quote == new_quote
    assert OrganizationType.objects.get(pk=org_type.pk).name == "SCOP (renamed)"
    row = reference.history.latest("history_date")
    assert row.history_user == analyst and "emma" in row.history_change_reason
    revision.refresh_from_db()
    assert (revision.submitted_by, revision.decided_by) == (analyst, editor2)
    # After the decision the diff still holds the old value.
    diff = services.revision_diff(revision)
    assert any(old == old_quote and new == new_quote for _, old, new, _, _ in diff)


def test_the_author_of_a_change_set_cannot_approve_it(curated, editor, editor2):
    org_type = curated["org_type"]
    revision = services.revision_propose(record=org_type, user=editor, values={"name": "Mine"}, reason="Test")
    try:
        services.revision_approve(revision=revision, user=editor)
    except services.WorkflowError as exc:
        assert "another editor" in str(exc)
    else:
        raise AssertionError("the author approved his own change set")
    assert OrganizationType.objects.get(pk=org_type.pk).name == "SCOP"


def test_revert_of_a_published_type_with_its_evidence_restores_the_classification(curated, analyst, editor, editor2):
    org_type = OrganizationType.objects.get(pk=curated["org_type"].pk)
    org_type._change_reason = "Reviewed with its evidence"
    org_type.save()  # the version to come back to: the type with all its rows as they stand now
    before = (org_type.classification, org_type.classification_max, org_type.settled)
    version_before = org_type.history.latest("history_date")
    # A change set removes the type's evidence for one sub-condition: approved, the classification moves.
    reference = Reference.objects.filter(assessment__org_type=org_type, finding="met").order_by("pk").first()
    revision = services.revision_propose(
        record=org_type, user=analyst, values={}, reason="Wrong article", rows=[services.row_op(reference, "delete")]
    )
    services.revision_approve(revision=revision, user=editor)
    org_type.refresh_from_db()
    after = (org_type.classification, org_type.classification_max, org_type.settled)
    assert after != before
    assert not Reference.objects.filter(pk=reference.pk).exists()

    # The revert, from the type's history in the admin: a change set for review, nothing changes yet.
    eddie = logged_in(editor)
    url = reverse("admin:orgs_organizationtype_simple_history", args=[org_type.pk, version_before.history_id])
    data = change_form_data(eddie, url)
    data["change_reason"] = "Back to the reviewed version"
    response = eddie.post(url, data, follow=True)
    assert "waits in the review queue" in response.content.decode()
    assert "changed successfully" not in response.content.decode()
    org_type.refresh_from_db()
    assert (org_type.classification, org_type.classification_max, org_type.settled) == after
    revert = Revision.objects.get(status=RevisionStatus.PENDING)
    assert [op["op"] for op in revert.rows] == ["create"], [(op["model"], op["op"], op["label"]) for op in revert.rows]
    assert revert.submitted_by == editor

    # The type's history names the evidence change: its author (the user), the reviewer and the reason.
    step = org_type.history.filter(history_change_reason__startswith=f"Approved change #{revision.pk}").get()
    assert (
        step.history_user == analyst
        and "eddie" in step.history_change_reason
        and "Wrong article" in (step.history_change_reason)
    )

    services.revision_approve(revision=revert, user=editor2, note="Yes")
    org_type.refresh_from_db()
    assert (org_type.classification, org_type.classification_max, org_type.settled) == before
    restored = Reference.objects.get(assessment=reference.assessment, law=reference.law, provision=reference.provision)
    assert restored.quote == reference.quote


def test_a_stale_inline_row_is_refused(curated, analyst, editor):
    """Two people open a draft type; both change the same reference; the second save is refused."""
    draft = curated["draft"]
    reference = Reference.objects.filter(assessment__org_type=draft).order_by("pk").first()
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    anna, eddie = logged_in(analyst), logged_in(editor)
    first, second = change_form_data(anna, url), change_form_data(eddie, url)
    prefix = _reference_key(first, reference)
    first.update({f"{prefix}-provision": "Art. 7", "change_reason": "From the statute"})
    assert anna.post(url, first).status_code == 302
    second.update({f"{prefix}-provision": "Art. 9", "change_reason": "From the registry"})
    response = eddie.post(url, second)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    reference.refresh_from_db()
    assert reference.provision == "Art. 7"


def test_a_change_set_whose_row_changed_since_cannot_be_approved(curated, analyst, editor2):
    """A row changed after the proposal (e.g. while the type was a draft again) refuses the approval whole."""
    org_type = curated["org_type"]
    reference = Reference.objects.filter(assessment__org_type=org_type).order_by("pk").first()
    reference.provision = "Art. 5"
    revision = services.revision_propose(
        record=org_type, user=analyst, values={"name": "Other"}, reason="R", rows=[services.row_op(reference, "update")]
    )
    Reference.objects.filter(pk=reference.pk).update(
        provision="Art. 6", updated_at=reference.updated_at.replace(year=2030)
    )
    try:
        services.revision_approve(revision=revision, user=editor2)
    except services.WorkflowError as exc:
        assert "changed by someone else" in str(exc)
    else:
        raise AssertionError("a stale change set was approved")
    assert OrganizationType.objects.get(pk=org_type.pk).name == "SCOP"  # nothing half-written
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.PENDING


def test_records_in_review_are_frozen_for_everyone(curated, analyst, editor):
    draft = curated["draft"]
    services.record_submit_for_review(record=draft, user=analyst)
    draft = OrganizationType.objects.get(pk=draft.pk)
    assert draft.publication_status == S.IN_REVIEW
    for user in (analyst, editor):
        draft.name = "Changed in review"
        try:
            services.record_update(record=draft, user=user, reason="Sneak")
        except services.WorkflowError as exc:
            assert "frozen" in str(exc)
        else:
            raise AssertionError(f"{user} changed a record in review")
        reference = Reference.objects.filter(assessment__org_type=draft).first()
        reference.provision = "Art. 99"
        try:
            services.record_update(record=reference, user=user, reason="Sneak")
        except services.WorkflowError as exc:
            assert "frozen" in str(exc)
        else:
            raise AssertionError(f"{user} changed a row of a record in review")
    assert OrganizationType.objects.get(pk=draft.pk).name == "Draft type"


def test_the_state_cannot_be_assigned(curated):
    org_type = OrganizationType.objects.get(pk=curated["draft"].pk)
    try:
        org_type.publication_status = S.PUBLISHED
    except AttributeError as exc:
        assert "not allowed" in str(exc)
    else:
        raise AssertionError("the state was assigned")
