from django.contrib import admin
from django.urls import include, path

from countries import admin_views

urlpatterns = [
    # The analysts' workflow (issue 6): staff pages next to the model admins.
    path("admin/review/", admin.site.admin_view(admin_views.review_queue), name="admin-review-queue"),
    path("admin/quality/", admin.site.admin_view(admin_views.quality_dashboard), name="admin-quality"),
    path("admin/dataset-export/", admin.site.admin_view(admin_views.dataset_export), name="admin-dataset-export"),
    path("admin/", admin.site.urls),
    path("", include("countries.urls")),
    path("", include("orgs.urls")),
]

# The partners' API (docs/api.md): every app's router under /api/v1/, one root listing them.
from drf_spectacular.views import (  # noqa: E402
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter  # noqa: E402

from countries.api.urls import router as countries_router  # noqa: E402
from orgs.api.urls import router as orgs_router  # noqa: E402
from sse_map.api.deletions import DeletionViewSet  # noqa: E402

api_router = DefaultRouter()
api_router.registry.extend(countries_router.registry)
api_router.registry.extend(orgs_router.registry)
api_router.register("deletions", DeletionViewSet, basename="deletion")

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *api_router.urls,
]
urlpatterns += [path("api/v1/", include((api_patterns, "api")))]

# Issue 8: a URL under /api/ that matches no endpoint (or a malformed key) is a JSON 404, not HTML.
# Only paths ending in "/": others get APPEND_SLASH's redirect first, as before.
from django.urls import re_path  # noqa: E402

from sse_map.api.exceptions import not_found  # noqa: E402

urlpatterns += [re_path(r"^api/[\s\S]*/\Z", not_found, name="api-not-found")]
