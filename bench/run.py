"""
`make bench`: load PostgreSQL at a scale, serve the app under gunicorn, drive load with wrk.

Environment (all optional):
  BENCH_SCALE        synthetic scale to load and serve (default 100)
  BENCH_DATABASE_URL database for that scale (default postgres://postgres@127.0.0.1:5432/sse_map_bench)
  BENCH_SCALE1_URL   database loaded at scale 1 for the query-count comparison
                     (default postgres://postgres@127.0.0.1:5432/sse_map_perf; "" to skip)
  BENCH_PORT         port gunicorn listens on (default 8105)
  BENCH_DURATION     seconds of measured load per target and mode (default 10)
  BENCH_WARMUP       seconds of warm-up load per target and mode (default 2)
  BENCH_CONNECTIONS  concurrent connections wrk keeps open (default 4: two per worker, so the
                     workers never wait for work; the throughput rows)
  BENCH_LATENCY_CONNECTIONS  connections for the extra "uncached, 1 per worker" row (default: skipped; 2 is one
                     per worker: the workers stay busy but no request queues behind another,
                     so its percentiles are the request's own latency under full load; "" to skip)
  BENCH_REDIS_URL    Redis for the response cache (default redis://127.0.0.1:6379/0)
  BENCH_THROTTLE_RATE the anonymous API throttle's rate while serving (default 100000000/hour:
                     on, as shipped, but never refusing wrk); "" turns it off
  BENCH_ONLY         measure only the targets whose name contains one of these comma-separated
                     words (e.g. BENCH_ONLY="api org-types (100,home"); default: every target
  BENCH_JSON         also write every row's figures to this JSON file

Each target is measured twice: "cached" (anonymous, served from the response
cache after the warm-up) and "uncached" (the request carries a CSRF cookie,
which makes the cache step aside, so every request renders and queries).

Beside req/s and p50/p95/p99 each row gives the server's CPU milliseconds per
request: the CPU time (user + system, /proc/<pid>/stat) the gunicorn workers
spent during the measured run over the requests served ("app ms"), and the same
for the PostgreSQL backends serving them ("db ms"; only when the workers keep
their connections, CONN_MAX_AGE > 0). CPU time is far steadier than req/s on a
shared machine. "load" is the 1-minute load average at the end of the row and
"busy" the share of the machine's CPUs in use during it (everything, not just us).

The server runs with the production settings as shipped: DEBUG off, Redis, the
default CONN_MAX_AGE, and the anonymous throttle on (at BENCH_THROTTLE_RATE, high
enough that wrk is never refused, so what a throttled request costs is measured).
"""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from targets import CSV_EXPORT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")

SCALE = int(os.environ.get("BENCH_SCALE", "100"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sse_map_bench")
SCALE1_URL = os.environ.get("BENCH_SCALE1_URL", "postgres://postgres@127.0.0.1:5432/sse_map_perf")
PORT = int(os.environ.get("BENCH_PORT", "8105"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
LATENCY_CONNECTIONS = os.environ.get("BENCH_LATENCY_CONNECTIONS", "")
THROTTLE_RATE = os.environ.get("BENCH_THROTTLE_RATE", "100000000/hour")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
# Any cookie of ours makes the response cache step aside; a CSRF cookie costs no query.
UNCACHED_HEADER = "Cookie: csrftoken=" + "b" * 32


def log(message):
    print(message, file=sys.stderr, flush=True)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def django_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SSE_MAP_ENV", "DEBUG"}}
    # The API's anonymous throttle would turn a load test into 429s (the server sets its own rate).
    env.update(DATABASE_URL=database_url, API_ANON_THROTTLE_RATE="")
    env.update(extra)
    return env


def ensure_database(database_url, scale):
    """Create, migrate and load the database at ``scale`` unless it already holds exactly that."""
    name = database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["psql", database_url.rsplit("/", 1)[0] + "/postgres", "-qc", f"CREATE DATABASE {name}"], capture_output=True
    )
    env = django_env(database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_dataset", "-v0")
    expected = scale * 6 * 17  # org types per scale unit: see bench.synthetic
    count = (
        subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from orgs.models import OrganizationType as T; "
                "print(T.objects.filter(slug__startswith='syn-').count())",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if int(count) != expected:
        log(f"Loading {name} at scale {scale} (it holds {count} synthetic types, {expected} wanted)...")
        manage(env, "generate_synthetic", "--scale", str(scale), "--replace")
    else:
        log(f"{name} already holds scale {scale}.")
    manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")


def probe(database_url, *args):
    result = subprocess.run(
        [PYTHON, str(HERE / "probe.py"), *args],
        cwd=ROOT,
        env=django_env(database_url),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing Debian's package...")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-q", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def wrk(url, seconds, extra_header=None, connections=None):
    connections = connections or CONNECTIONS
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(HERE / "report.lua")]
    if extra_header:
        cmd += ["-H", extra_header]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def start_server(static_root, database_url=DATABASE_URL, port=PORT, **extra):
    # DEBUG off as in production (no query log, WhiteNoise serves the collected files); the
    # production-only settings (HTTPS redirect, secure cookies) play no part on loopback.
    env = django_env(
        database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        STATIC_ROOT=str(static_root),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"sse-map-bench-{os.getpid()}",
        LOG_LEVEL="WARNING",
        API_ANON_THROTTLE_RATE=THROTTLE_RATE,
        **extra,
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    return env, subprocess.Popen(
        [GUNICORN, "sse_map.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def settle(url, timeout=120):
    """Wait until the server answers ``url`` quickly again: slow requests queued by the last run are done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(url, timeout=timeout).read()
        except OSError:
            pass
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def wait_ready(base, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it was ready")
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def fmt_ms(us):
    return f"{us / 1000:.1f}"


# Server CPU per request --------------------------------------------------------


def cpu_ticks(pid):
    """User + system CPU time of a process so far, in clock ticks; None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0]
    return int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)


def children(pid):
    """The processes whose parent is ``pid`` (the gunicorn workers of the master)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return sorted(out)


def db_backends(database_url):
    """PIDs of the PostgreSQL backends connected to the benchmark's database (but this query's own)."""
    name = database_url.rsplit("/", 1)[1]
    result = subprocess.run(
        [
            "psql", database_url, "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}' AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()",
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    return sorted(int(line) for line in result.stdout.split() if line.strip().isdigit())


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


SLOW_REQUESTS = int(os.environ.get("BENCH_SLOW_REQUESTS", "3"))  # fewer in wrk's window: timed one by one


def sequential(url, header, meter, count=3):
    """``count`` requests one after another (after the warm-up wrk gave): wrk's figures, for a slow target."""
    settle_deadline = time.monotonic() + 300
    while time.monotonic() < settle_deadline and any(cpu_busy(pid) for pid in children(meter.master_pid)):
        time.sleep(0.5)  # let the requests wrk left queued finish first
    headers = dict([header.split(": ", 1)]) if header else {}
    meter.start()
    times = []
    for _ in range(count):
        started = time.monotonic()
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=300) as response:
            response.read()
        times.append(time.monotonic() - started)
    result = {"requests": count, "duration_us": sum(times) * 1e6, "socket_errors": 0, "status_errors": 0}
    times.sort()
    result.update(p50_us=times[count // 2] * 1e6, p95_us=times[-1] * 1e6, p99_us=times[-1] * 1e6, sequential=True)
    result.update(meter.stop(count))
    return result


def cpu_busy(pid, interval=0.2):
    before = cpu_ticks(pid)
    time.sleep(interval)
    after = cpu_ticks(pid)
    return before is not None and after is not None and after - before > interval * CLOCK_TICKS / 4


class CPUMeter:
    """CPU time the workers (and their database backends) spend between ``start()`` and ``stop()``."""

    def __init__(self, master_pid, database_url):
        self.master_pid, self.database_url = master_pid, database_url

    def start(self):
        self.workers = children(self.master_pid)
        self.backends = db_backends(self.database_url)
        self.before = {pid: cpu_ticks(pid) for pid in self.workers + self.backends}
        self.machine = machine_ticks()

    def stop(self, requests):
        after = {pid: cpu_ticks(pid) for pid in self.before}
        busy, total = (now - then for now, then in zip(machine_ticks(), self.machine, strict=True))
        out = {"busy": busy / total if total else None, "load": os.getloadavg()[0]}

        def per_request(pids):
            if not pids or any(after[pid] is None or self.before[pid] is None for pid in pids) or not requests:
                return None
            return sum(after[pid] - self.before[pid] for pid in pids) * 1000 / CLOCK_TICKS / requests

        # A worker that restarted, or a backend that came and went (CONN_MAX_AGE=0), spoils the sum: not reported.
        same_workers = children(self.master_pid) == self.workers
        out["app_ms"] = per_request(self.workers) if same_workers else None
        same_backends = db_backends(self.database_url) == self.backends
        out["db_ms"] = per_request(self.backends) if same_backends else None
        return out


def main():
    ensure_wrk()
    ensure_database(DATABASE_URL, SCALE)
    probed = probe(DATABASE_URL)
    for row in probed:
        if row["name"] == CSV_EXPORT and row.get("status") == 200:
            row.update(probe(DATABASE_URL, "--stream", row["url"]))
    scale1 = None
    if SCALE1_URL:
        ensure_database(SCALE1_URL, 1)
        scale1 = {row["name"]: row for row in probe(SCALE1_URL)}

    static_root = Path(tempfile.mkdtemp(prefix="sse-map-bench-static-"))
    (static_root / "bench").mkdir()
    for row in probed:
        if row.get("status") == 200:
            # The physical baseline: a static file of exactly the target's size, served by the same server.
            size = row["bytes"]
            (static_root / "bench" / f"{size}.html").write_bytes(
                (b"<p>static baseline</p>\n" * (size // 23 + 1))[:size]
            )

    env, server = start_server(static_root)
    base = f"http://127.0.0.1:{PORT}"
    rows = []
    try:
        wait_ready(base, server)
        meter = CPUMeter(server.pid, DATABASE_URL)
        log(f"Serving scale {SCALE} at {base} with 2 gunicorn workers; {DURATION}s per measurement.")
        for row in probed:
            if row.get("status") != 200:
                status = row.get("status")
                rows.append((row, "n/a (not built)" if status in (404, None) else f"n/a (HTTP {status})", None, None))
                continue
            static_url = f"{base}/static/bench/{row['bytes']}.html"
            settle(static_url)
            log(f"  {row['name']} [static baseline] {static_url}")
            wrk(static_url, WARMUP)
            meter.start()
            static = wrk(static_url, DURATION)
            static.update(meter.stop(static["requests"]))
            static_rps = static["requests"] / (static["duration_us"] / 1e6)
            static["static_rps"] = static_rps
            rows.append((row, "static same size", static, static_rps))
            modes = [("cached", None, None), ("uncached", UNCACHED_HEADER, None)]
            if LATENCY_CONNECTIONS:
                modes.append(("uncached, 1/worker", UNCACHED_HEADER, int(LATENCY_CONNECTIONS)))
            for mode, header, connections in modes:
                settle(static_url)
                log(f"  {row['name']} [{mode}] {row['url']}")
                wrk(base + row["url"], WARMUP, header, connections)
                meter.start()
                result = wrk(base + row["url"], DURATION, header, connections)
                result.update(meter.stop(result["requests"]))
                if result["requests"] < SLOW_REQUESTS:
                    # Too slow for wrk's window (its unfinished requests count for nothing): time a few, one by one.
                    result = sequential(base + row["url"], header, meter)
                result["static_rps"] = static_rps
                rows.append((row, mode, result, result["requests"] / (result["duration_us"] / 1e6)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)

    print(
        f"\nSSE Map benchmark: scale {SCALE} on PostgreSQL, gunicorn 2 sync workers, wrk 1 thread "
        f"{CONNECTIONS} connections ('uncached, 1/worker': {LATENCY_CONNECTIONS or '-'}), {DURATION}s per row, "
        "response cache in Redis, production settings as shipped (throttle on). 'vs static' compares with a "
        "static file of the same size served by the same server just before. app ms / db ms = CPU milliseconds "
        "per request of the gunicorn workers / of their PostgreSQL backends. SQL = queries per request. "
        "load = 1-min load average, busy = machine CPU in use during the row. '(1 by 1)': too slow for wrk's "
        f"window, {SLOW_REQUESTS} requests one after another (p95 and p99 are then the slowest of them).\n"
    )
    header = (
        f"{'target':36} {'mode':18} {'bytes':>9} {'req/s':>8} {'app ms':>7} {'db ms':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'vs static':>9} {'SQL@1':>6} {f'SQL@{SCALE}':>8} {'errors':>6} "
        f"{'load':>5} {'busy':>5}"
    )
    print(header)
    print("-" * len(header))
    for row, mode, result, rps in rows:
        if result is None:
            print(f"{row['name']:36} {mode}")
            continue
        q1 = qn = ratio = "-"
        if mode != "static same size":
            key = "queries_hit" if mode == "cached" else "queries_miss"  # both uncached modes miss
            qn = str(row[key])
            if scale1 and scale1.get(row["name"], {}).get("status") == 200:
                q1 = str(scale1[row["name"]][key])
            ratio = f"{rps / result['static_rps']:.0%}" if result["static_rps"] else "-"
        errors = result["socket_errors"] + result["status_errors"]
        if result.get("sequential"):
            mode = f"{mode} (1 by 1)"
        app = "-" if result.get("app_ms") is None else f"{result['app_ms']:.2f}"
        db = "-" if result.get("db_ms") is None else f"{result['db_ms']:.2f}"
        busy = "-" if result.get("busy") is None else f"{result['busy']:.0%}"
        print(
            f"{row['name']:36} {mode:18} {row['bytes']:>9} {rps:8.0f} {app:>7} {db:>6} "
            f"{fmt_ms(result['p50_us']):>7} {fmt_ms(result['p95_us']):>7} {fmt_ms(result['p99_us']):>7} "
            f"{ratio:>9} {q1:>6} {qn:>8} {errors:>6} {result.get('load', 0):5.1f} {busy:>5}"
        )
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(
            json.dumps(
                [
                    {"target": r["name"], "url": r["url"], "mode": m, "rps": rps, **(res or {})}
                    for r, m, res, rps in rows
                ],
                indent=1,
            )
        )
    for row in probed:
        if row.get("memory_growth_mb") is not None:
            print(
                f"\n{row['name']}: {row['stream_bytes']} bytes streamed, peak memory growth "
                f"{row['memory_growth_mb']} MB (fresh process, scale {SCALE})."
            )


if __name__ == "__main__":
    main()
