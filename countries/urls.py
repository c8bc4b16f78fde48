from django.urls import path

from . import views

app_name = "countries"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("map/countries.geojson", views.MapDataView.as_view(), name="map-data"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("laws/<slug:slug>/", views.LawDetailView.as_view(), name="law-detail"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("downloads/", views.DownloadsView.as_view(), name="downloads"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
]
