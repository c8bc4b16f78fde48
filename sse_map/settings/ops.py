"""Backups (`make backup` / `make restore`, into a git-ignored folder) and optional error reporting."""

from .django import DJANGO_GUID
from .environment import BASE_DIR, ENVIRONMENT, env

BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

# Error reporting: off unless SENTRY_DSN is set. No personal data is sent (no cookies, no
# user's address); each event carries the request id of the logs (django-guid's integration).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from django_guid.integrations import SentryIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=ENVIRONMENT),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
    DJANGO_GUID["INTEGRATIONS"] = [SentryIntegration()]
