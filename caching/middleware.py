"""
Cache anonymous GET responses, keyed by URL and stamped with the data version.

A request is anonymous when it carries no credentials of ours: no
``Authorization`` header and no session, CSRF or messages cookie (a visitor
with any of them always gets a fresh response). Only complete 200 responses
that set no cookie and are not marked private are stored; streaming
responses (exports) pass through. Invalidation is exact: every write to
curated data bumps the data version (``caching.version``); a stored response
is served only while its stamp equals the current version, so nobody is
served a response from before the write. With Redis, each process keeps the
version current through the pub/sub announcement of every bump, and keeps the
responses it served last in its own memory (``version_and_response``), so a
hit costs no round trip; otherwise version and response are read in one round
trip. A stale entry is overwritten by the next miss.

The cache fails open: with Redis unreachable the version reads as None and every
anonymous request is rendered from the database, uncached and unstored: slower, never
an error and never an entry from before the outage (``caching.version``).

The stored headers include an ``ETag``; ``ConditionalGetMiddleware`` (placed
before this one) answers ``If-None-Match`` with 304 for cached and fresh
responses alike.
"""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import has_vary_header, patch_cache_control, set_response_etag
from rest_framework.settings import api_settings

from .version import CACHE_ALIAS, CACHE_ERRORS, WATCH, data_version_and

_CREDENTIAL_COOKIES = None


def _credential_cookies():
    global _CREDENTIAL_COOKIES
    if _CREDENTIAL_COOKIES is None:
        _CREDENTIAL_COOKIES = frozenset(
            {
                settings.SESSION_COOKIE_NAME,
                settings.CSRF_COOKIE_NAME,
                getattr(settings, "MESSAGES_COOKIE_NAME", "messages"),
            }
        )
    return _CREDENTIAL_COOKIES


def is_anonymous_read(request) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    return not (_credential_cookies() & request.COOKIES.keys())


def cache_key(request) -> str:
    parts = (
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        # The API negotiates its format (JSON or the browsable HTML) on Accept;
        # CORS headers may depend on Origin.
        request.META.get("HTTP_ACCEPT", ""),
        request.META.get("HTTP_ORIGIN", ""),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"sse-map:response:{digest}"


def is_storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    if len(response.content) > settings.RESPONSE_CACHE_MAX_BYTES:
        return False
    # A per-request CSP nonce must never be handed to another visitor.
    if "nonce-" in response.get("Content-Security-Policy", ""):
        return False
    # The key covers Accept and Origin; anonymous requests carry no cookie of ours.
    return not any(has_vary_header(response, header) for header in ("Accept-Language", "Accept-Encoding"))


def throttled(request) -> bool:
    """
    Whether the API's throttles refuse this anonymous request. A cached hit skips the
    view, so the API's rate limit is applied here too (a refused request falls through
    to the view, which answers 429 with Retry-After).
    """
    prefix = settings.RESPONSE_CACHE_THROTTLED_PREFIX
    if not prefix or not request.path.startswith(prefix):
        return False
    request.user = AnonymousUser()  # what the throttles look at; the request carries no credentials
    return not all(throttle().allow_request(request, None) for throttle in api_settings.DEFAULT_THROTTLE_CLASSES)


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's, but a 304 keeps the ``Link`` header (the API names its licence on every response)."""

    kept_on_304 = ("Link",)

    def process_response(self, request, response):
        result = super().process_response(request, response)
        if result is not response and result.status_code == 304:
            for header in self.kept_on_304:
                if header in response:
                    result[header] = response[header]
        return result


class LocalResponses:
    """
    This process's copies of recently served responses, least recently used first out,
    at most ``max_bytes`` of content. Entries carry their data-version stamp and are only
    served while it equals the current version, like the shared ones.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, stamped):
        size = len(stamped[3])
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[3])
            self.entries[key] = stamped
            self.size += size
            while self.size > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[3])


_LOCAL = None


def local_responses():
    global _LOCAL
    if _LOCAL is None or _LOCAL.max_bytes != settings.RESPONSE_CACHE_LOCAL_BYTES:
        _LOCAL = LocalResponses(settings.RESPONSE_CACHE_LOCAL_BYTES)
    return _LOCAL


def version_and_response(key):
    """
    The current data version and the response stored under ``key`` (or None).

    With Redis and its version watch (``caching.version.VersionWatch``), the version is
    this process's copy and a response served before comes from this process's memory:
    no round trip. Otherwise (local memory, or the watch is down) version and shared
    response are read in one round trip, as before.
    """
    version = WATCH.current()
    if version is None:
        return data_version_and(key)
    local = local_responses()
    stored = local.get(key)
    if stored is not None and stored[0] == version:
        return version, stored
    try:
        stored = caches[CACHE_ALIAS].get(key)
    except CACHE_ERRORS:
        return None, None
    if stored is not None and stored[0] == version:
        local.put(key, stored)
    return version, stored


def store(key, stamped) -> None:
    """Store a response; an unreachable cache only means it is not stored."""
    try:
        caches[CACHE_ALIAS].set(key, stamped, settings.RESPONSE_CACHE_SECONDS)
    except CACHE_ERRORS:
        return
    if WATCH.version is not None:
        local_responses().put(key, stamped)


class AnonymousCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_read(request):
            return self.get_response(request)
        key = cache_key(request)
        version, stored = version_and_response(key)
        # Read by ops.replica: the replica serves this request only once it has replayed this version's write.
        request.data_version = version
        if version is None:
            # The cache is unreachable: answer from the database, store nothing (fail open).
            response = self.get_response(request)
            response["X-Cache"] = "off"
            return response
        if stored is not None and stored[0] == version and not throttled(request):
            _, status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and is_storable(response):
            if not response.has_header("ETag"):
                set_response_etag(response)
            # Browsers may keep the response but must revalidate it (ETag, 304) before use.
            patch_cache_control(response, no_cache=True)
            stamped = (version, response.status_code, dict(response.items()), response.content)
            store(key, stamped)
            response["X-Cache"] = "miss"
        return response
