"""Backups (`make backup` / `make restore`, into a git-ignored folder) and optional error reporting."""

from .django import DJANGO_GUID, STORAGES
from .environment import BASE_DIR, ENVIRONMENT, env

BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
# django-dbbackup: into BACKUP_DIR, gzip-compressed, the last BACKUP_KEEP kept (ops/backup.py).
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BACKUP_DIR)},
}
DBBACKUP_CLEANUP_KEEP = env.int("BACKUP_KEEP", default=14)
# Only the primary is backed up (never the replica alias, which holds the same data).
DBBACKUP_DATABASES = ["default"]
# The alias "default" must be in the file name: `dbbackup --clean` (django-dbbackup 5.4.0,
# storage.clean_old_backups via list_backups(database=<alias>)) keeps DBBACKUP_CLEANUP_KEEP files
# among those whose name *contains the database alias*, and deletes nothing when none does
# (upstream issue Archmonger/django-dbbackup#654). Without it, retention silently did nothing.
DBBACKUP_FILENAME_TEMPLATE = "sse_map-default-{datetime}.{extension}"
DBBACKUP_DATE_FORMAT = "%Y%m%d-%H%M%S-%f"
# pg_restore --clean --if-exists --single-transaction (the connector's defaults), without owners
# or privileges so a backup restores into a database of another name or owner.
DBBACKUP_CONNECTORS = {"default": {"RESTORE_SUFFIX": "--no-owner --no-privileges", "DUMP_SUFFIX": "--no-owner"}}

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
