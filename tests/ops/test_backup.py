"""Backup and restore: a backup restored into an empty database exports exactly like the original."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def manage(database_url, *args, backup_dir=None):
    env = {**os.environ, "DATABASE_URL": database_url}
    if backup_dir:
        env["BACKUP_DIR"] = str(backup_dir)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def manage_with(database_url, extra_env, *args):
    env = {**os.environ, "DATABASE_URL": database_url, **extra_env}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def pg(command, *args):
    db = settings.DATABASES["default"]
    options = [f"-h{db['HOST'] or '127.0.0.1'}", f"-p{db['PORT'] or 5432}", f"-U{db['USER'] or 'postgres'}"]
    subprocess.run([command, *options, *args], check=True, capture_output=True)


def pg_url(name):
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def databases_pair(tmp_path):
    """Two scratch databases (source and empty target) of the engine the suite runs on."""
    if connection.vendor == "postgresql":
        base = settings.DATABASES["default"]["NAME"]
        names = [f"{base}_bk_src", f"{base}_bk_dst"]
        for name in names:
            pg("dropdb", "--if-exists", name)
            pg("createdb", name)
        yield [pg_url(name) for name in names]
        for name in names:
            pg("dropdb", "--if-exists", name)
    else:
        yield [f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"]


COUNT_PEOPLE_AND_HISTORY = (
    "from django.contrib.auth.models import User; from django.apps import apps; "
    "print(sorted(User.objects.values_list('username', 'password', 'is_staff')), "
    "sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith('Historical')))"
)


def test_restore_into_an_empty_database_gives_an_identical_export(databases_pair, tmp_path):
    """The whole database is backed up (django-dbbackup, gzip), restored into an empty database, and
    both export the same bytes and hold the same users (passwords included) and history."""
    source, target = databases_pair
    folder = tmp_path / "backups"
    manage(source, "migrate", "--noinput", "-v0")
    manage(source, "load_dataset", "-v0")
    manage(source, "shell", "-c", "from django.contrib.auth.models import User; "
           "User.objects.create_user('analyst', password='a-long-password-1', is_staff=True)")
    out = manage(source, "backup", backup_dir=folder)
    backups = list(folder.glob("sse_map-*.gz"))
    assert len(backups) == 1 and str(backups[0]) in out
    assert backups[0].name.endswith(".psql.bin.gz" if "postgres" in source else ".sqlite3.gz")

    manage(target, "restore", str(backups[0]), "--noinput", backup_dir=folder)

    manage(source, "export_dataset", str(tmp_path / "original.json"))
    manage(target, "export_dataset", str(tmp_path / "restored.json"))
    original = (tmp_path / "original.json").read_bytes()
    assert original == (tmp_path / "restored.json").read_bytes()
    assert original.count(b'"slug"') > 100  # the whole shipped dataset, not an empty export
    people = manage(source, "shell", "-c", COUNT_PEOPLE_AND_HISTORY)
    assert "analyst" in people and int(people.split()[-1]) > 100
    assert manage(target, "shell", "-c", COUNT_PEOPLE_AND_HISTORY) == people


def test_restore_names_a_missing_or_wrong_file(tmp_path):
    """A missing file or the other engine's backup is refused with a clear message; nothing is changed."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    missing = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "nope.sqlite3.gz"), "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert missing.returncode == 1 and "Nothing was restored. No such backup file" in missing.stderr
    dump = tmp_path / "sse_map-x.psql.bin.gz"
    dump.write_bytes(b"PGDMP")
    wrong = subprocess.run(
        [sys.executable, "manage.py", "restore", str(dump), "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert wrong.returncode == 1 and "is not a sqlite backup (*.sqlite3.gz)" in wrong.stderr


def test_backups_folder_is_git_ignored():
    assert "/backups/" in (ROOT / ".gitignore").read_text().split()


@pytest.fixture
def scratch_database(databases_pair):
    """One scratch database of the suite's engine, holding one small table (retention needs no dataset)."""
    url = databases_pair[0]
    manage(url, "shell", "-c", "from django.db import connection; c = connection.cursor(); "
           "c.execute('CREATE TABLE retention_probe (n integer)'); c.execute('INSERT INTO retention_probe VALUES (1)')")
    return url


def backup_files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_retention_keeps_exactly_the_newest_backup_keep(scratch_database, tmp_path):
    """BACKUP_KEEP + 2 backups leave exactly BACKUP_KEEP, the newest ones (with their metadata);
    files that are not backups are left alone."""
    keep = 3
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "README.txt").write_text("not a backup")
    (folder / "sse_map-default-notes.gz").write_bytes(b"no date in the name")
    made = []
    for _ in range(keep + 2):
        out = manage_with(scratch_database, {"BACKUP_DIR": str(folder), "BACKUP_KEEP": str(keep)}, "backup")
        path = Path(out.split(" to ", 1)[1].split(" (", 1)[0])
        assert path.is_file(), out
        made.append(path.name)
    assert len(set(made)) == keep + 2 and made == sorted(made)  # distinct, in time order
    extension = ".psql.bin.gz" if "postgres" in scratch_database else ".sqlite3.gz"
    assert all(name.startswith("sse_map-default-") and name.endswith(extension) for name in made)

    remaining = [name for name in backup_files(folder) if name.endswith(extension)]
    assert remaining == made[-keep:]  # exactly KEEP, the newest; the two oldest are gone
    assert sorted(p.name for p in folder.glob("*.metadata")) == [f"{name}.metadata" for name in made[-keep:]]
    assert (folder / "README.txt").read_text() == "not a backup"
    assert (folder / "sse_map-default-notes.gz").exists()


def test_backup_keep_below_one_is_refused_and_deletes_nothing(scratch_database, tmp_path):
    """BACKUP_KEEP=0 would make the library delete every backup, the new one included."""
    folder = tmp_path / "backups"
    manage_with(scratch_database, {"BACKUP_DIR": str(folder), "BACKUP_KEEP": "2"}, "backup")
    before = backup_files(folder)
    result = subprocess.run(
        [sys.executable, "manage.py", "backup"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": scratch_database, "BACKUP_DIR": str(folder), "BACKUP_KEEP": "0"},
    )
    assert result.returncode == 1 and "BACKUP_KEEP must be at least 1 (it is 0)" in result.stderr
    assert backup_files(folder) == before and len(before) == 2  # the backup and its metadata
