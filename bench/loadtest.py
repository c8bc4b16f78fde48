"""
`make loadtest`: a bounded load test on loopback. PostgreSQL loaded with the
shipped dataset (plus a synthetic scale), the app under gunicorn as in
`make bench`, and wrk keeping 50 connections busy for 60 s over public pages
and API reads (every 4th request bypasses the response cache). It passes when
there are zero socket errors, zero 4xx (so no throttling 429) and zero 5xx;
it prints the figures either way.

Reuses `make bench`'s pieces (bench/run.py): database loading, gunicorn start,
wrk. Environment (all optional):
  LOADTEST_DATABASE_URL   default postgres://postgres@127.0.0.1:5432/sse_map_loadtest
  LOADTEST_PORT           gunicorn's port (default 8107)
  LOADTEST_SCALE          synthetic scale loaded on top of the dataset (default 10; 0 for none)
  LOADTEST_DURATION       seconds (default 60)
  LOADTEST_CONNECTIONS    concurrent connections (default 50)
  LOADTEST_UNCACHED_EVERY every Nth request skips the response cache (default 4; 0 never)
  LOADTEST_THROTTLE_RATE  the anonymous API rate during the run (default 1000000/minute)
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATABASE_URL = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sse_map_loadtest")
PORT = int(os.environ.get("LOADTEST_PORT", "8107"))
SCALE = int(os.environ.get("LOADTEST_SCALE", "10"))
DURATION = int(os.environ.get("LOADTEST_DURATION", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "50"))
UNCACHED_EVERY = int(os.environ.get("LOADTEST_UNCACHED_EVERY", "4"))
# The API throttles anonymous reads per address; all load comes from one address, so the
# rate is raised for the run (settings read API_ANON_THROTTLE_RATE per request).
THROTTLE_RATE = os.environ.get("LOADTEST_THROTTLE_RATE", "1000000/minute")

import run  # noqa: E402  (bench/run.py: `make bench`'s harness)


def load_paths():
    result = subprocess.run(
        [run.PYTHON, str(HERE / "loadtest_urls.py")],
        cwd=run.ROOT,
        env=run.django_env(DATABASE_URL),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr.strip().splitlines()[-1])
    return result.stdout.split()


def drive(base, paths_file):
    cmd = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--timeout",
        "30s",
        "-s",
        str(HERE / "loadtest.lua"),
        base,
        "--",
        str(paths_file),
        str(UNCACHED_EVERY),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    run.ensure_wrk()
    run.ensure_database(DATABASE_URL, SCALE)
    paths = load_paths()
    workdir = Path(tempfile.mkdtemp(prefix="sse-map-loadtest-"))
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    (workdir / "static").mkdir()
    env, server = run.start_server(
        workdir / "static", database_url=DATABASE_URL, port=PORT, API_ANON_THROTTLE_RATE=THROTTLE_RATE
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        run.wait_ready(base, server)
        run.log(f"Load: {CONNECTIONS} connections for {DURATION}s over {len(paths)} URLs at {base}...")
        result = drive(base, paths_file)
        server_alive = server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    seconds = result["duration_us"] / 1e6
    socket_errors = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    print(
        f"\nSSE Map load test: {CONNECTIONS} connections, {seconds:.0f}s, {len(paths)} URLs (pages and API), "
        f"scale {SCALE} on PostgreSQL, gunicorn 2 sync workers, every {UNCACHED_EVERY or 'no'}th request uncached, "
        f"anonymous API throttle {THROTTLE_RATE}.\n"
        f"  requests       {result['requests']:>10,}  ({result['requests'] / seconds:,.0f} req/s, "
        f"{result['bytes'] / 1e6:,.1f} MB)\n"
        f"  latency ms     p50 {result['p50_us'] / 1000:.1f}  p95 {result['p95_us'] / 1000:.1f}  "
        f"p99 {result['p99_us'] / 1000:.1f}  max {result['max_us'] / 1000:.1f}\n"
        f"  status         2xx {result['status_2xx']:,}  3xx {result['status_3xx']:,}  "
        f"4xx {result['status_4xx']:,}  5xx {result['status_5xx']:,}\n"
        f"  socket errors  {socket_errors} (connect {result['connect_errors']}, read {result['read_errors']}, "
        f"write {result['write_errors']}, timeout {result['timeouts']})"
    )
    failed = socket_errors or result["status_4xx"] or result["status_5xx"] or not server_alive
    answered = result["status_2xx"] + result["status_3xx"] + result["status_4xx"] + result["status_5xx"]
    if answered != result["requests"]:
        failed = True
        print(f"  {result['requests'] - answered} requests got no counted answer")
    print("FAILED" if failed else "PASSED: zero errors, zero 4xx, zero 5xx.")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
