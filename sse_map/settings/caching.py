"""
The cache and the anonymous response cache (``caching/``, docs/performance.md).

Anonymous GET responses are cached, keyed by URL and a data version that every write
bumps. Redis when ``REDIS_URL`` is set (shared by all worker processes, as production
needs); otherwise local memory, which is per process and so only right for a
single-process development server.
"""

from .environment import env

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sse-map"),
        # Fail open: Redis down means slower, never an error (caching/version.py). Short
        # timeouts so a dead Redis costs each request a fraction of a second at most.
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
        },
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sse-map"}
}
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=60 * 60 * 24)
RESPONSE_CACHE_MAX_BYTES = env.int("RESPONSE_CACHE_MAX_BYTES", default=5 * 1024 * 1024)
# With Redis, each process also keeps the responses it served last, up to this many bytes.
RESPONSE_CACHE_LOCAL_BYTES = env.int("RESPONSE_CACHE_LOCAL_BYTES", default=32 * 1024 * 1024)
# Cached hits under this prefix still pass the API's anonymous throttle.
RESPONSE_CACHE_THROTTLED_PREFIX = "/api/"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# The correction form's rate limit lets a visitor through when the cache cannot count (Redis down).
RATELIMIT_FAIL_OPEN = True
