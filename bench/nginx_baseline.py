"""
The nginx baseline (issue 19): how fast nginx serves a static file of a target's size on
this machine, beside our own server (WhiteNoise under gunicorn) serving the same file.
Starts a private nginx (a temporary configuration, one worker per core, access log off)
on BENCH_NGINX_PORT (default 8106) and gunicorn as ``make bench`` does, measures each size
with wrk (``-c4``, BENCH_DURATION seconds), prints req/s and the ratio, and stops both.

    .venv/bin/python bench/nginx_baseline.py 5000 75000 600000
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from run import DURATION, PORT, WARMUP, start_server, wait_ready, wrk

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_PORT = int(os.environ.get("BENCH_NGINX_PORT", "8106"))


def nginx_config(root, static_root):
    return textwrap.dedent(f"""
        worker_processes auto;
        pid {root}/nginx.pid;
        error_log {root}/error.log warn;
        daemon off;
        events {{ worker_connections 1024; }}
        http {{
            access_log off;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 100000;
            client_body_temp_path {root}/body;
            proxy_temp_path {root}/proxy;
            fastcgi_temp_path {root}/fastcgi;
            uwsgi_temp_path {root}/uwsgi;
            scgi_temp_path {root}/scgi;
            types {{ text/html html; }}
            server {{
                listen 127.0.0.1:{NGINX_PORT};
                location /static/ {{ alias {static_root}/; }}
            }}
        }}
    """)


def main(sizes):
    root = Path(tempfile.mkdtemp(prefix="sse-map-nginx-"))
    static_root = root / "static"
    (static_root / "bench").mkdir(parents=True)
    for size in sizes:
        (static_root / "bench" / f"{size}.html").write_bytes((b"<p>static baseline</p>\n" * (size // 23 + 1))[:size])
    (root / "nginx.conf").write_text(nginx_config(root, static_root))
    nginx = subprocess.Popen([NGINX, "-c", str(root / "nginx.conf"), "-p", str(root)], start_new_session=True)
    _, server = start_server(static_root)
    try:
        wait_ready(f"http://127.0.0.1:{PORT}", server)
        print(f"{'bytes':>9} {'nginx req/s':>12} {'ours req/s':>11} {'ours/nginx':>10}")
        for size in sizes:
            rates = []
            for port in (NGINX_PORT, PORT):
                url = f"http://127.0.0.1:{port}/static/bench/{size}.html"
                wrk(url, WARMUP)
                result = wrk(url, DURATION)
                rates.append(result["requests"] / (result["duration_us"] / 1e6))
            print(f"{size:>9} {rates[0]:>12.0f} {rates[1]:>11.0f} {rates[1] / rates[0]:>10.0%}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        nginx.send_signal(signal.SIGQUIT)
        server.wait(timeout=30)
        nginx.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5000, 75000, 600000])
