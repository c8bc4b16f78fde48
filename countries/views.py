from django.views.generic import DetailView, ListView, TemplateView

from .models import Country, Law, Source


class HomeView(TemplateView):
    template_name = "countries/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["countries"] = Country.objects.published()
        return context


class CountryDetailView(DetailView):
    template_name = "countries/country_detail.html"

    def get_queryset(self):
        return Country.objects.published()


class LawDetailView(DetailView):
    template_name = "countries/law_detail.html"

    def get_queryset(self):
        return Law.objects.public().select_related("country", "source")


class SourceListView(ListView):
    template_name = "countries/source_list.html"
    queryset = Source.objects.all()
