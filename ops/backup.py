"""
Backups of the database through django-dbbackup (issue 18): compressed (gzip), in ``BACKUP_DIR``.
Retention is the library's: each backup runs ``dbbackup --clean``, which keeps the newest
``BACKUP_KEEP`` (``DBBACKUP_CLEANUP_KEEP``) backups of the database and deletes the older ones
with their ``.metadata`` files. It only sees file names holding the alias ``default``
(``DBBACKUP_FILENAME_TEMPLATE``, sse_map/settings/ops.py says why).

- PostgreSQL: ``pg_dump --format=custom`` of every table (records, history, users, API tokens
  as digests, sessions); restored with ``pg_restore --clean --single-transaction``.
- SQLite: a copy of the whole database made with SQLite's online backup (safe while the site
  runs); restored by putting the copy in place. Users and history are included too.

``make backup`` / ``make restore`` (``manage.py backup`` / ``manage.py restore``) call these.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections


class BackupError(Exception):
    pass


EXTENSIONS = {"postgresql": ".psql.bin.gz", "sqlite": ".sqlite3.gz"}


def engine(alias="default"):
    return "postgresql" if connections[alias].vendor == "postgresql" else "sqlite"


def backup_dir():
    return Path(settings.BACKUP_DIR)


def backups(directory=None):
    return sorted(Path(directory or backup_dir()).glob("sse_map-*.gz"))


def make_backup():
    """Writes a new compressed backup of the primary into BACKUP_DIR, then deletes all but the
    newest BACKUP_KEEP backups (the library's ``--clean``); returns the new file's path."""
    keep = settings.DBBACKUP_CLEANUP_KEEP
    if keep < 1:
        # The library would delete every backup, the new one included.
        raise BackupError(f"BACKUP_KEEP must be at least 1 (it is {keep}); nothing was backed up.")
    backup_dir().mkdir(parents=True, exist_ok=True)
    before = set(backups())
    call_command("dbbackup", database="default", compress=True, clean=True, verbosity=0, stdout=io.StringIO())
    new = sorted(set(backups()) - before)
    if not new:
        raise BackupError(f"django-dbbackup wrote no file into {backup_dir()}.")
    return new[-1]


def latest_backup(directory=None):
    files = backups(directory)
    if not files:
        raise BackupError(f"No backup found in {directory or backup_dir()}; run 'make backup' first.")
    return files[-1]


def restore_backup(path, alias="default"):
    """Restores ``path`` into the database, replacing what it holds."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    expected = EXTENSIONS[engine(alias)]
    if not path.name.endswith(expected):
        raise BackupError(f"{path.name} is not a {engine(alias)} backup (*{expected}).")
    connections[alias].close()
    call_command("dbrestore", database=alias, input_path=str(path), uncompress=True, interactive=False,
                 verbosity=0, stdout=io.StringIO())
    connections[alias].close()
