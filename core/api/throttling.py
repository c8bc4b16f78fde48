from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle

from caching.version import CACHE_ERRORS
from core.client import client_address

POLICY = "anon"


class AnonReadThrottle(AnonRateThrottle):
    """
    Throttles anonymous reads at ``settings.API_ANON_THROTTLE_RATE`` (read per request, so
    tests can change it), counted per client address in fixed windows of the rate's period:
    one cache increment per request whatever the rate. DRF's own throttle reads, trims and
    rewrites the list of every request's time in the window, which grows with the rate (up
    to 1,000 entries at the default) and costs two cache round trips on every request,
    cached API hits included (docs/performance.md). A fixed window lets a client make up to
    twice the rate across a window's boundary; the limit stays the same over any window.
    What it counted is left on the request for the ``RateLimit`` headers (``ratelimit_headers``).
    """

    def get_rate(self):
        return settings.API_ANON_THROTTLE_RATE or None

    def get_ident(self, request):
        # The one client address of the project (core/client.py), never DRF's own reading of X-Forwarded-For.
        return client_address(request)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None or request.method not in SAFE_METHODS:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:  # authenticated: not throttled
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            try:
                count = self.cache.incr(key)
            except ValueError:  # the window's first request (the key does not exist yet)
                count = 1 if self.cache.add(key, 1, self.duration + 1) else self.cache.incr(key)
        except CACHE_ERRORS:
            count = None
        if count is None:  # the cache cannot count (Redis down): let the visitor by, never a 500
            return True
        remaining = max(self.num_requests - count, 0)
        getattr(request, "_request", request)._ratelimit = (self.num_requests, self.duration, remaining, self.wait())
        return count <= self.num_requests

    def wait(self):
        return max(1, int(self.window_end - self.now) + 1)


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
