from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("types/<slug:slug>/", views.OrganizationTypeDetailView.as_view(), name="org-type-detail"),
    path("families/<slug:slug>/", views.FamilyDetailView.as_view(), name="family-detail"),
]
