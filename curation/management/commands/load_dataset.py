from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.dataset import DatasetError, default_paths, load_paths


class Command(BaseCommand):
    help = (
        "Load the dataset files (Django YAML fixtures with natural keys) idempotently: "
        "rows are created or updated by natural key, unchanged rows are left alone, and "
        "one bad record aborts the whole load."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Files to load, in order (default: fixtures/method.yaml, then fixtures/countries/*.yaml).",
        )

    def handle(self, *args, paths, **options):
        paths = paths or default_paths()
        missing = [str(p) for p in paths if not Path(p).is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            report = load_paths(paths)
        except DatasetError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Dataset loaded from {len(paths)} files: {report}."))
