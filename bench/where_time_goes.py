"""
Where the time of one uncached request goes, per benchmark target, in-process.

For each target (``bench/targets.py``, ``BENCH_ONLY`` as for ``make bench``): one warm-up
request, then ``--runs`` requests under cProfile with the response cache stepping aside
(a CSRF cookie, as the benchmark's "uncached" rows). Prints, as Markdown: CPU ms per
request of this process (``time.process_time``), SQL ms per request (wall time of the
database calls, measured around each one), queries per request, the slowest query, and
the functions with the most own time (from a second round under cProfile). Run against the database in DATABASE_URL::

    DATABASE_URL=postgres://.../sse_map_bench DEBUG=false CONN_MAX_AGE=60 \\
        .venv/bin/python bench/where_time_goes.py --runs 5 > profile.md

(``make bench-profile`` does that on the benchmark's database.)
"""

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sse_map.settings")
os.environ.pop("REDIS_URL", None)  # a private local-memory cache: the profile must not touch the server's

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from targets import selected  # noqa: E402

UNCACHED = {"HTTP_COOKIE": "csrftoken=" + "b" * 32}


class SQLTimer:
    """Times every database call made through Django (``connection.execute_wrapper``)."""

    def __init__(self):
        self.calls = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((time.perf_counter() - started, sql))


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def where(key):
    filename, line, func = key
    if filename == "~":
        return func
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line} {func}"


def profile(client, url, runs, top):
    consume(client.get(url, **UNCACHED))  # warm-up: URL resolver, templates, connection
    timer, profiler = SQLTimer(), cProfile.Profile()
    with connection.execute_wrapper(timer):  # times first, without the profiler's overhead
        cpu = time.process_time()
        wall = time.perf_counter()
        for _ in range(runs):
            response = client.get(url, **UNCACHED)
            size = consume(response)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
    profiler.enable()
    for _ in range(runs):
        consume(client.get(url, **UNCACHED))
    profiler.disable()
    stats = pstats.Stats(profiler)
    own = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # tottime
    slowest = max(timer.calls, default=(0, ""))
    return {
        "status": response.status_code,
        "bytes": size,
        "wall_ms": wall * 1000 / runs,
        "cpu_ms": cpu * 1000 / runs,
        "sql_ms": sum(t for t, _ in timer.calls) * 1000 / runs,
        "queries": len(timer.calls) / runs,
        "slowest": (
            slowest[0] * 1000,
            re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", " ".join(slowest[1].split()))[:240],
        ),
        "own": [(where(key), value[2] * 1000 / runs, value[1]) for key, value in own],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args()
    client = Client()
    print("| target | wall ms | CPU ms | SQL ms | queries | slowest query (ms) |")
    print("| --- | --- | --- | --- | --- | --- |")
    details = []
    for name, resolve in selected():
        url = resolve()
        if url is None:
            print(f"| {name} | n/a | | | | |")
            continue
        row = profile(client, url, args.runs if "CSV export" not in name else 1, args.top)
        if row["status"] != 200:
            print(f"| {name} | HTTP {row['status']} | | | | |")
            continue
        print(
            f"| {name} | {row['wall_ms']:.1f} | {row['cpu_ms']:.1f} | {row['sql_ms']:.1f} | {row['queries']:g} "
            f"| {row['slowest'][0]:.1f} |"
        )
        details.append((name, url, row))
        sys.stdout.flush()
    for name, url, row in details:
        print(
            f"\n**{name}** `{url}` ({row['bytes']:,} bytes). Slowest query {row['slowest'][0]:.1f} ms: "
            f"`{row['slowest'][1]}`\n"
        )
        for func, ms, calls in row["own"]:
            print(f"- {ms:.2f} ms own time, {calls} calls: `{func}`")


if __name__ == "__main__":
    main()
