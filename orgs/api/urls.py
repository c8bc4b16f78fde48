from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("org-types", views.OrganizationTypeViewSet, basename="org-type")
router.register("families", views.FamilyViewSet, basename="family")
router.register("features", views.FeatureViewSet, basename="feature")
router.register("sub-conditions", views.SubConditionViewSet, basename="sub-condition")
router.register("classification", views.ClassificationViewSet, basename="classification")
