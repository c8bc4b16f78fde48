import math

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle

POLICY = "anon"


class AnonReadThrottle(AnonRateThrottle):
    """
    Throttles anonymous reads at ``settings.API_ANON_THROTTLE_RATE`` (read per request, so
    tests can change it). What it counted is left on the request for the ``RateLimit``
    headers (``ratelimit_headers``).
    """

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if request.method not in SAFE_METHODS:
            return True
        allowed = super().allow_request(request, view)
        if self.rate is not None and self.key is not None:
            remaining = max(self.num_requests - len(self.history), 0)
            oldest = self.history[-1] if self.history else self.now
            reset = max(math.ceil(self.duration - (self.now - oldest)), 0)
            getattr(request, "_request", request)._ratelimit = (self.num_requests, self.duration, remaining, reset)
        return allowed


def ratelimit_headers(request):
    """
    The IETF ``RateLimit-Policy`` and ``RateLimit`` fields (draft-ietf-httpapi-ratelimit-headers):
    the quota and window, what is left and the seconds until it is renewed; ``{}`` when unthrottled.
    """
    counted = getattr(getattr(request, "_request", request), "_ratelimit", None)
    if counted is None:
        return {}
    quota, window, remaining, reset = counted
    return {
        "RateLimit-Policy": f'"{POLICY}";q={quota};w={window}',
        "RateLimit": f'"{POLICY}";r={remaining};t={reset}',
    }
