from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("laws", views.LawViewSet, basename="law")
router.register("statistics", views.StatisticViewSet, basename="statistic")
router.register("sources", views.SourceViewSet, basename="source")
