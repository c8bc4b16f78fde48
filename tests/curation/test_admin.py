"""The curated admin: roles, change reasons, held edits, history and revert, spreadsheet import, review queue."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.choices import PublicationStatus as S
from countries.models import Country, Law, Revision, RevisionStatus
from curation import services
from orgs.models import OrganizationType, Reference, Suggestion
from tests.factories import LawFactory, LegalBasisFactory
from tests.fixtures.curation import make_user


def change_form_data(client, url):
    """The change form's current values, as the browser would post them back."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context.get("inline_admin_formsets", []):
        _formset_data(formset.formset, data)
    return data


def _formset_data(fs, data):
    """A formset's management form and rows, and those of the formsets nested in its rows (nested admin)."""
    data.update(
        {
            f"{fs.prefix}-TOTAL_FORMS": str(fs.total_form_count()),
            f"{fs.prefix}-INITIAL_FORMS": str(fs.initial_form_count()),
        }
    )
    for i, f in enumerate(fs.forms):
        for name in f.fields:
            v = f[name].value()
            if v is not None and not isinstance(v, bool):
                data[f"{fs.prefix}-{i}-{name}"] = str(v)
        for nested in getattr(f, "nested_formsets", []):
            _formset_data(nested, data)
    for nested in getattr(fs, "nested_formsets", []):  # the empty form's nested formsets
        if "-empty-" not in nested.prefix:
            _formset_data(nested, data)


# Roles ------------------------------------------------------------------------


def test_groups_exist_with_least_permissions(db):
    """The data migration creates Analyst and Editor; only Editor may publish or delete curated records."""
    analyst = set(Group.objects.get(name="Analyst").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_law", "change_law", "import_law", "view_law", "add_revision"} <= analyst
    assert not {c for c in analyst if c.startswith("publish_")}
    assert "delete_law" not in analyst and "delete_country" not in analyst
    # The method and sources: both roles propose (their writes are requests), only editors decide.
    assert {"add_feature", "change_feature", "change_subcondition", "change_family", "change_source"} <= analyst
    assert "delete_feature" not in analyst and "delete_source" not in analyst
    assert {
        "publish_law",
        "publish_country",
        "publish_organizationtype",
        "publish_statistic",
        "publish_source",
        "publish_feature",
        "publish_subcondition",
        "publish_family",
        "delete_law",
    } <= editor
    assert analyst < editor
    assert not any(c.endswith("_user") or c.endswith("_group") for c in editor)


@pytest.mark.parametrize(
    "url_name, analyst_status, editor_status",
    [
        ("admin:countries_law_add", 200, 200),
        ("admin:countries_law_changelist", 200, 200),
        ("admin:orgs_feature_add", 200, 200),  # a new feature is a request for review
        ("admin:orgs_feature_import", 403, 403),  # the method comes from fixtures/method.yaml
        ("admin:auth_user_changelist", 403, 403),
        ("admin:countries_law_import", 200, 200),
    ],
)
def test_what_each_role_can_open(client, analyst, editor, url_name, analyst_status, editor_status):
    for user, expected in ((analyst, analyst_status), (editor, editor_status)):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == expected, (user, url_name)


def law_actions(client):
    form = client.get(reverse("admin:countries_law_changelist")).context["action_form"]
    return [value for value, _ in form.fields["action"].choices]


def test_only_editors_may_delete_laws_and_see_publish_actions(client, curated, analyst, editor):
    law = curated["old"]
    client.force_login(analyst)
    assert client.get(reverse("admin:countries_law_delete", args=[law.pk])).status_code == 403
    actions = law_actions(client)
    assert "submit_for_review" in actions and "publish" not in actions
    client.force_login(editor)
    assert client.get(reverse("admin:countries_law_delete", args=[law.pk])).status_code == 200
    actions = law_actions(client)
    assert "publish" in actions and "archive" in actions


def test_publication_status_is_not_typed_in_the_form(client, curated, editor):
    """Even an editor cannot publish by editing the status field: it is read-only."""
    client.force_login(editor)
    response = client.get(reverse("admin:countries_law_add"))
    assert "publication_status" not in response.context["adminform"].form.fields


# Change reasons, held edits, history, revert ---------------------------------------


def test_an_edit_needs_a_change_reason(client, curated, editor):
    draft = curated["draft"]
    client.force_login(editor)
    url = reverse("admin:orgs_organizationtype_change", args=[draft.pk])
    data = change_form_data(client, url)
    data["name"] = "Renamed draft"
    data.pop("change_reason", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    assert OrganizationType.objects.get(pk=draft.pk).name == "Draft type"

    data["change_reason"] = "Name from the statute"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    draft.refresh_from_db()
    assert draft.name == "Renamed draft"
    row = draft.history.latest("history_date")
    assert (row.history_change_reason, row.history_user) == ("Name from the statute", editor)
    previous = row.prev_record
    delta = row.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Draft type", "Renamed draft")]


def test_editing_a_published_record_in_the_admin_holds_the_change(client, curated, analyst, editor2):
    """The save becomes a review request; approving it in the review queue applies it."""
    law = curated["new"]
    client.force_login(analyst)
    url = reverse("admin:countries_law_change", args=[law.pk])
    data = change_form_data(client, url)
    data["title"] = "Framework Act on SSE"
    data["change_reason"] = "Official English title"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "waits in the review queue" in response.content.decode()
    assert "was changed successfully" not in response.content.decode()
    assert "Change to a published record by anna on" in response.content.decode()  # the form's review state
    assert Law.objects.get(pk=law.pk).title == "SSE Law 2014"
    revision = Revision.objects.get(status=RevisionStatus.PENDING)
    assert revision.changes == {"title": "Framework Act on SSE"}

    queue = client.get(reverse("admin-review-queue"))
    assert "Framework" in queue.content.decode() and "You submitted this" in queue.content.decode()
    assert client.post(reverse("admin-review-queue"), {"revision": revision.pk, "action": "approve"}).status_code == 302
    assert Law.objects.get(pk=law.pk).title == "SSE Law 2014"  # the analyst cannot approve

    client.force_login(editor2)
    client.post(reverse("admin-review-queue"), {"revision": revision.pk, "action": "approve"})
    assert Law.objects.get(pk=law.pk).title == "Framework Act on SSE"


def test_evidence_of_a_published_type_changes_in_place_for_nobody(client, curated, analyst, editor):
    """A published type's references are read-only for analysts and editors alike (they change through review)."""
    row = Reference.objects.filter(assessment__org_type=curated["org_type"]).first()
    url = reverse("admin:orgs_reference_change", args=[row.pk])
    draft_row = Reference.objects.filter(assessment__org_type=curated["draft"]).first()
    for user in (analyst, editor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response.context["has_change_permission"] is False
        assert client.get(reverse("admin:orgs_reference_change", args=[draft_row.pk])).context["has_change_permission"]
    # A crafted POST is refused too, and the row is unchanged.
    quote = row.quote
    data = change_form_data(client, reverse("admin:orgs_reference_change", args=[draft_row.pk]))
    data.update(assessment=str(row.assessment_id), quote="Forged quote", change_reason="Sneak")
    client.post(url, data)
    row.refresh_from_db()
    assert row.quote == quote


def test_revert_to_an_earlier_version_from_the_history(client, curated, editor):
    """The history lists each version; reverting restores the old values, with a reason, as a new version."""
    law = LawFactory(slug="to-revert", country=curated["country"], title="Original title", publication_status=S.DRAFT)
    law.title = "Mistaken title"
    law._change_reason = "Bad edit"
    law.save()
    original = law.history.earliest("history_date")
    client.force_login(editor)
    history = client.get(reverse("admin:countries_law_history", args=[law.pk]))
    assert history.status_code == 200 and "Bad edit" in history.content.decode()
    url = reverse("admin:countries_law_simple_history", args=[law.pk, original.history_id])
    data = change_form_data(client, url)
    assert data["title"] == "Original title"
    data["change_reason"] = "Revert the bad edit"
    assert client.post(url, data).status_code == 302
    law.refresh_from_db()
    assert law.title == "Original title"
    assert law.history.latest("history_date").history_change_reason == "Revert the bad edit"


# Spreadsheet import in the admin ------------------------------------------------------


def _upload(client, url_name, content, name="countries.csv", fmt="0"):
    upload = io.BytesIO(content.encode())
    upload.name = name
    return client.post(reverse(url_name), {"import_file": upload, "format": fmt})


def _csv_format_index(client):
    form = client.get(reverse("admin:countries_country_import")).context["form"]
    return next(str(value) for value, label in form.fields["format"].choices if str(label).lower() == "csv")


def test_admin_import_previews_then_confirms_and_records_history(client, curated, editor):
    client.force_login(editor)
    csv = "code,name,slug,region,phase,publication_status\nDE,Germany,germany,east_asia,1,draft\n"
    response = _upload(client, "admin:countries_country_import", csv, fmt=_csv_format_index(client))
    assert response.status_code == 200
    result = response.context["result"]
    assert [row.import_type for row in result.rows] == ["new"]
    assert not Country.objects.filter(code="DE").exists()  # only a preview so far
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    client.post(reverse("admin:countries_country_process_import"), data)
    country = Country.objects.get(code="DE")
    row = country.history.latest("history_date")
    assert (row.history_change_reason, row.history_user) == ("Imported from countries.csv", editor)


def test_admin_import_shows_row_and_column_errors_and_writes_nothing(client, curated, editor):
    client.force_login(editor)
    csv = "code,name,slug,region,phase\nDE,Germany,germany,east_asia,1\nAT,Austria,austria,nowhere,1\n"
    response = _upload(client, "admin:countries_country_import", csv, fmt=_csv_format_index(client))
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2 and "region" in invalid.error_dict
    assert "nowhere" in response.content.decode()
    assert not Country.objects.filter(code__in=["DE", "AT"]).exists()


def test_import_needs_the_import_permission(client, curated):
    """A staff user who may edit laws but lacks import_law cannot open or post the import."""
    from django.contrib.auth.models import Permission

    user = make_user("clerk")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_law", "change_law"]))
    client.force_login(user)
    assert client.get(reverse("admin:countries_law_import")).status_code == 403
    assert _upload(client, "admin:countries_law_import", "slug,title\nx,y\n", name="laws.csv").status_code == 403
    assert client.get(reverse("admin:countries_law_changelist")).status_code == 200


def test_analyst_cannot_publish_by_file_and_a_published_change_is_held(client, curated, analyst):
    client.force_login(analyst)
    fmt = _csv_format_index(client)
    csv = "code,name,slug,region,phase,publication_status\nDE,Germany,germany,east_asia,1,published\n"
    result = _upload(client, "admin:countries_country_import", csv, fmt=fmt).context["result"]
    assert "A new row is imported as a draft" in str(result.invalid_rows[0].error_dict["publication_status"])
    csv = "code,name,slug,region,phase,narrative\nFR,France,france,east_asia,1,Changed\n"
    response = _upload(client, "admin:countries_country_import", csv, fmt=fmt)
    assert not response.context["result"].has_validation_errors()
    confirm = response.context["confirm_form"]
    client.post(reverse("admin:countries_country_process_import"), {n: confirm[n].value() for n in confirm.fields})
    assert Country.objects.get(code="FR").narrative == "Text."  # unchanged until approved
    revision = Revision.objects.get(status=RevisionStatus.PENDING, object_id=Country.objects.get(code="FR").pk)
    assert revision.changes == {"narrative": "Changed"} and revision.submitted_by == analyst
    csv = "code,name,slug,region,phase,publication_status\nFR,France,france,east_asia,1,archived\n"
    result = _upload(client, "admin:countries_country_import", csv, fmt=fmt).context["result"]
    assert "never changes a publication status" in str(result.invalid_rows[0].error_dict["publication_status"])


# Review queue ---------------------------------------------------------------------


def test_review_queue_lists_submissions_and_public_suggestions(client, curated, analyst, editor):
    services.record_submit_for_review(record=curated["draft"], user=analyst, reason="Please check D2")
    Suggestion.objects.create(org_type=curated["org_type"], message="The act was amended in 2020.")
    client.force_login(editor)
    page = client.get(reverse("admin-review-queue")).content.decode()
    assert "Please check D2" in page and "Draft type" in page
    assert "The act was amended in 2020." in page
    client.force_login(analyst)
    assert "You submitted this" in client.get(reverse("admin-review-queue")).content.decode()


def test_review_queue_reject_needs_a_note(client, curated, analyst, editor):
    services.record_submit_for_review(record=curated["draft"], user=analyst)
    revision = Revision.objects.get()
    client.force_login(editor)
    response = client.post(reverse("admin-review-queue"), {"revision": revision.pk, "action": "reject"}, follow=True)
    assert "Say what needs fixing" in response.content.decode()
    assert OrganizationType.objects.get(pk=curated["draft"].pk).publication_status == S.IN_REVIEW
    client.post(
        reverse("admin-review-queue"),
        {"revision": revision.pk, "action": "reject", "note": "Cite the article"},
    )
    assert OrganizationType.objects.get(pk=curated["draft"].pk).publication_status == S.DRAFT


def test_admin_actions_submit_and_publish(client, curated, analyst, editor):
    LegalBasisFactory(org_type=curated["draft"], law=curated["old"], provision="Art. 2")  # check_data: it needs one
    client.force_login(analyst)
    url = reverse("admin:orgs_organizationtype_changelist")
    client.post(url, {"action": "submit_for_review", "_selected_action": [curated["draft"].pk]})
    assert OrganizationType.objects.get(pk=curated["draft"].pk).publication_status == S.IN_REVIEW
    client.force_login(editor)
    client.post(url, {"action": "publish", "_selected_action": [curated["draft"].pk]})
    assert OrganizationType.objects.get(pk=curated["draft"].pk).publication_status == S.PUBLISHED
    assert curated["draft"] in OrganizationType.objects.public()


# Suggestions, whole-dataset download, public pages ------------------------------------


def test_suggestions_are_accepted_or_rejected_with_a_trace(client, curated, analyst):
    from curation import services as org_services

    keep = Suggestion.objects.create(org_type=curated["org_type"], message="Wrong year.")
    drop = Suggestion.objects.create(law=curated["old"], message="Spam.")
    org_services.suggestion_accept(suggestion=keep, user=analyst, note="Checked the gazette")
    with pytest.raises(Exception, match="Say why"):
        org_services.suggestion_reject(suggestion=drop, user=analyst, note="")
    client.force_login(analyst)
    client.post(reverse("admin:orgs_suggestion_changelist"), {"action": "reject", "_selected_action": [drop.pk]})
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.status, keep.reviewed_by, keep.review_note) == ("accepted", analyst, "Checked the gazette")
    assert (drop.status, drop.reviewed_by) == ("rejected", analyst)
    assert "Spam." not in client.get(reverse("admin-review-queue")).content.decode()


def test_whole_dataset_download_from_the_admin(client, curated, analyst):
    import json

    client.force_login(analyst)
    response = client.get(reverse("admin-dataset-export") + "?format=json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert set(data) == {
        "sources",
        "countries",
        "laws",
        "law-events",
        "org-types",
        "legal-bases",
        "assessments",
        "references",
        "statistics",
        "claims",
    }
    assert {row["slug"] for row in data["laws"]} == {"coop-act-1947", "sse-law-2014"}
    workbook = client.get(reverse("admin-dataset-export"))
    assert workbook.content[:2] == b"PK"  # an XLSX file is a zip archive


def test_the_public_page_shows_the_approved_version_until_a_change_is_approved(client, curated, analyst, editor):
    law = curated["old"]
    page = reverse("countries:law-detail", kwargs={"slug": law.slug})
    revision = services.revision_propose(record=law, user=analyst, values={"title": "Renamed Act"}, reason="x")
    assert "Renamed Act" not in client.get(page).content.decode()
    services.revision_approve(revision=revision, user=editor)
    assert "Renamed Act" in client.get(page).content.decode()
    services.record_archive(record=law, user=editor, reason="Withdrawn")
    assert client.get(page).status_code == 404


@pytest.mark.parametrize(
    "model_name",
    [
        "countries.source",
        "countries.country",
        "countries.law",
        "countries.statistic",
        "orgs.organizationtype",
        "orgs.reference",
        "orgs.assessment",
        "orgs.legalbasis",
        "countries.revision",
        "orgs.suggestion",
    ],
)
def test_every_curated_admin_page_renders(client, curated, editor, model_name):
    """Change list (with import/export buttons), add, change and history pages all render for an editor."""
    from django.apps import apps

    model = apps.get_model(model_name)
    app_label, name = model._meta.app_label, model._meta.model_name
    services.record_submit_for_review(record=curated["draft"], user=editor)
    Suggestion.objects.create(org_type=curated["org_type"], message="Check.")
    obj = model.objects.first()
    client.force_login(editor)
    changelist = client.get(reverse(f"admin:{app_label}_{name}_changelist"))
    assert changelist.status_code == 200
    if model_name not in ("countries.revision", "orgs.suggestion"):
        assert "Import" in changelist.content.decode() and "Export" in changelist.content.decode()
        # A type's six cells are made with the type (AssessmentAdmin has no add page: 403).
        assert client.get(reverse(f"admin:{app_label}_{name}_add")).status_code == (
            403 if model_name == "orgs.assessment" else 200
        )
        assert client.get(reverse(f"admin:{app_label}_{name}_history", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:{app_label}_{name}_export")).status_code == 200
    assert client.get(reverse(f"admin:{app_label}_{name}_change", args=[obj.pk])).status_code == 200


def test_admin_import_refuses_a_file_over_the_size_limit(client, curated, editor, settings):
    """The admin's upload has the commands' limit (SSE_MAP_IMPORT_MAX_BYTES): refused, named, nothing read."""
    settings.SSE_MAP_IMPORT_MAX_BYTES = 100
    client.force_login(editor)
    rows = "".join(f"D{i},Land {i},land-{i},east_asia,1,draft\n" for i in range(10))
    csv = "code,name,slug,region,phase,publication_status\n" + rows
    response = _upload(client, "admin:countries_country_import", csv, fmt=_csv_format_index(client))
    assert response.status_code == 200
    assert "result" not in response.context or response.context["result"] is None
    errors = response.context["form"].errors["import_file"]
    assert f"is {len(csv.encode()):,} bytes, over the 100-byte limit" in errors[0]
    assert "SSE_MAP_IMPORT_MAX_BYTES" in errors[0]
    assert not Country.objects.filter(slug__startswith="land-").exists()
