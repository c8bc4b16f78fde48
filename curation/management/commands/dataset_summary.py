from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.summary import country_rows, render_markdown


class Command(BaseCommand):
    help = "Print (or write, or check) the per-country summary table of the loaded dataset in Markdown."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", type=Path, metavar="FILE", help="Write the table to FILE.")
        group.add_argument("--check", type=Path, metavar="FILE", help="Fail if FILE differs from the table.")

    def handle(self, *args, write=None, check=None, **options):
        text = render_markdown(country_rows())
        if write:
            write.write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {write}."))
        elif check:
            current = check.read_text(encoding="utf-8") if check.is_file() else ""
            if current != text:
                raise CommandError(f"{check} is out of date: run dataset_summary --write {check}.")
            self.stdout.write(self.style.SUCCESS(f"{check} is up to date."))
        else:
            self.stdout.write(text, ending="")
