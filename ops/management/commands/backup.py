from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_dir, engine, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database into BACKUP_DIR (django-dbbackup, gzip): pg_dump on PostgreSQL, "
        "the whole database file on SQLite."
    )

    def handle(self, *args, **options):
        try:
            path = make_backup()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up ({engine()}) to {path} ({size:,} bytes) in {backup_dir()}."))
