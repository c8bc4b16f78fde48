"""
In-process probe of the benchmark targets, run against the database in DATABASE_URL.

For each target: HTTP status, response size, and SQL queries per request on a
cache miss and on a cache hit (Django test client, CaptureQueriesContext).
``probe.py --stream URL`` instead measures, in this fresh process, the peak
resident memory growth while the whole response streams (the CSV export).
Prints one JSON document on stdout.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sse_map.settings")
os.environ.pop("REDIS_URL", None)  # a private local-memory cache: the probe must not touch the server's

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from targets import selected  # noqa: E402


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def _body(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def stream_memory(client, url):
    """Peak RSS growth (MB) while streaming ``url``, and the bytes streamed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    except OSError:
        return None, None
    before = _status_kb("VmRSS")
    size = _body(client.get(url))
    return round((_status_kb("VmHWM") - before) / 1024, 1), size


def main():
    client = Client()
    results = []
    for name, resolve in selected():
        url = resolve()
        row = {"name": name, "url": url}
        if url is None:
            row["status"] = None
            results.append(row)
            continue
        with CaptureQueriesContext(connection) as miss:
            response = client.get(url)
            size = _body(response)
        row.update(
            status=response.status_code,
            bytes=size,
            queries_miss=len(miss),
            content_type=response.get("Content-Type", ""),
            streaming=response.streaming,
        )
        with CaptureQueriesContext(connection) as hit:
            again = client.get(url)
            _body(again)
        row.update(queries_hit=len(hit), cache=again.get("X-Cache", "bypass"))
        results.append(row)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--stream"]:
        client = Client()
        client.get("/")  # load the URL configuration, templates and a connection first
        growth, size = stream_memory(client, sys.argv[2])
        json.dump({"memory_growth_mb": growth, "stream_bytes": size}, sys.stdout)
    else:
        main()
