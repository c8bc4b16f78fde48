from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("types/<slug:slug>/", views.OrganizationTypeDetailView.as_view(), name="org-type-detail"),
    path("types/<slug:slug>/suggest/", views.OrganizationTypeSuggestionView.as_view(), name="org-type-suggest"),
    path("laws/<slug:slug>/suggest/", views.LawSuggestionView.as_view(), name="law-suggest"),
    path("suggestions/thanks/", views.SuggestionThanksView.as_view(), name="suggestion-thanks"),
    path("families/", views.FamilyListView.as_view(), name="family-list"),
    path("families/<slug:slug>/", views.FamilyDetailView.as_view(), name="family-detail"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
]
