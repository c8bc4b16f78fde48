"""Issue 15: comments on a record and on a change set (curation.services.comment_add), in the queue and the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from curation import services
from curation.models import Comment, CountryScope
from tests.factories import CountryFactory
from tests.fixtures.curation import make_user

from .test_admin import change_form_data

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_comment_on_a_change_set_shows_in_the_queue_and_on_the_record(curated, analyst, editor):
    law = curated["old"]
    revision = services.revision_propose(record=law, user=analyst, values={"title": "Renamed"}, reason="Gazette")
    client = logged_in(editor)
    queue = reverse("admin-review-queue")
    client.post(queue, {"revision": revision.pk, "action": "comment", "comment": "Which gazette <b>issue</b>?"})
    comment = Comment.objects.get()
    assert (comment.author, comment.revision, comment.record) == (editor, revision, law)
    text = client.get(queue).content.decode()
    assert "Which gazette &lt;b&gt;issue&lt;/b&gt;?" in text  # escaped
    page = client.get(reverse("admin:countries_law_change", args=[law.pk])).content.decode()
    assert "Which gazette &lt;b&gt;issue&lt;/b&gt;?" in page and f"on change #{revision.pk}" in page
    client.post(queue, {"revision": revision.pk, "action": "comment", "comment": "   "})
    assert Comment.objects.count() == 1


def test_a_comment_from_the_change_form_is_kept_on_the_record(curated, analyst):
    client = logged_in(analyst)
    draft = curated["draft"]
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    data = change_form_data(client, url)
    data.update(change_reason="Note", new_comment="The 1978 decree is still to be read.")
    assert client.post(url, data).status_code == 302
    assert [c.body for c in services.comments_on(draft)] == ["The 1978 decree is still to be read."]


def test_comments_follow_the_roles(curated, analyst):
    outsider = make_user("ella", "Editor")
    CountryScope.objects.create(user=outsider).countries.set([CountryFactory(code="DE", name="Germany")])
    with pytest.raises(PermissionDenied):
        services.comment_add(user=outsider, body="Hi", record=curated["old"])
    partner = make_user("partner")
    with pytest.raises(PermissionDenied):
        services.comment_add(user=partner, body="Hi", record=curated["old"])
    with pytest.raises(ValidationError):
        services.comment_add(user=analyst, body=" ", record=curated["old"])
    assert not Comment.objects.exists()
