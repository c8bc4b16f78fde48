"""The analysts' workflow: review, verification age, spreadsheet imports (README, "The analysts' workflow")."""

from .environment import env

# Two-person review: nobody publishes or approves what they submitted themselves.
SSE_MAP_TWO_PERSON_REVIEW = env.bool("SSE_MAP_TWO_PERSON_REVIEW", default=True)
# The data-quality dashboard flags records not verified for longer than this.
SSE_MAP_VERIFY_MONTHS = env.int("SSE_MAP_VERIFY_MONTHS", default=12)
# The largest file an import (command or admin upload) reads (bytes); a bigger one is refused before reading.
SSE_MAP_IMPORT_MAX_BYTES = env.int("SSE_MAP_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Spreadsheet import needs the model's "import_<model>" permission; export needs "view".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# Notifications by email (curation/notify.py): the author on a decision, the editors of the country on a
# new submission. Development prints them on the console; set EMAIL_HOST to send through SMTP.
SSE_MAP_NOTIFY = env.bool("SSE_MAP_NOTIFY", default=True)
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SSE Map <noreply@localhost>")
