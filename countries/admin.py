from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Country, Law, LawEvent, Source, Statistic


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "year", "kind", "url"]
    list_filter = ["kind", "year"]
    search_fields = ["slug", "title", "publisher", "url"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "region", "phase", "publication_status", "last_verified", "updated_at"]
    list_filter = ["publication_status", "region", "phase"]
    search_fields = ["name", "local_name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["narrative_sources"]


class LawEventInline(admin.TabularInline):
    model = LawEvent
    fk_name = "law"
    extra = 0
    autocomplete_fields = ["related_law", "source"]
    fields = ["date", "date_precision", "kind", "related_law", "reference", "note", "source", "verification"]


@admin.register(Law)
class LawAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "citation",
        "country",
        "kind",
        "status",
        "enacted_on",
        "verification",
        "publication_status",
    ]
    list_filter = ["country", "kind", "status", "verification", "publication_status"]
    search_fields = ["slug", "title", "local_title", "short_title", "citation"]
    list_select_related = ["country"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["source", "amends", "replaces"]
    inlines = [LawEventInline]
    date_hierarchy = "enacted_on"


@admin.register(Statistic)
class StatisticAdmin(SimpleHistoryAdmin):
    list_display = [
        "label",
        "country",
        "indicator",
        "value",
        "unit",
        "year",
        "verification",
        "publication_status",
    ]
    list_filter = ["country", "indicator", "verification", "publication_status"]
    search_fields = ["slug", "label", "note"]
    list_select_related = ["country", "org_type"]
    autocomplete_fields = ["org_type", "source"]
