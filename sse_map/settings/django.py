"""Apps, the request pipeline, templates, the database, static files and logging."""

from django.conf.locale import LANG_INFO

from .environment import BASE_DIR, PRODUCTION, env

# Filipino is not among Django's own languages: its name, for get_language_info().
LANG_INFO.setdefault("fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"})

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
    # DRF's plain-text tokens: kept installed only for their migration history (accounts 0002
    # moves any old keys into knox's hashed tokens and deletes them); nothing authenticates with them.
    "rest_framework.authtoken",
    "knox",
    "django_filters",
    "import_export",
    "simple_history",
    "csp",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "nested_admin",
    "health_check",
    "django_guid",
    "dbbackup",
    # Ours, from the bottom layer up (docs/architecture.md)
    "caching",
    "core",
    "accounts",
    "countries",
    "orgs",
    "curation",
    "releases",
    "public",
    "ops",
    "bench",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (X-Request-ID from nginx, or a new one).
    "django_guid.middleware.guid_middleware",
    # /healthz answers here: the process is up, whatever the database or the cache (ops/health.py).
    "ops.health.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Under /api/, every 4xx and 5xx as RFC 9457 problem details, whoever answered it (core/api/).
    "core.api.middleware.ProblemDetailsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages and the map's GeoJSON (static files are precompressed by WhiteNoise in production).
    "django.middleware.gzip.GZipMiddleware",
    # Today's landscape: the first request of a new day refreshes what a passing law event changed.
    "orgs.landscape.CurrentLandscapeMiddleware",
    # Outermost after static files: cached hits skip sessions, auth and the database (caching/).
    "caching.middleware.ConditionalGetMiddleware",
    "caching.middleware.AnonymousCacheMiddleware",
    # Anonymous reads on the replica when it has replayed the last write (ops/replica.py).
    "ops.replica.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL's prefix only (/ko/, /ja/...; none for English): one URL,
    # one page (public/middleware.py).
    "public.middleware.URLLanguageMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.api.middleware.LicenseLinkMiddleware",
    # ?release=<version>: the API answers from that release's frozen data (releases/middleware.py).
    "releases.middleware.ReleaseMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: a database that stays busy (SQLite's lock, after waiting) is a JSON 503, never a 500 page.
    "ops.middleware.DatabaseBusyMiddleware",
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
# Persistent connections by default: opening one per request costs 28-41 % of uncached
# throughput on PostgreSQL (docs/performance.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn instead of failing with "database is locked": WAL
    # lets readers go on beside a writer, an immediate transaction takes the write lock when
    # it begins (not halfway, where SQLite cannot wait), and busy_timeout bounds the wait.
    # One that still times out is a JSON 503 (ops.middleware.DatabaseBusyMiddleware).
    _SQLITE_WAIT_SECONDS = env.int("SQLITE_BUSY_SECONDS", default=20)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": _SQLITE_WAIT_SECONDS,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={_SQLITE_WAIT_SECONDS * 1000};",
        }
    )

# PostgreSQL's JIT compiles a query whose estimated cost is high; for this workload (short
# queries, planned per request) the compiling costs more than it saves: at scale 1000 the type
# list's SQL took 1,118 ms with it and 620 ms without (docs/performance.md). POSTGRES_JIT=on
# restores the server's own setting.
POSTGRES_JIT = env.bool("POSTGRES_JIT", default=False)


def _postgres_options(config):
    if config["ENGINE"].startswith("django.db.backends.postgresql") and not POSTGRES_JIT:
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()


_postgres_options(DATABASES["default"])

# A PostgreSQL streaming replica for anonymous reads (ops/replica.py); writes, the admin and
# signed-in reads stay on the primary. A replica down, or behind the last write, means the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _postgres_options(DATABASES["replica"])
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("REPLICA_CONNECT_TIMEOUT", default=2)
    # Tests use the primary's test database for both aliases (the router test starts a real replica).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# ?release= reads a frozen release from its own database (releases/routing.py); otherwise the replica router.
DATABASE_ROUTERS = ["releases.routing.ReleaseRouter", "ops.replica.PrimaryReplicaRouter"]
# How long a replica that failed is left alone, and how often its replay position is re-read.
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5.0)
REPLICA_RECHECK_SECONDS = env.float("REPLICA_RECHECK_SECONDS", default=0.2)

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
# django-axes first: a locked-out sign-in is refused before the password is checked (settings/accounts.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en"
# The public site's languages (docs/site.md): the six countries of the research, and English.
# The catalogues are in locale/; the English pages keep their unprefixed URLs, the others are
# under /<code>/ (i18n_patterns in sse_map/urls.py).
LANGUAGES = [
    ("en", "English"),
    ("ko", "Korean"),
    ("ja", "Japanese"),
    ("zh-hans", "Simplified Chinese"),
    ("ms", "Malay"),
    ("id", "Indonesian"),
    ("fil", "Filipino"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
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

# Logs: one JSON object a line (LOG_FORMAT=json, the default in production) or plain text,
# each with the request id (django-guid: X-Request-ID from nginx, or made here, and returned).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    # Exposed to browsers by CORS_EXPOSE_HEADERS (settings/api.py); django-guid would replace that list.
    "EXPOSE_HEADER": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own loggers through ours only (its default console handler would print them twice).
        "django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"), "propagate": False},
        "django_guid": {"level": "WARNING"},
    },
}
