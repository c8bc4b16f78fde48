"""
Backups of the database (issue 8): ``pg_dump``/``pg_restore`` on PostgreSQL,
the whole-dataset export (``export_dataset``/``import_dataset``) on SQLite.

PostgreSQL backups are complete (every table: records, history, users, tokens).
SQLite backups hold the curated dataset (what ``export_dataset`` writes); the
method (features, sub-conditions, families) is reloaded from ``fixtures/method.yaml``.
"""

import io
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections

from curation.dataset import default_paths


class BackupError(Exception):
    pass


def engine(alias="default"):
    return "postgresql" if connections[alias].vendor == "postgresql" else "sqlite"


def backup_dir():
    return Path(settings.BACKUP_DIR)


def _pg_args(alias="default"):
    db = settings.DATABASES[alias]
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, db["NAME"], env


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def make_backup(directory=None, alias="default"):
    """Writes a new backup file and returns its path."""
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    if engine(alias) == "postgresql":
        path = directory / f"sse_map-{stamp}.dump"
        args, name, env = _pg_args(alias)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "-f", str(path), name], env)
    else:
        path = directory / f"sse_map-{stamp}.json"
        call_command("export_dataset", str(path), verbosity=0, stdout=io.StringIO())
    return path


def latest_backup(directory=None):
    files = sorted(Path(directory or backup_dir()).glob("sse_map-*.*"))
    if not files:
        raise BackupError(f"No backup found in {directory or backup_dir()}; run 'make backup' first.")
    return files[-1]


def restore_backup(path, alias="default"):
    """Restores ``path`` into the database: replaces everything on PostgreSQL, upserts on SQLite."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No such backup file: {path}")
    if engine(alias) == "postgresql":
        if path.suffix != ".dump":
            raise BackupError(f"{path.name} is not a PostgreSQL backup (.dump).")
        args, name, env = _pg_args(alias)
        connections[alias].close()
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             *args, "-d", name, str(path)],
            env,
        )
    else:
        if path.suffix != ".json":
            raise BackupError(f"{path.name} is not a dataset backup (.json).")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_dataset", str(default_paths()[0]), verbosity=0)
        call_command("import_dataset", str(path), verbosity=0, stdout=io.StringIO())
