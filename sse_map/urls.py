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
