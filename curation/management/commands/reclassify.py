from django.core.management.base import BaseCommand

from countries.models import Law
from orgs.landscape import refresh_all
from orgs.models import OrganizationType


class Command(BaseCommand):
    help = (
        "Recompute, for today, every law's status from its dated events and every type's cells and "
        "classification from its references (what check_data reports as drift); say what changed."
    )

    def handle(self, *args, **options):
        before = {t.pk: (t.classification, t.classification_max, t.settled) for t in OrganizationType.objects.all()}
        statuses = dict(Law.objects.values_list("pk", "status"))
        result = refresh_all()
        for org_type in OrganizationType.objects.filter(pk__in=result.types).select_related("country").order_by("pk"):
            old = before.get(org_type.pk)
            self.stdout.write(
                f"{org_type} ({org_type.slug}): {_label(*old) if old else 'new'} -> "
                f"{_label(org_type.classification, org_type.classification_max, org_type.settled)}"
            )
        for law in Law.objects.filter(pk__in=result.laws).order_by("pk"):
            self.stdout.write(f"{law.slug}: status {statuses.get(law.pk)} -> {law.status}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Landscape of {result.day}: {len(result.types)} classification(s) and {len(result.laws)} law "
                "status(es) changed."
            )
        )


def _label(low, high, settled):
    return low if settled else f"{low} (provisional, up to {high})"
