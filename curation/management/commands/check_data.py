from django.core.management.base import BaseCommand, CommandError

from curation.quality import ERROR, find_problems


class Command(BaseCommand):
    help = "List every data-quality problem with the record it concerns; exit non-zero on errors."

    def handle(self, *args, **options):
        problems = find_problems()
        for problem in problems:
            style = self.style.ERROR if problem.severity == ERROR else self.style.WARNING
            self.stdout.write(style(str(problem)))
        errors = sum(1 for p in problems if p.severity == ERROR)
        warnings = len(problems) - errors
        summary = f"{errors} error(s), {warnings} warning(s)."
        if errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
