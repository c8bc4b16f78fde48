"""The admin of per-country roles (``curation.models.CountryScope``): editable by whoever manages users."""

from django.contrib import admin

from curation.models import CountryScope


@admin.register(CountryScope)
class CountryScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "countries_shown", "note")
    search_fields = ("user__username", "countries__name", "countries__code")
    filter_horizontal = ("countries",)
    autocomplete_fields = ("user",)

    @admin.display(description="countries")
    def countries_shown(self, obj):
        return ", ".join(c.code for c in obj.countries.all()) or "all"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("countries")
