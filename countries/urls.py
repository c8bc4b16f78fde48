from django.urls import path

from . import views

app_name = "countries"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("laws/<slug:slug>/", views.LawDetailView.as_view(), name="law-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
]
