"""'Suggest a correction': stored for review, never published; CSRF, honeypot and a rate limit."""

import pytest
from django.test import Client
from django.urls import reverse

from countries.models import Law
from orgs.choices import SuggestionStatus
from orgs.models import OrganizationType, Suggestion

pytestmark = pytest.mark.django_db

VALID = {
    "message": "The provision number is wrong: it is Art. 7.",
    "evidence_url": "https://example.org/law",
    "contact": "",
}


def sseoe_type(landscape):
    return OrganizationType.objects.get(name=f"Worker cooperative {landscape[0].code}")


def test_type_suggestion_is_stored_as_new_and_thanks(client, landscape):
    """A valid suggestion is stored with status 'new' against the type, and the visitor is thanked."""
    org_type = sseoe_type(landscape)
    response = client.post(reverse("orgs:org-type-suggest", args=[org_type.slug]), VALID, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("orgs:suggestion-thanks"))
    assert "Thank you" in response.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.org_type == org_type and suggestion.law is None
    assert suggestion.status == SuggestionStatus.NEW
    assert suggestion.evidence_url == "https://example.org/law"


def test_law_suggestion_is_stored_against_the_law(client, landscape):
    law = Law.objects.get(title=f"Framework Act {landscape[0].code}")
    client.post(reverse("orgs:law-suggest", args=[law.slug]), VALID)
    assert Suggestion.objects.get().law == law


def test_suggestion_changes_nothing_published(client, landscape):
    """A suggestion never changes the record it is about."""
    org_type = sseoe_type(landscape)
    before = OrganizationType.objects.filter(pk=org_type.pk).values().get()
    client.post(
        reverse("orgs:org-type-suggest", args=[org_type.slug]), {**VALID, "message": "Classification should be PHO."}
    )
    assert OrganizationType.objects.filter(pk=org_type.pk).values().get() == before


def test_invalid_suggestion_names_the_problem(client, landscape):
    """A too short message or a bad URL is refused with a message on the field; nothing is stored."""
    org_type = sseoe_type(landscape)
    response = client.post(
        reverse("orgs:org-type-suggest", args=[org_type.slug]), {"message": "bad", "evidence_url": "not a url"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "at least 10 characters" in html
    assert "Enter a valid URL" in html
    assert not Suggestion.objects.exists()


def test_honeypot_is_thanked_but_not_stored(client, landscape):
    """A bot that fills the hidden field gets the thank-you page and nothing is stored."""
    org_type = sseoe_type(landscape)
    response = client.post(reverse("orgs:org-type-suggest", args=[org_type.slug]), {**VALID, "website": "spam.example"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_csrf_is_required(landscape):
    """Without the CSRF token the form is refused."""
    org_type = sseoe_type(landscape)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("orgs:org-type-suggest", args=[org_type.slug]), VALID)
    assert response.status_code == 403
    assert not Suggestion.objects.exists()
    page = client.get(reverse("orgs:org-type-suggest", args=[org_type.slug])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_rate_limit_refuses_the_sixth_suggestion_in_an_hour(client, landscape):
    """Five suggestions an hour per address are stored; the sixth answers 429 and is not stored."""
    url = reverse("orgs:org-type-suggest", args=[sseoe_type(landscape).slug])
    for _ in range(5):
        assert client.post(url, VALID).status_code == 302
    response = client.post(url, VALID)
    assert response.status_code == 429
    assert "Too many suggestions" in response.content.decode()
    assert Suggestion.objects.count() == 5


def test_no_suggestion_form_for_drafts(client, landscape):
    """Draft records have no suggestion form."""
    draft = OrganizationType.objects.get(name=f"Secret Draft Type {landscape[0].code}")
    assert client.get(reverse("orgs:org-type-suggest", args=[draft.slug])).status_code == 404


def test_thanks_page_links_back_only_within_the_site(client, db):
    html = client.get(reverse("orgs:suggestion-thanks"), {"from": "//evil.example/"}).content.decode()
    assert "evil.example" not in html


def test_suggestion_form_query_count(client, django_assert_num_queries, landscape):
    """The form page loads its target in one query (plus the request's savepoint pair)."""
    org_type = sseoe_type(landscape)
    with django_assert_num_queries(3):
        html = client.get(reverse("orgs:org-type-suggest", args=[org_type.slug])).content.decode()
    assert org_type.name in html and 'class="hp"' in html
