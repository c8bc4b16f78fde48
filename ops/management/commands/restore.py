from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, engine, latest_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'backup' (default: the latest in BACKUP_DIR): the database is "
        "replaced by the backup (pg_restore on PostgreSQL, the database file on SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The backup file (default: the latest).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file=None, interactive=True, **options):
        try:
            path = file or latest_backup()
            if interactive:
                answer = input(f"Restore {path} into the {engine()} database, replacing its data? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    raise CommandError("Restore cancelled; nothing was changed.")
            restore_backup(path)
        except BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
