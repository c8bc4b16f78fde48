"""The public pages about organization types, families and the method; the correction form."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.edit import FormView
from django_ratelimit.decorators import ratelimit

from countries.choices import PublicationStatus
from countries.models import Country, Law, Statistic

from .choices import ClassificationChoice
from .forms import SuggestionForm
from .models import Family, Feature, OrganizationType, SubCondition


class OrganizationTypeDetailView(DetailView):
    template_name = "orgs/organizationtype_detail.html"
    context_object_name = "org_type"

    def get_queryset(self):
        return OrganizationType.objects.public().with_evidence()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org_type = self.object
        evidence = list(org_type.evidence.all())
        context["evidence"] = evidence
        context["legal_bases"] = [b for b in org_type.legal_bases.all() if b.law.is_published]
        context["classification"], context["explanation"] = org_type.explain_classification(evidence)
        context["features"] = list(Feature.objects.prefetch_related("sub_conditions"))
        met = {row.sub_condition_id for row in evidence}
        context["met_sub_conditions"] = met
        context["statistics"] = list(
            Statistic.objects.public().filter(org_type=org_type).select_related("source").order_by("year")
        )
        return context


class FamilyListView(ListView):
    template_name = "orgs/family_list.html"

    def get_queryset(self):
        public = Q(
            org_types__publication_status=PublicationStatus.PUBLISHED,
            org_types__country__publication_status=PublicationStatus.PUBLISHED,
        )
        return Family.objects.annotate(
            n_types=Count("org_types", filter=public, distinct=True),
            n_countries=Count("org_types__country", filter=public, distinct=True),
        )


class FamilyDetailView(DetailView):
    """One family across all countries, each country's types side by side."""

    template_name = "orgs/family_detail.html"
    queryset = Family.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org_types = list(self.object.org_types.public().for_listing().order_by("country__name", "name"))
        by_country = {}
        for org_type in org_types:
            by_country.setdefault(org_type.country, []).append(org_type)
        context["by_country"] = list(by_country.items())
        context["features"] = list(Feature.objects.all())
        context["others"] = Country.objects.published().exclude(pk__in=[c.pk for c in by_country])
        return context


class MethodologyView(TemplateView):
    """The features, sub-conditions and rule, with live counts of public types."""

    template_name = "orgs/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Q(
            evidence__org_type__publication_status=PublicationStatus.PUBLISHED,
            evidence__org_type__country__publication_status=PublicationStatus.PUBLISHED,
        )
        sub_conditions = SubCondition.objects.annotate(
            n_types=Count("evidence__org_type", filter=public, distinct=True)
        )
        context["features"] = list(
            Feature.objects.prefetch_related(Prefetch("sub_conditions", queryset=sub_conditions))
        )
        counts = dict(
            OrganizationType.objects.public().order_by().values_list("classification").annotate(n=Count("pk"))
        )
        context["counts"] = [
            (choice.value, choice.label, counts.get(choice.value, 0)) for choice in ClassificationChoice
        ]
        context["total"] = sum(counts.values())
        return context


@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=False), name="post")
class SuggestionView(FormView):
    """
    'Suggest a correction' on a type or a law: stored for the analysts' review queue
    (status 'new'), never published. A filled honeypot is thanked and dropped.
    """

    form_class = SuggestionForm
    template_name = "orgs/suggestion_form.html"
    target_model = None

    def dispatch(self, request, *args, **kwargs):
        queryset = self.target_model.objects.public()
        self.target = get_object_or_404(queryset, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return render(
                request,
                "orgs/suggestion_limited.html",
                {"target": self.target},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        context["target_name"] = getattr(self.target, "name", None) or self.target.title
        return context

    def form_valid(self, form):
        if not form.is_bot():
            suggestion = form.save(commit=False)
            if isinstance(self.target, Law):
                suggestion.law = self.target
            else:
                suggestion.org_type = self.target
            suggestion.save()
        return redirect(reverse("orgs:suggestion-thanks") + f"?from={self.target.get_absolute_url()}")


class OrganizationTypeSuggestionView(SuggestionView):
    target_model = OrganizationType


class LawSuggestionView(SuggestionView):
    target_model = Law


class SuggestionThanksView(TemplateView):
    template_name = "orgs/suggestion_thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        back = self.request.GET.get("from", "")
        # Only a path on this site, never an open redirect elsewhere.
        context["back"] = back if back.startswith("/") and not back.startswith("//") else ""
        return context
