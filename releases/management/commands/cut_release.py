"""``manage.py cut_release 2027.1 --user eddie [--notes ...]``: freeze the published dataset as a release."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from releases.services import release_cut


class Command(BaseCommand):
    help = "Cut a release: freeze the published dataset under VERSION (e.g. 2027.1), with its changelog."

    def add_arguments(self, parser):
        parser.add_argument("version")
        parser.add_argument("--user", required=True, help="The editor cutting it (needs releases.cut_release).")
        parser.add_argument("--notes", default="")

    def handle(self, *args, version, user, notes, **options):
        editor = get_user_model().objects.filter(username=user).first()
        if editor is None:
            raise CommandError(f"No user {user!r}.")
        try:
            release = release_cut(user=editor, version=version, notes=notes)
        except (PermissionDenied, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from exc
        summary = release.changelog["summary"]
        self.stdout.write(
            f"Release {release.version} cut: {sum(release.counts.values())} rows; against "
            f"{release.changelog['against'] or 'nothing'}: " + ", ".join(f"{n} {k}" for k, n in summary.items())
        )
