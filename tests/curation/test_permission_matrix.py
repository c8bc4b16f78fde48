"""
The permission matrix (issue 8, point 10): every API endpoint × role × method,
and every admin page × role, against an expected status written as a table.

Roles: ``anonymous``; ``reader`` (a token, no permission); ``analyst`` and
``editor`` (the groups of ``orgs/migrations/0003``, with a token and staff
status); ``admin`` (superuser). The detail target of every publishable model
is a *draft*, so the ``GET detail`` column also proves that drafts reach only
those holding the model's view permission (404 for everyone else); the
draft-leak test below checks lists and CSV too.

Writes send an empty body: an authorised POST is then a 400 (validation, after
the permission check), an unauthorised one a 401/403 before any validation.
PATCH ``{}`` on a draft is a 200; DELETE of the (dependency-free) target a 204. Sources and the
method take every write as a request for review: PATCH ``{}`` proposes nothing (409), DELETE is a
request (202).
Set ``SSE_MAP_PRINT_MATRIX=1`` to print the observed tables.
"""

import os

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tokens import create_token
from core.choices import PublicationStatus
from orgs.models import Claim, Feature, SubCondition
from tests.factories import (
    CountryFactory,
    FamilyFactory,
    LawFactory,
    LegalBasisFactory,
    OrganizationTypeFactory,
    ReferenceFactory,
    SourceFactory,
    StatisticFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "analyst", "editor", "admin"]
DRAFT = PublicationStatus.DRAFT

# --- The API -------------------------------------------------------------------------------
# GET list, GET detail (a draft where the model has drafts), POST {}, PATCH {} and DELETE on the detail.
# "-": no such URL (list-only endpoints take writes on the list URL, which answers 405 once allowed).
API_MATRIX = """
endpoint        role       list  detail  POST  PATCH  DELETE
countries       anonymous  200   404     401   401    401
countries       reader     200   404     403   403    403
countries       analyst    200   200     400   200    403
countries       editor     200   200     400   200    204
countries       admin      200   200     400   200    204
laws            anonymous  200   404     401   401    401
laws            reader     200   404     403   403    403
laws            analyst    200   200     400   200    403
laws            editor     200   200     400   200    204
laws            admin      200   200     400   200    204
statistics      anonymous  200   404     401   401    401
statistics      reader     200   404     403   403    403
statistics      analyst    200   200     400   200    403
statistics      editor     200   200     400   200    204
statistics      admin      200   200     400   200    204
org-types       anonymous  200   404     401   401    401
org-types       reader     200   404     403   403    403
org-types       analyst    200   200     400   200    403
org-types       editor     200   200     400   200    204
org-types       admin      200   200     400   200    204
sources         anonymous  200   200     401   401    401
sources         reader     200   200     403   403    403
sources         analyst    200   200     400   409    403
sources         editor     200   200     400   409    202
sources         admin      200   200     400   409    202
families        anonymous  200   200     401   401    401
families        reader     200   200     403   403    403
families        analyst    200   200     400   409    403
families        editor     200   200     400   409    202
families        admin      200   200     400   409    202
features        anonymous  200   200     401   401    401
features        reader     200   200     403   403    403
features        analyst    200   200     400   409    403
features        editor     200   200     400   409    202
features        admin      200   200     400   409    202
sub-conditions  anonymous  200   200     401   401    401
sub-conditions  reader     200   200     403   403    403
sub-conditions  analyst    200   200     400   409    403
sub-conditions  editor     200   200     400   409    202
sub-conditions  admin      200   200     400   409    202
classification  anonymous  200   -       401   401    401
classification  reader     200   -       403   403    403
classification  analyst    200   -       405   405    403
classification  editor     200   -       405   405    405
classification  admin      200   -       405   405    405
deletions       anonymous  200   -       401   401    401
deletions       reader     200   -       403   403    403
deletions       analyst    200   -       403   403    403
deletions       editor     200   -       403   403    403
deletions       admin      200   -       405   405    405
assessments     anonymous  200   404     401   401    401
assessments     reader     200   404     403   403    403
assessments     analyst    200   200     405   405    403
assessments     editor     200   200     405   405    403
assessments     admin      200   200     405   405    405
releases        anonymous  200   -       401   401    401
releases        reader     200   -       403   403    403
releases        analyst    200   -       403   403    403
releases        editor     200   -       403   403    403
releases        admin      200   -       405   405    405
"""


def parse(table):
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return [dict(zip(header, row, strict=True)) for row in rows]


def user_for(role):
    if role == "anonymous":
        return None
    user = User.objects.create_user(
        f"{role}-user", password="not-used-here-123", is_staff=role != "reader", is_superuser=role == "admin"
    )
    if role in ("analyst", "editor"):
        user.groups.add(Group.objects.get(name=role.capitalize()))
    return User.objects.get(pk=user.pk)


def api_client(user):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(user, 'test')[1]}")
    return client


def method_target(model, **fields):
    """A fresh method record (no sub-conditions or evidence depend on it) copied from a stored one."""
    template = model.objects.order_by("pk").first()
    values = {f.name: getattr(template, f.name) for f in model._meta.concrete_fields if not f.primary_key}
    values.update(fields)
    return model.objects.create(**values)


# endpoint -> a function creating the detail target and returning its lookup value.
TARGETS = {
    "countries": lambda: CountryFactory(code="DE", slug="draft-de", publication_status=DRAFT).code,
    "laws": lambda: LawFactory(slug="draft-law", publication_status=DRAFT).slug,
    "statistics": lambda: StatisticFactory(slug="draft-stat", publication_status=DRAFT).slug,
    "org-types": lambda: OrganizationTypeFactory(slug="draft-type", publication_status=DRAFT).slug,
    "sources": lambda: SourceFactory(slug="a-source").slug,
    "families": lambda: FamilyFactory(slug="a-family").slug,
    "features": lambda: method_target(Feature, code="test-feature", name="Test feature").code,
    "sub-conditions": lambda: method_target(SubCondition, code="test-sub", short_code="Z9", name="Test sub").code,
    # A cell of a draft type: ``<type slug>.<short code>``.
    "assessments": lambda: f"{OrganizationTypeFactory(slug='draft-cells', publication_status=DRAFT).slug}.S1",
}


def observe_api(endpoint, role):
    client = api_client(user_for(role))
    base = f"/api/v1/{endpoint}/"
    observed = {"list": client.get(base).status_code}
    if endpoint in TARGETS:
        detail = f"{base}{TARGETS[endpoint]()}/"
        observed["detail"] = client.get(detail).status_code
    else:
        detail = base
        observed["detail"] = "-"
    observed["POST"] = client.post(base, {}, format="json").status_code
    observed["PATCH"] = client.patch(detail, {}, format="json").status_code
    observed["DELETE"] = client.delete(detail).status_code
    for response_code in observed.values():
        assert response_code == "-" or response_code < 500
    return {key: str(value) for key, value in observed.items()}


@pytest.mark.parametrize("row", parse(API_MATRIX), ids=lambda row: f"{row['endpoint']}-{row['role']}")
def test_api_permission_matrix(row):
    """Each endpoint answers each role's GET/POST/PATCH/DELETE with the status in API_MATRIX."""
    observed = observe_api(row["endpoint"], row["role"])
    expected = {key: row[key] for key in ("list", "detail", "POST", "PATCH", "DELETE")}
    if os.environ.get("SSE_MAP_PRINT_MATRIX"):
        print(f"\nMATRIX {row['endpoint']:<15} {row['role']:<10} " + "  ".join(observed.values()))
    assert observed == expected


def test_every_api_endpoint_is_in_the_matrix():
    """A new endpoint cannot slip past the matrix: the router's endpoints are exactly the table's."""
    from sse_map.urls import api_router

    assert {prefix for prefix, _, _ in api_router.registry} == {row["endpoint"] for row in parse(API_MATRIX)}
    assert {row["role"] for row in parse(API_MATRIX)} == set(ROLES)


@pytest.mark.parametrize("role", ["anonymous", "reader"])
@pytest.mark.parametrize("endpoint", ["countries", "laws", "statistics", "org-types"])
def test_drafts_never_reach_readers_without_the_view_permission(role, endpoint):
    """A draft is in no list, CSV, search or detail for someone without the model's view permission."""
    key = str(TARGETS[endpoint]())
    client = api_client(user_for(role))
    for query in ("", "?format=csv", "?format=csv&all=true", "?search=draft", "?page_size=100"):
        response = client.get(f"/api/v1/{endpoint}/{query}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert f'"{key}"'.encode() not in body and f"/{key}/".encode() not in body, (endpoint, query)
        assert b"draft-" not in body
    assert client.get(f"/api/v1/{endpoint}/{key}/?format=csv").status_code == 404


# --- The admin -----------------------------------------------------------------------------
# Pages of every registered model (list, add, change and delete of one record) and the workflow pages.
# anonymous and reader (not staff) are sent to the login page (302) everywhere.
ADMIN_MATRIX = """
page                          analyst  editor  admin
index                         200      200     200
review-queue                  200      200     200
quality                       200      200     200
dataset-export                200      200     200
my-submissions                200      200     200
audit-log                     403      200     200
curation.countryscope:list    403      403     200
curation.countryscope:add     403      403     200
curation.comment:list         403      403     200
auth.group:list               403      403     200
auth.group:add                403      403     200
auth.user:list                403      403     200
auth.user:add                 403      403     200
auth.user:change              403      403     200
accounts.apitoken:list        403      403     200
axes.accessattempt:list       403      403     200
axes.accessfailurelog:list    403      403     200
axes.accesslog:list           403      403     200
countries.source:list         200      200     200
countries.source:add          200      200     200
countries.source:change       200      200     200
countries.source:delete       403      200     200
countries.country:list        200      200     200
countries.country:add         200      200     200
countries.country:change      200      200     200
countries.country:delete      403      200     200
countries.country:import      200      200     200
countries.law:list            200      200     200
countries.law:add             200      200     200
countries.law:change          200      200     200
countries.law:delete          403      200     200
countries.law:import          200      200     200
countries.law:export          200      200     200
countries.statistic:list      200      200     200
countries.statistic:add       200      200     200
countries.statistic:change    200      200     200
countries.statistic:delete    403      200     200
countries.revision:list       200      200     200
orgs.feature:list             200      200     200
orgs.feature:add              200      200     200
orgs.feature:change           200      200     200
orgs.feature:delete           403      200     200
orgs.subcondition:list        200      200     200
orgs.subcondition:add         200      200     200
orgs.family:list              200      200     200
orgs.family:add               200      200     200
orgs.family:change            200      200     200
orgs.family:delete            403      200     200
orgs.organizationtype:list    200      200     200
orgs.organizationtype:add     200      200     200
orgs.organizationtype:change  200      200     200
orgs.organizationtype:delete  403      200     200
orgs.reference:list           200      200     200
orgs.reference:add            200      200     200
orgs.reference:change         200      200     200
orgs.reference:delete         200      200     200
orgs.assessment:list          200      200     200
orgs.assessment:add           403      403     403
orgs.assessment:change        200      200     200
orgs.assessment:delete        403      403     403
orgs.claim:list               200      200     200
orgs.claim:add                200      200     200
orgs.claim:change             200      200     200
orgs.claim:delete             403      200     200
orgs.legalbasis:list          200      200     200
orgs.legalbasis:change        200      200     200
orgs.legalbasis:delete        200      200     200
orgs.suggestion:list          200      200     200
orgs.suggestion:add           403      403     200
releases.release:list         200      200     200
releases.release:add          403      200     200
"""

WORKFLOW_PAGES = {
    "index": "admin:index",
    "review-queue": "admin-review-queue",
    "quality": "admin-quality",
    "dataset-export": "admin-dataset-export",
    "my-submissions": "admin-my-submissions",
    "audit-log": "admin-audit-log",
}


def admin_objects():
    """One draft record per model whose change/delete pages are walked."""
    org_type = OrganizationTypeFactory(slug="draft-type", publication_status=DRAFT)
    law = LawFactory(slug="draft-law", country=org_type.country, publication_status=DRAFT)
    return {
        "auth.user": User.objects.create_user("someone", password="not-used-here-123"),
        "countries.source": SourceFactory(slug="a-source"),
        "countries.country": CountryFactory(code="DE", slug="draft-de", publication_status=DRAFT),
        "countries.law": law,
        "countries.statistic": StatisticFactory(slug="draft-stat", publication_status=DRAFT),
        "orgs.feature": method_target(Feature, code="test-feature", name="Test feature"),
        "orgs.family": FamilyFactory(slug="a-family"),
        "orgs.organizationtype": org_type,
        "orgs.reference": (reference := ReferenceFactory(org_type=org_type, law=law)),
        "orgs.assessment": reference.assessment,
        "orgs.claim": Claim.objects.create(
            slug="a-claim", country=org_type.country, org_type=org_type, statement="S.", source=SourceFactory()
        ),
        "orgs.legalbasis": LegalBasisFactory(org_type=org_type, law=law),
    }


def admin_url(page, objects):
    if page in WORKFLOW_PAGES:
        return reverse(WORKFLOW_PAGES[page])
    label, action = page.split(":")
    app, model = label.split(".")
    if action == "list":
        return reverse(f"admin:{app}_{model}_changelist")
    if action in ("add", "import", "export"):
        return reverse(f"admin:{app}_{model}_{action}")
    return reverse(f"admin:{app}_{model}_{action}", args=[objects[label].pk])


@pytest.mark.parametrize("role", ROLES)
def test_admin_permission_matrix(client, role):
    """Every admin page in ADMIN_MATRIX answers each role with the expected status; outsiders go to login."""
    objects = admin_objects()
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    observed, expected = {}, {}
    for row in parse(ADMIN_MATRIX):
        response = client.get(admin_url(row["page"], objects))
        observed[row["page"]] = response.status_code
        if role in ("anonymous", "reader"):
            expected[row["page"]] = 302
            assert response.status_code != 302 or "/admin/login/" in response["Location"]
        else:
            expected[row["page"]] = int(row[role])
    if os.environ.get("SSE_MAP_PRINT_MATRIX"):
        print("\n" + "\n".join(f"ADMIN {role:<10} {page:<30} {status}" for page, status in observed.items()))
    assert observed == expected


def test_every_admin_model_is_in_the_matrix():
    """Each registered admin model has at least its list page in ADMIN_MATRIX."""
    pages = {row["page"] for row in parse(ADMIN_MATRIX)}
    assert {f"{model._meta.label_lower}:list" for model in admin.site._registry} <= pages
