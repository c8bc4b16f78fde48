"""The admin of countries, laws and their events, statistics, sources and review requests."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from countries.models import Country, Law, LawEvent, Revision, RevisionKind, Source, Statistic
from curation import services
from curation.resources import CountryResource, LawEventResource, LawResource, SourceResource, StatisticResource

from .base import CuratedAdmin, LockedWhenParentPublishedInline


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    resource_classes = [SourceResource]
    list_display = ["title", "publisher", "year", "kind", "url"]
    list_filter = ["kind", "year"]
    search_fields = ["slug", "title", "publisher", "url"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Country)
class CountryAdmin(CuratedAdmin):
    resource_classes = [CountryResource]
    list_display = ["name", "code", "region", "phase", "publication_status", "last_verified", "updated_at"]
    list_filter = ["publication_status", "region", "phase"]
    search_fields = ["name", "local_name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["narrative_sources"]


class LawEventInline(LockedWhenParentPublishedInline, admin.TabularInline):
    model = LawEvent
    fk_name = "law"
    extra = 0
    autocomplete_fields = ["related_law", "source"]
    fields = ["date", "date_precision", "kind", "related_law", "reference", "note", "source", "verification"]


@admin.register(Law)
class LawAdmin(CuratedAdmin):
    resource_classes = [LawResource, LawEventResource]
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
class StatisticAdmin(CuratedAdmin):
    resource_classes = [StatisticResource]
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


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Review requests, read-only: they are decided in the review queue (admin/review/)."""

    list_display = ["submitted_at", "kind", "record_link", "status", "submitted_by", "reason", "decided_by"]
    list_filter = ["status", "kind", "content_type"]
    search_fields = ["reason", "decision_note"]
    list_select_related = ["content_type", "submitted_by", "decided_by"]
    fields = [
        "kind",
        "record_link",
        "status",
        "reason",
        "proposed_changes",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        """A curator limited to some countries lists and opens only their countries' requests."""
        return services.scoped_requests(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Record")
    def record_link(self, obj):
        record = services.revision_subject(obj)
        if record is None:
            return "(deleted)"
        if record.pk is None:
            return f"New {record._meta.verbose_name}: {record}"
        opts = record._meta
        return format_html(
            '<a href="{}">{}</a>', f"/admin/{opts.app_label}/{opts.model_name}/{record.pk}/change/", record
        )

    @admin.display(description="The change set (old → proposed; changed words marked)")
    def proposed_changes(self, obj):
        if services.revision_subject(obj) is None and obj.kind != RevisionKind.DELETION:
            return "—"
        if not (obj.changes or obj.rows or obj.old_values):
            return "—"
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td><td>→ {}</td></tr>",
                ((what, mark_safe(old), mark_safe(new)) for what, _, _, old, new in services.revision_diff(obj)),
            ),
        )
