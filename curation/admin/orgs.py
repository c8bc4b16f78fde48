"""The admin of the method (features, sub-conditions, families), organization types, their rows, suggestions."""

import nested_admin
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from curation import services
from curation.resources import (
    AssessmentResource,
    ClaimResource,
    LegalBasisResource,
    OrganizationTypeResource,
    ReferenceResource,
)
from orgs.explanation import explain
from orgs.models import (
    Assessment,
    Claim,
    Family,
    Feature,
    LegalBasis,
    OrganizationType,
    Reference,
    SubCondition,
    Suggestion,
)

from .base import CuratedAdmin, LockedWhenParentPublishedAdmin, LockedWhenParentPublishedInline, run_on_each


class SubConditionInline(admin.TabularInline):
    """A feature's sub-conditions, to read: each is changed on its own page (its own request for review)."""

    model = SubCondition
    extra = 0
    fields = ["short_code", "code", "name", "order"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MethodAdmin(CuratedAdmin):
    """
    The method's records (features, sub-conditions, families) through the one write path: public as
    soon as they exist, so a new one, a change and a removal each wait for another editor's approval.
    The method is loaded from ``fixtures/method.yaml``, not imported from spreadsheets here.
    """

    def has_import_permission(self, request):
        return False


@admin.register(Feature)
class FeatureAdmin(MethodAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    inlines = [SubConditionInline]


@admin.register(SubCondition)
class SubConditionAdmin(MethodAdmin):
    list_display = ["short_code", "name", "code", "feature", "order"]
    list_filter = ["feature"]
    search_fields = ["code", "short_code", "name"]
    list_select_related = ["feature"]


@admin.register(Family)
class FamilyAdmin(MethodAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class LegalBasisInline(LockedWhenParentPublishedInline, nested_admin.NestedTabularInline):
    model = LegalBasis
    extra = 0
    autocomplete_fields = ["law"]
    fields = ["law", "provision", "note"]


class ReferenceInline(LockedWhenParentPublishedInline, nested_admin.NestedStackedInline):
    """The references a cell's finding rests on, edited inside the cell."""

    model = Reference
    extra = 0
    autocomplete_fields = ["law", "source"]
    fields = [
        ("finding", "not_stipulated_kind"),
        ("law", "provision"),
        ("quote", "quote_language"),
        "translation",
        "note",
        "curator_note",
        ("valid_from", "valid_until"),
        ("source", "verification"),
    ]


class AssessmentInline(LockedWhenParentPublishedInline, nested_admin.NestedStackedInline):
    """The type's cells, one per sub-condition: created with the type, never added or removed by hand."""

    model = Assessment
    extra = 0
    can_delete = False
    fields = [("sub_condition", "finding_today"), "note", "curator_note"]
    readonly_fields = ["sub_condition", "finding_today"]
    inlines = [ReferenceInline]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Finding today")
    def finding_today(self, cell):
        finding = cell.get_finding_display()
        if cell.not_stipulated_kind:
            finding += f" ({cell.get_not_stipulated_kind_display().lower()})"
        return f"{finding}: derived from the references in force today"


@admin.register(OrganizationType)
class OrganizationTypeAdmin(nested_admin.NestedModelAdminMixin, CuratedAdmin):
    """A type with its legal bases and its six cells (each with its references) on one screen."""

    resource_classes = [OrganizationTypeResource, LegalBasisResource, AssessmentResource, ReferenceResource]
    list_display = [
        "name",
        "local_name",
        "country",
        "family",
        "classification",
        "settled",
        "features_met",
        "legally_institutionalized",
        "publication_status",
    ]
    list_filter = [
        "country",
        "family",
        "classification",
        "settled",
        "features_met",
        "legally_institutionalized",
        "publication_status",
    ]
    search_fields = ["slug", "name", "local_name", "description"]
    list_select_related = ["country", "family"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["classification_today", "classification_explained"]
    inlines = [LegalBasisInline, AssessmentInline]
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
                    "curator_note",
                ]
            },
        ),
        (
            "Classification (derived from the cells' findings, for today)",
            {"fields": ["classification_today", "classification_explained"]},
        ),
    ]

    @admin.display(description="Classification")
    def classification_today(self, obj):
        if obj is None or obj.pk is None:
            return "Every cell of a new type starts not yet assessed."
        label = obj.get_classification_display()
        if obj.settled:
            return f"{label} (settled)"
        reach = " or ".join(c.upper() if c != "outside" else "outside" for c in obj.classification_range[1:])
        return f"{label} so far (provisional: could still be {reach})"

    @admin.display(description="Explanation")
    def classification_explained(self, obj):
        if obj is None or obj.pk is None:
            return "Saved types explain their classification here."
        _, sentences = explain(obj)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((s,) for s in sentences)))


class CellReferenceInline(LockedWhenParentPublishedInline, admin.StackedInline):
    """A cell's references on the cell's own page (the type's page edits all six cells at once)."""

    model = Reference
    extra = 0
    autocomplete_fields = ["law", "source"]
    fields = ReferenceInline.fields

    def _locked_parent(self, obj):
        return obj.org_type if obj is not None else None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, self._locked_parent(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, self._locked_parent(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, self._locked_parent(obj))


@admin.register(Assessment)
class AssessmentAdmin(LockedWhenParentPublishedAdmin, CuratedAdmin):
    """
    The cells across all types: filter by finding to find what is not yet assessed.
    Cells are created with their type and sub-condition; none is added or deleted by hand.
    """

    resource_classes = [AssessmentResource]
    parent_attr = "org_type"
    list_display = ["org_type", "sub_condition", "finding", "not_stipulated_kind", "note"]
    list_filter = ["finding", "sub_condition", "org_type__country", "org_type__family"]
    search_fields = ["org_type__name", "org_type__slug", "note", "curator_note"]
    list_select_related = ["org_type__country", "sub_condition"]
    fields = ["org_type", "sub_condition", "finding", "not_stipulated_kind", "note", "curator_note"]
    readonly_fields = ["org_type", "sub_condition", "finding", "not_stipulated_kind"]
    inlines = [CellReferenceInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reference)
class ReferenceAdmin(LockedWhenParentPublishedAdmin, CuratedAdmin):
    resource_classes = [ReferenceResource]
    parent_attr = "assessment"
    list_display = ["assessment", "finding", "law", "provision", "verification"]
    list_filter = ["finding", "assessment__sub_condition", "verification", "assessment__org_type__country"]
    search_fields = ["assessment__org_type__name", "law__title", "law__citation", "provision", "quote", "note"]
    list_select_related = ["assessment__org_type__country", "assessment__sub_condition", "law"]
    autocomplete_fields = ["law", "source"]
    raw_id_fields = ["assessment"]

    def locking_parent(self, cell):
        return cell.org_type if cell is not None else None


@admin.register(Claim)
class ClaimAdmin(CuratedAdmin):
    resource_classes = [ClaimResource]
    list_display = ["slug", "country", "org_type", "family", "expects", "scope", "publication_status"]
    list_filter = ["country", "expects", "publication_status"]
    search_fields = ["slug", "statement", "quote", "explanation"]
    list_select_related = ["country", "org_type", "family"]
    autocomplete_fields = ["org_type", "source"]


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
            lambda s: services.suggestion_reject(suggestion=s, user=request.user, note="Rejected from the review list"),
            "rejected",
        )
