import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bench.synthetic import PREFIX, Generator, SyntheticDataError, delete_synthetic, synthetic_present
from caching.version import bump_data_version


class Command(BaseCommand):
    help = (
        "Generate a synthetic dataset SCALE times the size of the real one (same shape: countries, "
        f"laws with amendment chains and events, types with evidence, statistics), slugs prefixed "
        f"'{PREFIX}'. Deterministic for a given --seed on the same database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiple of the real dataset (default 1).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing synthetic data first instead of refusing."
        )
        parser.add_argument("--delete", action="store_true", help="Only delete the synthetic data.")

    def handle(self, *args, scale, seed, replace, delete, verbosity, **options):
        present = synthetic_present()
        if delete or (present and replace):
            delete_synthetic()
            bump_data_version()
            if verbosity:
                self.stdout.write(f"Deleted the synthetic data ({present} countries).")
            if delete:
                return
        elif present:
            raise CommandError(
                f"Synthetic data is already present ({present} countries with slugs '{PREFIX}...'); "
                "nothing was written. Pass --replace to regenerate it or --delete to remove it."
            )
        started = time.perf_counter()
        try:
            generator = Generator(scale, seed)
        except SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        with tqdm(total=generator.units, unit="unit", desc="Generating", disable=verbosity == 0) as bar:
            generator.progress = bar.update
            report = generator.run()
        bump_data_version()
        if verbosity:
            elapsed = time.perf_counter() - started
            self.stdout.write(
                self.style.SUCCESS(f"Generated scale {scale} (seed {seed}) in {elapsed:.1f} s: {report}.")
            )
