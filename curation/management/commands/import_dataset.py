from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.statistics import refresh_statistics
from curation.formats import ImportFileError, has_problems, import_whole, problems_text, whole_from_file


class Command(BaseCommand):
    help = (
        "Import a whole-dataset file written by export_dataset (.xlsx workbook or .json) in one "
        "transaction: models in dependency order, all or nothing. --dry-run previews and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            if not file.is_file():
                raise ImportFileError(f"No such file: {file}")
            sheets = whole_from_file(file)
            total = sum(len(s) for s in sheets.values())
            with tqdm(
                total=total,
                desc=f"Importing {file.name}",
                unit="row",
                disable=options["verbosity"] == 0,
                file=self.stderr,
            ) as bar:
                outcome = import_whole(sheets, dry_run=dry_run, file_name=file.name, progress=bar)
        except ImportFileError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        problems = [p for name, (result, lines) in outcome.items() for p in problems_text(name, lines)]
        if any(has_problems(result) for result, _ in outcome.values()):
            raise CommandError("Nothing was imported: the file has problems.\n" + "\n".join(problems))
        if not dry_run:
            refresh_statistics()  # the planner sees the rows just imported
        for name, (result, _) in outcome.items():
            t = result.totals
            self.stdout.write(f"{name}: {t['new']} new, {t['update']} updated, {t['skip']} unchanged")
        self.stdout.write("Dry run, nothing written." if dry_run else self.style.SUCCESS(f"Imported {file.name}."))
