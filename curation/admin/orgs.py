"""The admin of the method (features, sub-conditions, families), organization types, their rows, suggestions."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.concurrency import VersionCheckedForm
from curation import services
from curation.resources import EvidenceResource, LegalBasisResource, OrganizationTypeResource
from orgs.models import Evidence, Family, Feature, LegalBasis, OrganizationType, SubCondition, Suggestion

from .base import CuratedAdmin, LockedWhenParentPublishedAdmin, LockedWhenParentPublishedInline, run_on_each


class SubConditionInline(admin.TabularInline):
    model = SubCondition
    extra = 0
    fields = ["short_code", "code", "name", "order"]


@admin.register(Feature)
class FeatureAdmin(SimpleHistoryAdmin):
    form = VersionCheckedForm  # refuses to save over a newer version (core.concurrency)
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    inlines = [SubConditionInline]


@admin.register(SubCondition)
class SubConditionAdmin(SimpleHistoryAdmin):
    form = VersionCheckedForm  # refuses to save over a newer version (core.concurrency)
    list_display = ["short_code", "name", "code", "feature", "order"]
    list_filter = ["feature"]
    search_fields = ["code", "short_code", "name"]
    list_select_related = ["feature"]


@admin.register(Family)
class FamilyAdmin(SimpleHistoryAdmin):
    form = VersionCheckedForm  # refuses to save over a newer version (core.concurrency)
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class LegalBasisInline(LockedWhenParentPublishedInline, admin.TabularInline):
    model = LegalBasis
    extra = 0
    autocomplete_fields = ["law"]
    fields = ["law", "provision", "note"]


class EvidenceInline(LockedWhenParentPublishedInline, admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["law", "source"]
    fields = ["sub_condition", "law", "provision", "note", "source", "verification"]


@admin.register(OrganizationType)
class OrganizationTypeAdmin(CuratedAdmin):
    resource_classes = [OrganizationTypeResource, LegalBasisResource, EvidenceResource]
    list_display = [
        "name",
        "local_name",
        "country",
        "family",
        "classification",
        "features_met",
        "legally_institutionalized",
        "publication_status",
    ]
    list_filter = [
        "country",
        "family",
        "classification",
        "features_met",
        "legally_institutionalized",
        "publication_status",
    ]
    search_fields = ["slug", "name", "local_name", "description"]
    list_select_related = ["country", "family"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["classification", "features_met", "classification_explained"]
    inlines = [LegalBasisInline, EvidenceInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "country",
                    "name",
                    "local_name",
                    "slug",
                    "family",
                    "legally_institutionalized",
                    "description",
                ]
            },
        ),
        (
            "Classification (derived from the evidence)",
            {"fields": ["classification", "features_met", "classification_explained"]},
        ),
    ]

    @admin.display(description="Explanation")
    def classification_explained(self, obj):
        if obj is None or obj.pk is None:
            return "Saved types explain their classification here."
        _, sentences = obj.explain_classification()
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((s,) for s in sentences)))


@admin.register(Evidence)
class EvidenceAdmin(LockedWhenParentPublishedAdmin, CuratedAdmin):
    resource_classes = [EvidenceResource]
    parent_attr = "org_type"
    list_display = ["org_type", "sub_condition", "law", "provision", "verification"]
    list_filter = ["sub_condition__feature", "sub_condition", "verification", "org_type__country"]
    search_fields = ["org_type__name", "law__title", "law__citation", "provision", "note"]
    list_select_related = ["org_type__country", "sub_condition", "law"]
    autocomplete_fields = ["org_type", "law", "source"]


@admin.register(LegalBasis)
class LegalBasisAdmin(LockedWhenParentPublishedAdmin, CuratedAdmin):
    resource_classes = [LegalBasisResource]
    parent_attr = "org_type"
    list_display = ["org_type", "law", "provision"]
    list_filter = ["org_type__country"]
    search_fields = ["org_type__name", "law__title", "law__citation", "provision"]
    list_select_related = ["org_type__country", "law"]
    autocomplete_fields = ["org_type", "law"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "org_type", "law", "status", "short_message", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["message", "contact", "evidence_url"]
    list_select_related = ["org_type", "law", "reviewed_by"]
    readonly_fields = [
        "org_type",
        "law",
        "message",
        "evidence_url",
        "contact",
        "created_at",
        "status",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["accept", "reject"]

    @admin.display(description="Message")
    def short_message(self, obj):
        return format_html("{}", obj.message[:80])

    def _run(self, request, queryset, step, done):
        run_on_each(self, request, queryset, step, done)

    @admin.action(description="Accept selected suggestions (then make the correction)", permissions=["change"])
    def accept(self, request, queryset):
        self._run(request, queryset, lambda s: services.suggestion_accept(suggestion=s, user=request.user), "accepted")

    @admin.action(description="Reject selected suggestions", permissions=["change"])
    def reject(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda s: services.suggestion_reject(
                suggestion=s, user=request.user, note="Rejected from the review list"
            ),
            "rejected",
        )
