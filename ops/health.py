"""
``/healthz``: the process is up (no database, no cache: a balancer's liveness probe).
``/readyz``: the database, the replica (when one is configured) and the cache answer
(django-health-check; JSON with ``?format=json`` or ``Accept: application/json``; 500 when
one does not). The site itself keeps serving without the replica or the cache (it falls
back to the primary, and renders uncached): /readyz is what monitoring watches.
"""

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.views import HealthCheckView


class HealthzMiddleware:
    """
    Answers ``/healthz`` before any other middleware: no database, no cache, no session, so
    the answer says only that this process serves requests (placed first in MIDDLEWARE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def ready_checks():
    checks = [("health_check.Database", {"alias": "default"})]
    if "replica" in settings.DATABASES:
        checks.append(("health_check.Database", {"alias": "replica"}))
    checks.append(("health_check.Cache", {"alias": "default"}))
    return checks


def readyz(request, *args, **kwargs):
    # Outside the request's transaction: with the database down, the check must still answer.
    view = HealthCheckView.as_view(checks=ready_checks())
    return view(request, *args, **kwargs)


healthz = transaction.non_atomic_requests(healthz)
readyz = transaction.non_atomic_requests(readyz)
