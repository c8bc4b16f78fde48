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
