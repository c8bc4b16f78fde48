"""
Issue 15, gates: each rule is one function of ``curation.services`` (``quality_gate``,
``cross_country_errors``, ``near_duplicates`` through ``check_gates``), and every path obeys it:
the services, the admin (form, inline, list action, review queue), the API, the admin import and
the command import.
"""

import io

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from core.choices import PublicationStatus as S
from countries.models import Law, Revision, RevisionStatus
from curation import services
from curation.formats import resource_for
from orgs.models import LegalBasis, OrganizationType, Reference
from tests.api_helpers import API, errors
from tests.factories import CountryFactory, LawFactory, LegalBasisFactory
from tests.fixtures.curation import make_user

from .test_admin import change_form_data

pytestmark = pytest.mark.django_db


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, 'gates')[1]}")
    return client


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def csv_upload(rows, name="file.csv"):
    dataset = tablib.Dataset()
    dataset.dict = rows
    upload = io.BytesIO(dataset.export("csv").encode())
    upload.name = name
    return upload


def admin_import(client, model, rows):
    """Post ``rows`` to the model's admin import; return the preview response (nothing confirmed)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")
    form = client.get(url)
    fmt = next(str(v) for v, label in form.context["form"].fields["format"].choices if str(label).lower() == "csv")
    return client.post(url, {"import_file": csv_upload(rows), "format": fmt})


def admin_confirm(client, model, response):
    confirm = response.context["confirm_form"]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_process_import")
    return client.post(url, {n: confirm[n].value() for n in confirm.fields}, follow=True)


@pytest.fixture
def elsewhere(curated):
    """A law of another country (Germany)."""
    germany = CountryFactory(code="DE", name="Germany", slug="germany")
    return LawFactory(slug="de-coop-act", country=germany, title="Genossenschaftsgesetz")


# --- check_data errors refuse an approval or a publication ----------------------------------


def test_a_change_set_with_check_data_errors_is_not_approved(curated, analyst, editor):
    """Removing a reference's source leaves a check_data error: the approval is refused, naming it."""
    org_type = curated["org_type"]
    reference = Reference.objects.filter(assessment__org_type=org_type).first()
    source_id = reference.source_id
    reference.source = None
    revision = services.revision_propose(
        record=org_type, user=analyst, values={}, rows=[services.row_op(reference, "update")], reason="No source"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.revision_approve(revision=revision, user=editor)
    message = " ".join(excinfo.value.messages)
    assert "data-quality error" in message and "reference has no source" in message and str(reference) in message
    assert Reference.objects.get(pk=reference.pk).source_id == source_id
    assert Revision.objects.get(pk=revision.pk).status == RevisionStatus.PENDING


def test_the_review_queue_says_why_an_approval_is_refused(curated, analyst, editor):
    org_type = curated["org_type"]
    revision = services.revision_propose(
        record=org_type,
        user=analyst,
        values={},
        rows=[services.row_op(b, "delete") for b in LegalBasis.objects.filter(org_type=org_type)],
        reason="No law",
    )
    response = admin_client(editor).post(
        reverse("admin-review-queue"), {"revision": revision.pk, "action": "approve"}, follow=True
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Nothing changed" in shown and "published type has no governing law" in shown
    assert LegalBasis.objects.filter(org_type=org_type).exists()


def test_a_draft_with_check_data_errors_is_not_published_from_the_list(curated, analyst, editor):
    draft = curated["draft"]  # a type with a legal form and no legal basis
    services.record_submit_for_review(record=draft, user=analyst)
    client = admin_client(editor)
    url = reverse("admin:orgs_organizationtype_changelist")
    response = client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "published type has no governing law" in shown
    assert OrganizationType.objects.get(pk=draft.pk).publication_status == S.IN_REVIEW
    LegalBasisFactory(org_type=draft, law=curated["old"], provision="Art. 9")
    services.record_send_back(record=OrganizationType.objects.get(pk=draft.pk), user=editor, note="Add its law")
    services.record_submit_for_review(record=OrganizationType.objects.get(pk=draft.pk), user=analyst)
    client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    assert OrganizationType.objects.get(pk=draft.pk).publication_status == S.PUBLISHED


# --- cross-country citations, on create, on every path -----------------------------------


def test_the_services_refuse_a_legal_basis_on_another_countrys_law(curated, elsewhere, analyst):
    with pytest.raises(ValidationError, match="law"):
        services.record_create(
            record=LegalBasis(org_type=curated["draft"], law=elsewhere, provision="§1"), user=analyst
        )
    with pytest.raises(ValidationError, match="law"):
        services.record_create(record=LegalBasis(org_type=curated["draft"], law=elsewhere, provision="§1"), user=None)
    assert not LegalBasis.objects.filter(law=elsewhere).exists()


def test_a_change_set_citing_another_countrys_law_is_refused(curated, elsewhere, analyst):
    row = services.row_op(LegalBasis(org_type=curated["org_type"], law=elsewhere, provision="§1"), "create")
    with pytest.raises(ValidationError, match="law"):
        services.revision_propose(record=curated["org_type"], user=analyst, values={}, rows=[row], reason="x")
    assert not Revision.objects.filter(object_id=curated["org_type"].pk, kind="change").exists()


def test_a_type_cannot_move_to_another_country_while_it_cites_this_ones_laws(curated, elsewhere, analyst):
    draft = OrganizationType.objects.get(pk=curated["draft"].pk)
    draft.country = elsewhere.country
    with pytest.raises(ValidationError) as excinfo:
        services.record_update(record=draft, user=analyst, reason="Moved")
    assert "is a type of Germany; it cannot cite" in " ".join(excinfo.value.messages)
    assert OrganizationType.objects.get(pk=draft.pk).country == curated["country"]


def test_the_admin_refuses_another_countrys_law_in_the_form_and_the_inline(curated, elsewhere, analyst):
    client = admin_client(analyst)
    draft = curated["draft"]
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    data = change_form_data(client, url)
    data.update(country=str(elsewhere.country.pk), change_reason="Moved")
    response = client.post(url, data)
    assert response.status_code == 200 and "it cannot cite" in response.content.decode()
    assert OrganizationType.objects.get(pk=draft.pk).country == curated["country"]
    add = reverse("admin:orgs_legalbasis_add")
    response = client.post(add, {"org_type": draft.pk, "law": elsewhere.pk, "provision": "§1", "change_reason": "x"})
    assert response.status_code == 200
    assert not LegalBasis.objects.filter(law=elsewhere).exists()


def test_imports_refuse_another_countrys_law(curated, elsewhere, analyst, tmp_path):
    rows = [{"org_type": curated["draft"].slug, "law": elsewhere.slug, "provision": "§1"}]
    response = admin_import(admin_client(analyst), LegalBasis, rows)
    assert "it cannot cite" in response.content.decode()
    path = tmp_path / "legal-bases.csv"
    path.write_bytes(csv_upload(rows).getvalue())
    with pytest.raises(CommandError, match="it cannot cite"):
        call_command("import_data", "legal-bases", str(path), verbosity=0)
    assert not LegalBasis.objects.filter(law=elsewhere).exists()


def test_the_api_refuses_moving_a_type_to_another_country(curated, elsewhere, editor):
    response = api_client(editor).patch(
        f"{API}org-types/{curated['draft'].slug}/", {"country": "DE"}, format="json", HTTP_X_CHANGE_REASON="Moved"
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert "it cannot cite" in str(errors(response))
    assert OrganizationType.objects.get(pk=curated["draft"].pk).country == curated["country"]


# --- near-duplicates: refused, or accepted with a reason kept in history ---------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  sse   LAW 2014 "}, "title"),  # case and spaces folded, same kind
        ({"title": "Another title", "citation": "ACT no 8217"}, "citation"),  # the same law number
    ],
)
def test_the_services_refuse_a_near_duplicate_law(curated, analyst, values, field):
    Law.objects.filter(pk=curated["new"].pk).update(citation="Act No. 8217")
    law = Law(slug="dup-law", country=curated["country"], kind="act", **values)
    with pytest.raises(ValidationError) as excinfo:
        services.record_create(record=law, user=analyst)
    assert field in excinfo.value.message_dict
    assert "sse-law-2014" in " ".join(excinfo.value.message_dict[field])
    assert not Law.objects.filter(slug="dup-law").exists()


def test_a_law_of_another_kind_or_country_is_not_a_duplicate(curated, elsewhere, analyst):
    services.record_create(
        record=Law(slug="sse-decree", country=curated["country"], kind="decree", title="SSE law 2014"), user=analyst
    )
    services.record_create(
        record=Law(slug="de-sse", country=elsewhere.country, kind="act", title="SSE Law 2014"), user=analyst
    )
    assert Law.objects.filter(slug__in=["sse-decree", "de-sse"]).count() == 2


def test_an_override_with_a_reason_accepts_a_duplicate_and_history_keeps_it(curated, analyst):
    law = Law(slug="dup-law", country=curated["country"], kind="act", title="SSE law 2014")
    services.record_create(record=law, user=analyst, duplicate_override="A second law of the same name, 2019")
    reason = Law.objects.get(slug="dup-law").history.latest().history_change_reason
    assert reason.startswith("Duplicate accepted (A second law of the same name, 2019)")


def test_a_change_set_renaming_to_a_duplicate_is_refused_or_carries_its_override(curated, analyst, editor):
    law = curated["old"]
    with pytest.raises(ValidationError, match="already has this title"):
        services.revision_propose(record=law, user=analyst, values={"title": "SSE LAW 2014"}, reason="x")
    revision = services.revision_propose(
        record=law, user=analyst, values={"title": "SSE LAW 2014"}, reason="x", duplicate_override="Two laws"
    )
    assert revision.duplicate_override == "Two laws"
    services.revision_approve(revision=revision, user=editor)
    assert "Duplicate accepted (Two laws)" in Law.objects.get(pk=law.pk).history.latest().history_change_reason


def test_the_admin_form_refuses_a_duplicate_unless_ticked_with_a_reason(curated, analyst):
    client = admin_client(analyst)
    draft = curated["draft"]
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    data = change_form_data(client, url)
    data.update(name="  scop ", change_reason="Renamed")
    response = client.post(url, data)
    assert response.status_code == 200 and "already has this name" in response.content.decode()
    data["duplicate_override"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200 and "Say why this record is not a duplicate" in response.content.decode()
    data["duplicate_override_reason"] = "Another SCOP, under the 1978 law"
    assert client.post(url, data).status_code == 302
    draft = OrganizationType.objects.get(pk=draft.pk)
    assert draft.name == "scop"
    assert "Another SCOP, under the 1978 law" in draft.history.latest().history_change_reason


def test_the_api_refuses_a_duplicate_unless_a_reason_is_given(curated, editor):
    client = api_client(editor)
    body = {"slug": "dup-law", "title": "sse law 2014", "country": "FR", "kind": "act"}
    response = client.post(f"{API}laws/", body, format="json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert "already has this title" in str(errors(response)["title"])
    response = client.post(f"{API}laws/", {**body, "duplicate_override_reason": "Two laws"}, format="json")
    assert response.status_code == 201
    assert "Duplicate accepted (Two laws)" in Law.objects.get(slug="dup-law").history.latest().history_change_reason


def _type_row(curated, **values):
    row = dict(resource_for("org-types").export(OrganizationType.objects.filter(pk=curated["draft"].pk)).dict[0])
    row.update(slug="dup-type", name="SCOP ", publication_status="draft", **values)
    return row


def test_the_admin_import_refuses_a_duplicate_unless_its_column_says_why(curated, analyst):
    client = admin_client(analyst)
    response = admin_import(client, OrganizationType, [_type_row(curated)])
    assert "already has this name" in response.content.decode()
    assert response.context.get("confirm_form") is None
    response = admin_import(client, OrganizationType, [_type_row(curated, duplicate_override_reason="Two SCOPs")])
    admin_confirm(client, OrganizationType, response)
    created = OrganizationType.objects.get(slug="dup-type")
    assert "Duplicate accepted (Two SCOPs)" in created.history.latest().history_change_reason


def test_the_command_import_refuses_a_duplicate_unless_its_column_says_why(curated, tmp_path):
    path = tmp_path / "org-types.csv"
    path.write_bytes(csv_upload([_type_row(curated)]).getvalue())
    with pytest.raises(CommandError, match="already has this name"):
        call_command("import_data", "org-types", str(path), verbosity=0)
    path.write_bytes(csv_upload([_type_row(curated, duplicate_override_reason="Two SCOPs")]).getvalue())
    call_command("import_data", "org-types", str(path), verbosity=0)
    assert OrganizationType.objects.filter(slug="dup-type").exists()


def test_an_unchanged_published_row_is_not_checked_again(curated, analyst):
    """A re-import of what is stored: no duplicate refusal for a record against itself, nothing proposed."""
    make_user("other", "Editor")
    rows = resource_for("laws").export().dict
    result = resource_for("laws").import_data(tablib.Dataset().load(_csv(rows), format="csv"), user=analyst)
    assert not result.has_errors() and not result.has_validation_errors()
    assert not Revision.objects.filter(kind="change").exists()


def _csv(rows):
    dataset = tablib.Dataset()
    dataset.dict = rows
    return dataset.export("csv")
