"""
The API endpoints of the curated records, as the router serves them: the
domain apps' read viewsets with their writes. Publishable records (countries,
laws, statistics, organization types) follow the review workflow; the method
and the sources, public as soon as they exist, take every write as a request for review.
"""

from countries.api import views as countries
from orgs.api import views as orgs

from .viewsets import LiveWritesMixin, PublishableWritesMixin


class CountryViewSet(PublishableWritesMixin, countries.CountryViewSet):
    __doc__ = countries.CountryViewSet.__doc__


class LawViewSet(PublishableWritesMixin, countries.LawViewSet):
    __doc__ = countries.LawViewSet.__doc__


class StatisticViewSet(PublishableWritesMixin, countries.StatisticViewSet):
    __doc__ = countries.StatisticViewSet.__doc__


class SourceViewSet(LiveWritesMixin, countries.SourceViewSet):
    __doc__ = countries.SourceViewSet.__doc__


class OrganizationTypeViewSet(PublishableWritesMixin, orgs.OrganizationTypeViewSet):
    __doc__ = orgs.OrganizationTypeViewSet.__doc__


class FamilyViewSet(LiveWritesMixin, orgs.FamilyViewSet):
    __doc__ = orgs.FamilyViewSet.__doc__


class FeatureViewSet(LiveWritesMixin, orgs.FeatureViewSet):
    __doc__ = orgs.FeatureViewSet.__doc__


class SubConditionViewSet(LiveWritesMixin, orgs.SubConditionViewSet):
    __doc__ = orgs.SubConditionViewSet.__doc__
