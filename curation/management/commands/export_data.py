import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from curation.formats import RESOURCES, resource_for, write_dataset


class Command(BaseCommand):
    help = "Export one model's rows to CSV, XLSX or JSON, naming related records by natural key (never ids)."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=list(RESOURCES))
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, model, format, output=None, **options):
        data = write_dataset(resource_for(model).export(), format)
        if output:
            output.write_bytes(data)
            self.stderr.write(f"Wrote {output} ({len(data)} bytes).")
        else:
            sys.stdout.buffer.write(data) if format == "xlsx" else self.stdout.write(
                data.decode("utf-8"), ending=""
            )
