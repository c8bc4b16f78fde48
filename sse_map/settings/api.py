"""The partners' API (docs/api.md): DRF, the OpenAPI schema, CORS, paging, throttling, the licence."""

from .environment import BASE_DIR, env

# The dataset's licence, named in API responses and on the download page.
DATA_LICENSE_NAME = env.str("DATA_LICENSE_NAME", default="CC BY 4.0")
DATA_LICENSE_URL = env.str("DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/")

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

# Releases (releases/): where each release's database is materialised, the site's address in
# files cut outside a request, and the citation of a release.
SSE_MAP_RELEASES_DIR = env.path("SSE_MAP_RELEASES_DIR", default=BASE_DIR / "var" / "releases")
SSE_MAP_SITE_URL = env.str("SSE_MAP_SITE_URL", default="http://127.0.0.1:8000")
RELEASE_CITATION = env.str(
    "RELEASE_CITATION",
    default="SSE Map: the social and solidarity economy in Asia, release {version} ({date}), after the ILO research "
    "'Strengthening Social and Solidarity Economy Policy in Asia'. {url}. Licence: {license}.",
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Hashed, expiring, named tokens (settings/accounts.py); the header stays "Token <key>".
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.AnonReadThrottle"],
    # Marks anonymous reads as needing no credentials (core/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api.renderers.CSVRenderer",
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
    "COMPONENT_SPLIT_REQUEST": True,
    # fields= may leave any field out of a response, so none is promised.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Every operation documents its JSON error answers (400, 404, 406, 429; 401/403/409 on writes).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LawKindEnum": "countries.choices.LawKind",
        "SourceKindEnum": "countries.choices.SourceKind",
        "LawEventKindEnum": "countries.choices.LawEventKind",
        "DatePrecisionEnum": "countries.choices.DatePrecision",
        "VerificationEnum": "core.choices.Verification",
        "PublicationStatusEnum": "core.choices.PublicationStatus",
        "ClassificationEnum": "orgs.choices.ClassificationChoice",
        "FindingEnum": "orgs.choices.Finding",
        "ReferenceFindingEnum": "orgs.choices.ReferenceFinding",
        "NotStipulatedKindEnum": "orgs.choices.NotStipulatedKind",
        "ClaimExpectationEnum": "orgs.choices.ClaimExpectation",
        "LawStatusEnum": "countries.choices.LawStatus",
    },
}

# Read-only cross-origin GETs for partners' browser apps, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After", "RateLimit", "RateLimit-Policy", "X-Request-ID"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-type", "if-none-match", "if-modified-since"]

# The longest API query string accepted (bytes); longer is a 414 problem before any parsing.
SSE_MAP_API_MAX_QUERY_STRING = env.int("SSE_MAP_API_MAX_QUERY_STRING", default=4096)
