"""Backups: `make backup` / `make restore`, into a git-ignored folder."""

from .environment import BASE_DIR, env

BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
