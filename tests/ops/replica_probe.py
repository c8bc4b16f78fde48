"""
Run by tests/ops/test_replica_router.py in the cluster's environment (ops/cluster.py): where do
anonymous reads, writes and the admin's reads land, against the real primary and replica?
Prints one JSON object. Not collected by pytest (no test_ prefix).
"""

import json
import subprocess
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caching.version import bump_data_version  # noqa: E402
from ops import cluster  # noqa: E402
from ops.replica import STATE  # noqa: E402

URL = "/api/v1/countries/?page_size=5"
result = {}


def in_recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def where(request):
    """Run ``request`` (a callable); return (response, queries on primary, queries on replica)."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = request()
    # The request's own transaction on the primary (ATOMIC_REQUESTS) reads nothing: not counted.
    primary_reads = [q["sql"] for q in primary.captured_queries
                     if "pg_current_wal_lsn" not in q["sql"] and q["sql"] not in ("BEGIN", "COMMIT")]
    return response, len(primary_reads), len(rep.captured_queries)


client = Client(HTTP_ACCEPT="application/json", HTTP_HOST="127.0.0.1")
result["default_in_recovery"] = in_recovery("default")
result["replica_in_recovery"] = in_recovery("replica")

# The first request of the day in a process checks the stored landscape (orgs.landscape) on the primary.
client.get("/healthz")
client.get(URL)

# 1. An anonymous read (cache bypassed by a fresh version) runs on the replica.
bump_data_version()
STATE.reset()
response, on_primary, on_replica = where(lambda: client.get(URL))
result["anonymous"] = {"status": response.status_code, "primary": on_primary, "replica": on_replica}

# 2. A write goes to the primary (and is then found there).
User = get_user_model()
User.objects.filter(username="replica-probe-user").delete()  # left by an interrupted run
with CaptureQueriesContext(connections["replica"]) as rep:
    user = User.objects.create_user("replica-probe-user", password="x" * 20, is_staff=True, is_superuser=True)
result["write"] = {"replica_queries": len(rep.captured_queries),
                   "on_primary": User.objects.using("default").filter(pk=user.pk).exists()}

# 3. The admin reads on the primary.
staff = Client(HTTP_HOST="127.0.0.1")
staff.force_login(user)
response, on_primary, on_replica = where(lambda: staff.get("/admin/orgs/organizationtype/"))
result["admin"] = {"status": response.status_code, "primary": on_primary, "replica": on_replica}

# 4. A replica behind the last write is not read: pause its replay, write, read.
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")
try:
    user.first_name = "lag"
    user.save()
    bump_data_version()
    response, on_primary, on_replica = where(lambda: client.get(URL))
    result["lagging"] = {"status": response.status_code, "primary": on_primary, "replica": on_replica}
finally:
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
User.objects.filter(pk=user.pk).delete()
bump_data_version()
for _ in range(50):  # caught up again: back on the replica
    STATE.reset()
    response, on_primary, on_replica = where(lambda: client.get(URL))
    if on_replica:
        break
result["caught_up"] = {"status": response.status_code, "primary": on_primary, "replica": on_replica}

# 5. The replica stopped: reads fall back to the primary, no error.
connections["replica"].close()
subprocess.run([sys.executable, cluster.__file__, "stop-replica"], check=True, capture_output=True)
try:
    bump_data_version()
    STATE.reset()
    # (Only the primary is watched: watching the replica would connect to it.)
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(URL)
    result["replica_down"] = {"status": response.status_code, "primary": len(primary.captured_queries)}
finally:
    subprocess.run([sys.executable, cluster.__file__, "start-replica"], check=True, capture_output=True)

print(json.dumps(result))
