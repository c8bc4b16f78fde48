from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.statistics import refresh_statistics
from curation.formats import (
    RESOURCES,
    ImportFileError,
    format_of,
    has_problems,
    import_file_data,
    problems_text,
    read_dataset,
    resource_for,
)


class Command(BaseCommand):
    help = (
        "Import one model's rows from a CSV, XLSX or JSON file, naming related records by natural key. "
        "All or nothing: one bad row and nothing is written. --dry-run previews each row "
        "(new / update / unchanged / error) and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("model", choices=list(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], help="Default: from the file's extension.")
        parser.add_argument("--dry-run", action="store_true", help="Preview per row; write nothing.")
        parser.add_argument(
            "--user",
            help="Import as this curator (username): the workflow applies as in the admin (their permissions and "
            "country scope, new rows as drafts, published rows as change sets). Default: the server, which "
            "restores stored states.",
        )

    def handle(self, *args, model, file, format=None, dry_run=False, user=None, **options):
        curator = None
        if user is not None:
            curator = get_user_model()._default_manager.filter(username=user, is_active=True).first()
            if curator is None:
                raise CommandError(f"Nothing was imported. No active user named {user!r}.")
            opts = resource_for(model)._meta.model._meta
            if not curator.has_perm(f"{opts.app_label}.import_{opts.model_name}"):
                raise CommandError(f"Nothing was imported. {user} may not import {opts.verbose_name_plural}.")
        try:
            if not file.is_file():
                raise ImportFileError(f"No such file: {file}")
            dataset = read_dataset(file, format_of(file, format))
            with tqdm(
                total=len(dataset),
                desc=f"Importing {model}",
                unit="row",
                disable=len(dataset) < 500 or options["verbosity"] == 0,
                file=self.stderr,
            ) as bar:
                result, lines = import_file_data(model, dataset, dry_run=dry_run, file_name=file.name, user=curator)
                bar.update(len(dataset))
        except ImportFileError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        if dry_run or options["verbosity"] >= 2:
            for line in lines:
                self.stdout.write(f"row {line.number:>4}  {line.status:<9}  {line.record}")
        if has_problems(result):
            raise CommandError(
                "Nothing was imported: the file has problems.\n" + "\n".join(problems_text(model, lines))
            )
        totals = result.totals
        summary = f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged ({model}, {file.name})"
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {summary}.")
        else:
            refresh_statistics()  # the planner sees the rows just imported
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
