"""
Settings for SSE Map, read from the environment (see ``.env.example``).

``SSE_MAP_ENV=production`` turns on production mode: DEBUG off, and the app
refuses to start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``. Any
other value (the default is ``development``) gives safe local defaults:
SQLite in the project folder and localhost only.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("SSE_MAP_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

_INSECURE_KEY = "django-insecure-local-development-only"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _INSECURE_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SSE_MAP_ENV=production needs SECRET_KEY: a random value of 32 characters or more."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("SSE_MAP_ENV=production needs ALLOWED_HOSTS (comma-separated).")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when SSE_MAP_ENV=production.")

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "rest_framework",
    "django_filters",
    "import_export",
    "simple_history",
    "csp",
    # Local
    "countries",
    "orgs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "sse_map.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "sse_map.wsgi.application"
ASGI_APPLICATION = "sse_map.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Covering indexes (``Index(include=...)``) are a PostgreSQL optimization; SQLite builds
# the same index on its key columns only, which is what this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The dataset's licence, named in API responses and on the download page.
DATA_LICENSE_NAME = env.str("DATA_LICENSE_NAME", default="CC BY 4.0")
DATA_LICENSE_URL = env.str("DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/")

# Security headers on every response, in every mode (see docs/security.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Scripts only from our own static files: no inline script, no eval, no CDN.
# Inline styles stay allowed for the admin's and the map library's style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Performance (issue 7) -----------------------------------------------------
# Anonymous GET responses are cached, keyed by URL and a data version that every
# write bumps (see caching/). Redis when REDIS_URL is set (shared by all worker
# processes, as production needs); otherwise local memory, which is per process
# and so only right for a single-process development server.
INSTALLED_APPS += ["caching"]
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sse-map"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sse-map"}
}
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=60 * 60 * 24)
RESPONSE_CACHE_MAX_BYTES = env.int("RESPONSE_CACHE_MAX_BYTES", default=5 * 1024 * 1024)
# With Redis, each process also keeps the responses it served last, up to this many bytes.
RESPONSE_CACHE_LOCAL_BYTES = env.int("RESPONSE_CACHE_LOCAL_BYTES", default=32 * 1024 * 1024)
# Outermost after static files: cached hits skip sessions, auth and the database.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "caching.middleware.AnonymousCacheMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("caching.middleware.AnonymousCacheMiddleware"),
    "caching.middleware.ConditionalGetMiddleware",
)
# Cached hits under this prefix still pass the API's anonymous throttle.
RESPONSE_CACHE_THROTTLED_PREFIX = "/api/"

# --- Partners' API (issue 4, docs/api.md) -----------------------------------
INSTALLED_APPS += [
    "rest_framework.authtoken",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
MIDDLEWARE.append("sse_map.api.middleware.LicenseLinkMiddleware")

API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)
# Anonymous reads per client address, e.g. "60/minute"; empty turns throttling off.
API_ANON_THROTTLE_RATE = env.str("API_ANON_THROTTLE_RATE", default="1000/hour")
# PostgreSQL text-search configuration used by ?search=.
API_SEARCH_CONFIG = env.str("API_SEARCH_CONFIG", default="english")
API_CITATION = env.str(
    "API_CITATION",
    default="SSE Map: the social and solidarity economy in Asia, after the ILO research "
    "'Strengthening Social and Solidarity Economy Policy in Asia'. {url} (retrieved {date}). Licence: {license}.",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "sse_map.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "sse_map.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["sse_map.api.throttling.AnonReadThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sse_map.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "sse_map.api.renderers.CSVRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SSE Map API",
    "DESCRIPTION": "The social and solidarity economy in Asia: countries, laws, organization types, "
    "their evidence and classification. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LawKindEnum": "countries.choices.LawKind",
        "SourceKindEnum": "countries.choices.SourceKind",
        "LawEventKindEnum": "countries.choices.LawEventKind",
        "DatePrecisionEnum": "countries.choices.DatePrecision",
        "VerificationEnum": "countries.choices.Verification",
        "PublicationStatusEnum": "countries.choices.PublicationStatus",
    },
}

# Read-only cross-origin GETs for partners' browser apps, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-type", "if-none-match", "if-modified-since"]

# --- The analysts' workflow (issue 6) -------------------------------------------------
# Two-person review: nobody publishes or approves what they submitted themselves.
SSE_MAP_TWO_PERSON_REVIEW = env.bool("SSE_MAP_TWO_PERSON_REVIEW", default=True)
# The data-quality dashboard flags records not verified for longer than this.
SSE_MAP_VERIFY_MONTHS = env.int("SSE_MAP_VERIFY_MONTHS", default=12)
# Spreadsheet import needs the model's "import_<model>" permission; export needs "view".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Reliability and security (issue 8, security-a) ------------------------------------
# The schema marks anonymous reads as needing no credentials (sse_map/api/schema.py).
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "sse_map.api.schema.AutoSchema"
# Every operation documents its JSON error answers (400, 404, 406, 429; 401/403/409 on writes).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "sse_map.api.schema.document_errors",
]
# The largest file an import command reads (bytes); a bigger one is refused before reading.
SSE_MAP_IMPORT_MAX_BYTES = env.int("SSE_MAP_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# The longest API query string accepted (bytes); longer is a JSON 400 before any parsing.
SSE_MAP_API_MAX_QUERY_STRING = env.int("SSE_MAP_API_MAX_QUERY_STRING", default=4096)

# --- Accounts (issue 8): login lockout, API tokens shown once -------------------------
# django-axes locks the admin sign-in for a username from one address after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES (0: until an admin resets it).
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "accounts"]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_AXES_COOLOFF_MINUTES) if _AXES_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Backups (issue 8): `make backup` / `make restore`, into a git-ignored folder ------
INSTALLED_APPS += ["ops"]
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
