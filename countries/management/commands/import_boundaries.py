from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from countries.boundaries import (
    BoundaryFileError,
    geometries_by_numeric_code,
    numeric_code,
    read_feature_collection,
    simplify_geometry,
)
from countries.models import Country


def default_path():
    return Path(settings.BASE_DIR) / ".build" / "natural-earth" / "countries-50m.geojson"


class Command(BaseCommand):
    help = (
        "Store each country's shape from Natural Earth (GeoJSON made by `make setup` from the npm "
        "package world-atlas) in Country.boundary. Idempotent: unchanged shapes are not rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=None, help="GeoJSON FeatureCollection keyed by ISO numeric id."
        )

    def handle(self, *args, file=None, **options):
        path = file or default_path()
        try:
            geometries = geometries_by_numeric_code(read_feature_collection(path))
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        updated, unchanged, missing = 0, 0, []
        for country in Country.objects.order_by("code"):
            geometry = geometries.get(numeric_code(country.code) or "")
            if geometry is None:
                missing.append(country.code)
                continue
            shape = simplify_geometry(geometry)
            if country.boundary == shape:
                unchanged += 1
                continue
            # update(): a derived, imported field; no history row for it.
            Country.objects.filter(pk=country.pk).update(boundary=shape)
            updated += 1
        if missing:
            self.stderr.write(self.style.WARNING(f"No shape in {path.name} for: {', '.join(missing)}."))
        self.stdout.write(self.style.SUCCESS(f"Boundaries: {updated} updated, {unchanged} unchanged."))
