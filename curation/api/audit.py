"""
The audit log for editors (``/api/v1/audit/``): every history step and review decision across
the curated models (``curation.audit``), filtered as in the admin. Editors only: anyone else
gets a problem+json 403 (401 without credentials).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError

from core.api.viewsets import ListViewSet
from curation import audit


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When.")
    model = serializers.CharField(help_text="The record's model (app label and model name), e.g. countries.law.")
    object_id = serializers.CharField(help_text="The record's database id.")
    action = serializers.ChoiceField(choices=list(audit.ALL_ACTIONS))
    user = serializers.CharField(help_text="Who: the author of a step, the editor of a decision.")
    reviewer = serializers.CharField(help_text="The editor who approved, where there is one.")
    reason = serializers.CharField(help_text="The reason given.")
    note = serializers.CharField(help_text="A review request's number and the editor's note.")
    country_id = serializers.IntegerField(allow_null=True, help_text="The record's country's id, if it has one.")

    def to_representation(self, instance):
        return super().to_representation(audit.describe(instance))


class AuditViewSet(ListViewSet):
    """Every change and review decision across the curated records, newest first (editors only)."""

    serializer_class = AuditEntrySerializer
    permission_classes = []  # check_permissions: editors only (there is no one model to hold permissions on)
    blank_parameters = frozenset({"user", "country"})

    def allowed_query_parameters(self):
        return {"format", "page", "page_size", "model", "action", "user", "since", "until", "country"}

    def check_permissions(self, request):
        super().check_permissions(request)
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated()
        if not audit.is_editor(request.user):
            raise PermissionDenied("The audit log is for editors.")

    @extend_schema(
        parameters=[
            OpenApiParameter("model", OpenApiTypes.STR, enum=list(audit.COUNTRY_PATHS), many=True, explode=True),
            OpenApiParameter("action", OpenApiTypes.STR, enum=list(audit.ALL_ACTIONS), many=True, explode=True),
            OpenApiParameter("user", OpenApiTypes.STR, description="A username."),
            OpenApiParameter("since", OpenApiTypes.DATE, description="From this day, inclusive."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="To this day, inclusive."),
            OpenApiParameter("country", OpenApiTypes.STR, description="An ISO code."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        data = {k: params.getlist(k) if k in ("model", "action") else params.get(k) for k in params}
        form = audit.AuditFilterForm(data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return form.entries()

    def filter_queryset(self, queryset):
        return queryset
