"""
The project's URLs: the admin and the analysts' staff pages, the partners' API under
``/api/v1/``, and the public pages.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from core.api.docs import RedocView
from core.api.exceptions import not_found
from core.api.jsonld import context_view as jsonld_context
from countries.api.views import law_by_id
from curation import views as curation_views
from curation.api import views as curated
from curation.api.audit import AuditViewSet
from curation.api.deletions import DeletionViewSet
from ops.health import healthz, readyz
from orgs.api.views import AssessmentViewSet, ClassificationViewSet
from releases.api import ReleaseViewSet, release_file
from releases.datapackage import DataPackage

# The partners' API (docs/api.md): one router, one root listing every endpoint.
api_router = DefaultRouter()
api_router.register("countries", curated.CountryViewSet, basename="country")
api_router.register("laws", curated.LawViewSet, basename="law")
api_router.register("statistics", curated.StatisticViewSet, basename="statistic")
api_router.register("sources", curated.SourceViewSet, basename="source")
api_router.register("org-types", curated.OrganizationTypeViewSet, basename="org-type")
api_router.register("families", curated.FamilyViewSet, basename="family")
api_router.register("features", curated.FeatureViewSet, basename="feature")
api_router.register("sub-conditions", curated.SubConditionViewSet, basename="sub-condition")
api_router.register("assessments", AssessmentViewSet, basename="assessment")
api_router.register("classification", ClassificationViewSet, basename="classification")
api_router.register("deletions", DeletionViewSet, basename="deletion")
api_router.register("releases", ReleaseViewSet, basename="release")

# The whole dataset as a Frictionless Data Package (releases/datapackage.py).
datapackage = DataPackage()

api_patterns = [
    path("datapackage.json", datapackage.json, name="datapackage"),
    path("datapackage.zip", datapackage.zip, name="datapackage-zip"),
    path("dataset.xlsx", datapackage.xlsx, name="dataset-xlsx"),
    path("datapackage/<slug:name>.csv", datapackage.table, name="datapackage-table"),
    # A release's files, the bytes cut (releases/api.py).
    path(
        "releases/<str:version>/datapackage.zip",
        release_file,
        {"kind": "datapackage"},
        name="release-datapackage",
    ),
    path("releases/<str:version>/dataset.xlsx", release_file, {"kind": "xlsx"}, name="release-xlsx"),
    # Our JSON-LD context: the terms of format=jsonld mapped to schema.org (core/api/jsonld.py).
    path("context.jsonld", jsonld_context, name="jsonld-context"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    # The first edition looked laws up by id: a permanent redirect to the law's slug.
    re_path(r"^laws/(?P<pk>[0-9]+)/\Z", law_by_id, name="law-by-id"),
    # The audit log for editors (curation/api/audit.py); not in the router, so not in the data package.
    path("audit/", AuditViewSet.as_view({"get": "list"}), name="audit-list"),
    *api_router.urls,
]

urlpatterns = [
    # Liveness and readiness probes (ops/health.py).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # The analysts' workflow: staff pages next to the model admins.
    path("admin/review/", admin.site.admin_view(curation_views.review_queue), name="admin-review-queue"),
    path("admin/audit/", admin.site.admin_view(curation_views.audit_log), name="admin-audit-log"),
    path("admin/my-submissions/", admin.site.admin_view(curation_views.my_submissions), name="admin-my-submissions"),
    path("admin/quality/", admin.site.admin_view(curation_views.quality_dashboard), name="admin-quality"),
    path(
        "admin/dataset-export/",
        admin.site.admin_view(curation_views.dataset_export),
        name="admin-dataset-export",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_patterns, "api"))),
    # A URL under /api/ that matches no endpoint (or a malformed key) is a JSON 404, not HTML.
    # Only paths ending in "/": others get APPEND_SLASH's redirect first.
    re_path(r"^api/[\s\S]*/\Z", not_found, name="api-not-found"),
]
# The public pages in every language: English unprefixed, the others under /<code>/.
urlpatterns += i18n_patterns(path("", include("public.urls")), prefix_default_language=False)
