from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from curation.formats import RESOURCES, ImportFileError, format_of, resource_for, whole_to_bytes


class Command(BaseCommand):
    help = (
        "Export every curated model to one file: an .xlsx workbook with a sheet per model, or .json. "
        "For backups and for moving data between a laptop and the server (see import_dataset)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .xlsx or .json file to write.")

    def handle(self, *args, file, **options):
        try:
            fmt = format_of(file)
            sheets = {}
            for name in tqdm(
                RESOURCES, desc="Exporting", unit="model", disable=options["verbosity"] == 0, file=self.stderr
            ):
                sheets[name] = resource_for(name).export()
            file.write_bytes(whole_to_bytes(sheets, fmt))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(len(s) for s in sheets.values())
        self.stdout.write(self.style.SUCCESS(f"Exported {rows} rows in {len(sheets)} sheets to {file.name}."))
