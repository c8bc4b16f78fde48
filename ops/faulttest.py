"""
`make faulttest` (not part of `make test`): 60 s at 50 connections over public pages and API
reads against the cluster of `make cluster` (through nginx), while in turn Redis is stopped
and started, one app server is killed (SIGKILL) and restarted, and the replica is stopped and
started. Prints, per phase, the requests, the errors by status and the 95th percentile; every
answer is compared with the primary's (the same URL rendered in this process from the primary
alone, no replica, no Redis). Fails on any 5xx, connection error or wrong answer.

Every other request carries a distinct query string (?v=N) so it misses both caches and
really reads a database (the replica, or the primary when it is down or behind).

Environment: FAULTTEST_DURATION (60), FAULTTEST_CONNECTIONS (50).
"""

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops import cluster  # noqa: E402 - the project's root on the path first

DURATION = int(os.environ.get("FAULTTEST_DURATION", "60"))
CONNECTIONS = int(os.environ.get("FAULTTEST_CONNECTIONS", "50"))
VARIANTS = 8
PAGES = ["/", "/methodology/", "/compare/", "/sources/", "/families/", "/search/?q=cooperative"]
API = ["/api/v1/countries/", "/api/v1/org-types/?page_size=50", "/api/v1/laws/?page_size=50",
       "/api/v1/classification/", "/api/v1/families/"]
# (start second as a fraction of the run, phase name, action at its start)
PHASES = [
    (0.00, "baseline", None),
    (0.13, "redis stopped", "stop-redis"),
    (0.30, "redis started", "start-redis"),
    (0.43, "app1 killed", "kill-app1"),
    (0.60, "app1 restarted", "start-app1"),
    (0.73, "replica stopped", "stop-replica"),
    (0.90, "replica started", "start-replica"),
]


def reference(urls):
    """Each URL as the primary alone answers it (separate process: primary only, local-memory cache)."""
    env = {**cluster.app_env(), "DJANGO_SETTINGS_MODULE": "sse_map.settings", "LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_REPLICA_URL")
    env.pop("REDIS_URL")
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST=sys.argv[1])\n"
        "urls = json.load(sys.stdin)\n"
        "out = {}\n"
        "for u in urls:\n"
        "    r = c.get(u, HTTP_ACCEPT='application/json' if u.startswith('/api/') else 'text/html')\n"
        "    out[u] = [r.status_code, r.content.decode()]\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, f"127.0.0.1:{cluster.PORT}"], input=json.dumps(urls),
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"faulttest: could not render the reference answers: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def normalize(url, body):
    if url.startswith("/api/"):
        return json.loads(body)
    # The CSRF token and per-render nonces are the only parts of a page allowed to differ.
    return re.sub(r'(csrfmiddlewaretoken" value="|nonce-)[^"\s;]+', r"\1", body)


def main():
    if not cluster.status():
        raise SystemExit("faulttest: the cluster is not (fully) up; run `make cluster` first.")
    urls = []
    for path in PAGES + API:
        urls.append(path)
        sep = "&" if "?" in path else "?"
        if not path.startswith("/api/"):  # the API refuses unknown parameters; pages ignore them
            urls += [f"{path}{sep}v={n}" for n in range(VARIANTS)]
    print(f"faulttest: rendering {len(urls)} reference answers from the primary alone...", flush=True)
    expected = {url: (status, normalize(url, body)) for url, (status, body) in reference(urls).items()}
    bad_reference = [url for url, (status, _) in expected.items() if status != 200]
    if bad_reference:
        raise SystemExit(f"faulttest: the primary does not answer 200 for {bad_reference}")

    # Warm-up, not counted: each URL once, so the run measures a running site, not its first renders.
    for url in urls:
        conn = http.client.HTTPConnection("127.0.0.1", cluster.PORT, timeout=60)
        conn.request("GET", url, headers={"Accept": "application/json" if url.startswith("/api/") else "text/html"})
        conn.getresponse().read()
        conn.close()

    results = []  # (phase, status, seconds, wrong)
    lock = threading.Lock()
    phase = {"name": PHASES[0][1]}
    stop_at = time.monotonic() + DURATION

    def worker(index):
        conn = None
        n = index
        while time.monotonic() < stop_at:
            url = urls[n % len(urls)]
            n += 7
            name = phase["name"]
            started = time.monotonic()
            status, wrong = None, False
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", cluster.PORT, timeout=30)
                accept = "application/json" if url.startswith("/api/") else "text/html"
                conn.request("GET", url, headers={"Accept": accept})
                response = conn.getresponse()
                body = response.read().decode()
                status = response.status
                if status == 200:
                    wrong = normalize(url, body) != expected[url][1]
            except (OSError, http.client.HTTPException) as exc:
                status = f"error {type(exc).__name__}"
                conn = None
            with lock:
                results.append((name, status, time.monotonic() - started, wrong, url))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for start, name, action in PHASES[1:]:
        time.sleep(max(0.0, began + start * DURATION - time.monotonic()))
        phase["name"] = name
        print(f"faulttest: t={time.monotonic() - began:5.1f}s  {name}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "ops" / "cluster.py"), action], check=True,
                       stdout=subprocess.DEVNULL)
    for thread in threads:
        thread.join()
    cluster.status()

    by_phase = defaultdict(list)
    for row in results:
        by_phase[row[0]].append(row)
    print(f"\n{'phase':18} {'requests':>8} {'req/s':>7} {'p95 ms':>8}  {'wrong':>5}  statuses")
    total_5xx = total_errors = total_wrong = 0
    for _, name, _ in PHASES:
        rows = by_phase.get(name, [])
        if not rows:
            continue
        times = sorted(row[2] for row in rows)
        p95 = times[int(0.95 * (len(times) - 1))] * 1000
        statuses = Counter(row[1] for row in rows)
        wrong = sum(1 for row in rows if row[3])
        index = [n for _, n, _ in PHASES].index(name)
        ends = PHASES[index + 1][0] if index + 1 < len(PHASES) else 1.0
        seconds = (ends - PHASES[index][0]) * DURATION
        total_5xx += sum(count for status, count in statuses.items() if isinstance(status, int) and status >= 500)
        total_errors += sum(count for status, count in statuses.items() if not isinstance(status, int))
        total_wrong += wrong
        print(f"{name:18} {len(rows):8} {len(rows) / seconds:7.0f} {p95:8.1f}  {wrong:5}  "
              + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str)))
    print(f"\ntotal {len(results)} requests in {DURATION}s at {CONNECTIONS} connections "
          f"({len(results) / DURATION:.0f}/s); 5xx: {total_5xx}; connection errors: {total_errors}; "
          f"wrong answers: {total_wrong}")
    wrong_urls = Counter(row[4] for row in results if row[3])
    if wrong_urls:
        print("wrong answers on:", dict(wrong_urls.most_common(5)))
    if total_5xx or total_errors or total_wrong:
        raise SystemExit("faulttest: FAILED")
    print("faulttest: passed (0 5xx, 0 connection errors, 0 wrong answers)")


if __name__ == "__main__":
    main()
