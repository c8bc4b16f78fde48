from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, engine, make_backup


class Command(BaseCommand):
    help = "Back up the database into BACKUP_DIR: pg_dump on PostgreSQL, the whole-dataset export on SQLite."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder to write into (default: settings.BACKUP_DIR).")

    def handle(self, *args, dir=None, **options):
        try:
            path = make_backup(dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up ({engine()}) to {path} ({size:,} bytes)."))
