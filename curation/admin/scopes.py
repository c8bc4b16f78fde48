"""The admin of per-country roles (``curation.models.CountryScope``): editable by whoever manages users."""

from django.contrib import admin

from curation.models import Comment, CountryScope


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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are written in the review queue and on a record's page (curation.services.comment_add)."""

    list_display = ("created_at", "author", "content_type", "object_id", "revision", "body")
    list_filter = ("content_type", "created_at")
    search_fields = ("body", "author__username")
    readonly_fields = ("content_type", "object_id", "revision", "author", "body", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
