from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle

from core.client import client_address


class AnonReadThrottle(AnonRateThrottle):
    """Throttles anonymous reads at ``settings.API_ANON_THROTTLE_RATE`` (read per request, so tests can change it)."""

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def get_ident(self, request):
        # The one client address of the project (core/client.py), never DRF's own reading of X-Forwarded-For.
        return client_address(request)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
