"""
The public pages' URLs. Two namespaces, as the pages have always been named:
``countries`` (home, map, countries, laws, compare, search, downloads, sources) and
``orgs`` (types, families, the method, suggestions).
"""

from django.urls import include, path

from . import views

country_patterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("map/countries.geojson", views.MapDataView.as_view(), name="map-data"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("laws/<slug:slug>/", views.LawDetailView.as_view(), name="law-detail"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("downloads/", views.DownloadsView.as_view(), name="downloads"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("embed/map/", views.EmbedMapView.as_view(), name="embed-map"),
    path("embed/countries/<slug:slug>/", views.EmbedCountryChartsView.as_view(), name="embed-country"),
    path("challenges/", views.ChallengeListView.as_view(), name="challenge-list"),
    path("challenges/<slug:slug>/", views.ChallengeDetailView.as_view(), name="challenge-detail"),
]

org_patterns = [
    path("types/<slug:slug>/", views.OrganizationTypeDetailView.as_view(), name="org-type-detail"),
    path("types/<slug:slug>/suggest/", views.OrganizationTypeSuggestionView.as_view(), name="org-type-suggest"),
    path("laws/<slug:slug>/suggest/", views.LawSuggestionView.as_view(), name="law-suggest"),
    path("suggestions/thanks/", views.SuggestionThanksView.as_view(), name="suggestion-thanks"),
    path("families/", views.FamilyListView.as_view(), name="family-list"),
    path("families/<slug:slug>/", views.FamilyDetailView.as_view(), name="family-detail"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
]

urlpatterns = [
    path("", include((country_patterns, "countries"))),
    path("", include((org_patterns, "orgs"))),
]
