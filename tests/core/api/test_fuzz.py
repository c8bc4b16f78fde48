"""
Fuzzing the API from its own OpenAPI schema (issue 8, point 4).

Schemathesis reads ``/api/v1/schema/`` and, for every read operation, sends
generated requests (schema-valid ones, then invalid ones: wrong types, odd strings, huge numbers)
to the WSGI application with the whole shipped dataset loaded. Each response
must not be a server error and must conform to the schema: a documented status
code, content type, headers and body.

Write operations (POST/PUT/PATCH/DELETE) are not fuzzed here: anonymously they
can only answer 401, which proves nothing, and with a token they would create
and delete records under the read fuzzing, so every generated example would
test a different database. Writes are covered by the permission matrix
(``test_permission_matrix``), the bad-input catalogue (``test_bad_input``) and
the API's validation tests (``tests/api/test_permissions.py``).

Every check runs, those about the *request* included: a schema-valid request
must get a 2xx (or a 404 for a record that does not exist: ``positive_data_acceptance``),
a schema-invalid one a 4xx (``negative_data_rejection``). The schema makes that
possible by saying what the server takes (core/api/schema.py, ``AutoSchema``): the keys
of each filter as read from the database when the schema is made (``country`` lists the
country codes in every case, ``law`` the law slugs...), comma lists that are never empty,
``fields`` and ``ordering`` as the names they take, ``page_size`` and years within their
bounds, free text without a NUL, only the parameters each view takes; and the server
refuses an empty value wherever the schema types one as other than free text
(``?page=&country=`` is a 400 naming them).

What OpenAPI 3.0 cannot say is a rule over *two* parameters; two exist, and
``without_exclusive_pairs`` keeps positive cases off them (negative cases are untouched):
``cursor`` with ``page`` and ``all=true`` without ``format=csv``, each a 400 the bad-input
and paging tests assert. The redirect of a law's former id (``laws/4/``, a documented 301)
is followed, as an HTTP client does, and the checks apply to the answer it leads to. A 414
(a generated URL past the server's limit, documented) counts as a rejection.

The number of examples per operation is ``SSE_MAP_FUZZ_EXAMPLES``: 25 in the
ordinary suite (SQLite and PostgreSQL), 200 in the dedicated ``.ci/run`` step, which runs the
two shares of the operations on two workers.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import errors as hypothesis_errors
from schemathesis import GenerationMode

from sse_map.wsgi import application

EXAMPLES = int(os.environ.get("SSE_MAP_FUZZ_EXAMPLES", "25"))
# The operations are dealt into this many tests, which pytest-xdist runs side by side:
# together they fuzz every operation once.
SHARES = 2

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


def read_operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    # A URL past the server's limit is refused with a 414 (documented): a rejection like a 400.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "414"]
    return [result.ok() for result in schema.include(method=["GET"]).get_all_operations()]


@pytest.mark.parametrize("share", range(SHARES))
def test_every_read_operation_survives_fuzzing(settings_dataset, share):
    """Every GET operation answers generated valid and invalid requests without a 5xx, within its schema."""
    operations = read_operations()
    assert len(operations) >= 10, [op.label for op in operations]
    failures = {}
    cases = [(operation, mode) for operation in operations[share::SHARES] for mode in GenerationMode]
    for operation, mode in cases:

        @given(case=operation.as_strategy(generation_mode=mode).map(without_exclusive_pairs))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            # The WSGI transport does not decompress: ask for the body as it is (gzip is for real clients).
            case.call_and_validate(headers={"Accept-Encoding": "identity"}, follow_redirects=True)

        try:
            fuzz()
        except hypothesis_errors.Unsatisfiable:
            pass
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failures, then report them all
            failures[f"{operation.label} ({mode.value})"] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


def without_exclusive_pairs(case):
    """
    A schema-valid request without the pairs of parameters that exclude each other, which
    OpenAPI 3.0 cannot express (a parameter's schema knows no other parameter): ``cursor``
    with ``page`` (two ways of paging: a 400), ``all=true`` without ``format=csv`` (JSON is
    paged: a 400). Only positive cases are changed: a negative one is meant to be refused.
    """
    if case.meta is not None and case.meta.generation.mode.is_positive and isinstance(case.query, dict):
        if "cursor" in case.query:
            case.query.pop("page", None)
        if case.query.get("all") in (True, "true") and case.query.get("format") != "csv":
            case.query.pop("all")
    return case


@pytest.fixture
def settings_dataset(full_dataset, settings):
    """
    The shipped dataset (loaded once for both shares on a worker), and no throttling: thousands
    of requests must reach the views, not a 429. As Django's test client does, requests keep the
    test's database connection (and transaction) open instead of closing it when they finish.
    """
    settings.API_ANON_THROTTLE_RATE = None
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
