from django.views.generic import DetailView

from .models import Family, OrganizationType


class OrganizationTypeDetailView(DetailView):
    template_name = "orgs/organizationtype_detail.html"
    context_object_name = "org_type"

    def get_queryset(self):
        return OrganizationType.objects.public().with_evidence()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = list(self.object.evidence.all())
        context["evidence"] = evidence
        context["classification"], context["explanation"] = self.object.explain_classification(evidence)
        return context


class FamilyDetailView(DetailView):
    template_name = "orgs/family_detail.html"
    queryset = Family.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["org_types"] = self.object.org_types.public().select_related("country")
        return context
