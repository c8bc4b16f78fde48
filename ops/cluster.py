"""
A deployment of real parts on this machine (docs/deploy.md): a PostgreSQL primary and a
streaming replica made with pg_basebackup, Redis, two gunicorn app servers and nginx in
front (load balancer, static files, a one-second microcache). Everything lives in the
git-ignored ``.run/cluster/`` folder; nothing here touches the machine's own PostgreSQL
(5432) or Redis (6379).

    python ops/cluster.py start      (make cluster)        build what is missing, start all
    python ops/cluster.py stop       (make cluster-stop)   stop all (data kept; `clean` removes it)
    python ops/cluster.py status
    python ops/cluster.py {stop,start}-{redis,replica,app1,app2}   used by the fault test

Ports come from the environment: CLUSTER_PORT (nginx, 8100), CLUSTER_PG_PORT (5440; the
replica is +1), CLUSTER_REDIS_PORT (6390), CLUSTER_APP_PORT (8101; the second is +1).
PG_BIN is where PostgreSQL's server programs are (default /usr/lib/postgresql/15/bin).
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
RUN = Path(os.environ.get("CLUSTER_DIR", ROOT / ".run" / "cluster"))
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = int(os.environ.get("CLUSTER_PORT", "8100"))
PG_PORT = int(os.environ.get("CLUSTER_PG_PORT", "5440"))
REPLICA_PORT = PG_PORT + 1
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "6390"))
APP_PORTS = [int(os.environ.get("CLUSTER_APP_PORT", "8101")), int(os.environ.get("CLUSTER_APP_PORT", "8101")) + 1]
PYTHON = Path(sys.executable)
DB = "sse_map"
PRIMARY_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB}"
REPLICA_URL = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DB}"


def say(message):
    print(f"cluster: {message}", flush=True)


def run(command, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run([str(part) for part in command], **kwargs)


# PostgreSQL refuses to run as root: as root, its programs run as the "postgres" user, in a
# folder of its own (.run/cluster/pg/).
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
PG = RUN / "pg"


def pg_run(command, **kwargs):
    return run([*AS_POSTGRES, *command], **kwargs)


def pg_folder():
    if not PG.exists():
        PG.mkdir(parents=True)
        if AS_POSTGRES:
            shutil.chown(PG, "postgres", "postgres")


def app_env():
    """The environment of each app server (docs/deploy.md, "The app servers")."""
    secret = RUN / "secret_key"
    if not secret.exists():
        RUN.mkdir(parents=True, exist_ok=True)
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    return {
        **os.environ,
        "SSE_MAP_ENV": "production",
        "SECRET_KEY": secret.read_text(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on this machine; on hosts TLS ends at the proxy (docs/deploy.md).
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": PRIMARY_URL,
        "DATABASE_REPLICA_URL": REPLICA_URL,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "NUM_PROXIES": "1",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(RUN / "static"),
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "3"),
        "LOG_FORMAT": "json",
        # All of the fault test's load comes from one address (this machine); on hosts keep the default.
        "API_ANON_THROTTLE_RATE": os.environ.get("CLUSTER_THROTTLE_RATE", "10000000/hour"),
    }


# --- PostgreSQL


def pg_ready(port):
    return run([PG_BIN / "pg_isready", "-h", "127.0.0.1", "-p", port, "-q"], check=False).returncode == 0


def wait_for(predicate, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"cluster: {what} did not come up within {seconds}s (logs in {RUN})")


def pg_ctl(data, action, port=None):
    command = [PG_BIN / "pg_ctl", "-D", data, "-l", PG / f"{data.name}.log", "-w", "-t", "60"]
    if action == "start":
        command += ["-o", f"-p {port} -k {PG}"]
    elif action == "stop":
        command += ["-m", "fast"]
    return pg_run([*command, action], check=False, stdout=subprocess.DEVNULL)


def build_primary():
    pg_folder()
    data = PG / "pg-primary"
    if data.exists():
        return
    say(f"initdb primary in {data}")
    pg_run([PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        stdout=subprocess.DEVNULL)
    settings = (
        "\n# make cluster (ops/cluster.py)\nlisten_addresses = '127.0.0.1'\nwal_level = replica\n"
        "max_wal_senders = 5\nwal_keep_size = '256MB'\nhot_standby = on\nmax_connections = 200\n"
    )
    pg_run(["sh", "-c", f"cat >> {data / 'postgresql.conf'}"], input=settings, text=True)
    pg_run(["sh", "-c", f"cat >> {data / 'pg_hba.conf'}"], input="host replication postgres 127.0.0.1/32 trust\n",
           text=True)


def build_replica():
    data = PG / "pg-replica"
    if data.exists():
        return
    say(f"pg_basebackup of the primary into {data} (streaming replica on port {REPLICA_PORT})")
    pg_run([PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-D", data,
         "-X", "stream", "-R", "-c", "fast"])


def start_pg(name, port):
    data = PG / name
    if pg_ready(port):
        return
    pg_ctl(data, "start", port)
    wait_for(lambda: pg_ready(port), f"PostgreSQL {name}")
    say(f"{name} up on 127.0.0.1:{port}")


def stop_pg(name):
    if (PG / name / "postmaster.pid").exists():
        pg_ctl(PG / name, "stop")
        say(f"{name} stopped")


# --- Redis


def redis_up():
    import redis  # imported here: ops/cluster.py runs as a script with the project's venv

    try:
        return redis.Redis(port=REDIS_PORT, socket_connect_timeout=0.3).ping()
    except redis.RedisError:
        return False


def start_redis():
    if redis_up():
        return
    # A cache: no persistence, so a restarted Redis is empty (never stale, caching/version.py).
    run([shutil.which("redis-server"), "--port", REDIS_PORT, "--bind", "127.0.0.1", "--daemonize", "yes",
         "--pidfile", RUN / "redis.pid", "--logfile", RUN / "redis.log", "--dir", RUN, "--save", "",
         "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"])
    wait_for(redis_up, "Redis")
    say(f"redis up on 127.0.0.1:{REDIS_PORT}")


def stop_redis():
    stop_pidfile(RUN / "redis.pid", "redis")


# --- The app servers and nginx


def pid_of(pidfile):
    try:
        pid = int(Path(pidfile).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def stop_pidfile(pidfile, what, sig=signal.SIGTERM):
    pid = pid_of(pidfile)
    if pid is None:
        return
    os.kill(pid, sig)
    deadline = time.monotonic() + 30
    while pid_of(pidfile) == pid and time.monotonic() < deadline:
        time.sleep(0.1)
    say(f"{what} stopped")


def http_ok(port, path="/healthz"):
    try:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_app(index):
    port = APP_PORTS[index]
    if http_ok(port):
        return
    name = f"app{index + 1}"
    run([PYTHON.parent / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--daemon", "--pid", RUN / f"{name}.pid", "--access-logfile", RUN / f"{name}.access.log",
         "--error-logfile", RUN / f"{name}.log", "--capture-output", "--control-socket", RUN / f"{name}.ctl"],
        cwd=ROOT, env=app_env())
    wait_for(lambda: http_ok(port), name)
    say(f"{name} (gunicorn) up on 127.0.0.1:{port}")


def stop_app(index, sig=signal.SIGTERM):
    stop_pidfile(RUN / f"app{index + 1}.pid", f"app{index + 1}", sig)


def kill_app(index):
    """What a crashed host looks like: the master and its workers killed at once (SIGKILL)."""
    pid = pid_of(RUN / f"app{index + 1}.pid")
    if pid is not None:
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    wait_for(lambda: not http_ok(APP_PORTS[index]), f"app{index + 1} to go away", seconds=10)
    say(f"app{index + 1} killed")


NGINX_CONF = """\
# Written by ops/cluster.py (make cluster); the same layout for hosts is in docs/deploy.md.
worker_processes 2;
pid {run}/nginx.pid;
error_log {run}/nginx.error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {run}/nginx-tmp/body;
    proxy_temp_path {run}/nginx-tmp/proxy;
    fastcgi_temp_path {run}/nginx-tmp/fastcgi;
    uwsgi_temp_path {run}/nginx-tmp/uwsgi;
    scgi_temp_path {run}/nginx-tmp/scgi;
    log_format main '$remote_addr "$request" $status $body_bytes_sent $request_time '
                    'upstream=$upstream_addr cache=$upstream_cache_status request_id=$request_id';
    access_log {run}/nginx.access.log main;
    sendfile on;
    keepalive_timeout 30;
    gzip on;
    gzip_types text/css application/javascript application/json application/geo+json image/svg+xml;

    # Microcache: anonymous GETs kept one second, so a burst on one page costs one render.
    proxy_cache_path {run}/nginx-cache levels=1:2 keys_zone=micro:10m max_size=200m inactive=60s;

    upstream app {{
        # An app server that fails is left alone for 5 s; requests go to the other one.
        server 127.0.0.1:{app1} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{app2} max_fails=1 fail_timeout=5s;
        keepalive 32;
    }}

    map $http_cookie$http_authorization $skip_microcache {{
        default 1;
        "" 0;
    }}

    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1 localhost;
        client_max_body_size 25m;

        location /static/ {{
            alias {run}/static/;
            expires 30d;
            add_header Cache-Control "public";
        }}

        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # $http_host keeps the port (8100 here): the API's absolute links must point back here.
            proxy_set_header Host $http_host;
            # The one proxy in front (NUM_PROXIES=1): the visitor's address is appended here.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Each request carries an id through nginx, gunicorn and the app's logs.
            proxy_set_header X-Request-ID $request_id;
            add_header X-Request-ID $request_id always;
            # A refused or broken connection (an app server killed) is retried on the other one;
            # only idempotent requests, never a POST that may have been half-done.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 35s;

            proxy_cache micro;
            proxy_cache_methods GET HEAD;
            proxy_cache_key "$scheme$host$request_uri$http_accept";
            proxy_cache_valid 200 1s;
            proxy_cache_bypass $skip_microcache;
            proxy_no_cache $skip_microcache;
            proxy_cache_lock on;
            add_header X-Microcache $upstream_cache_status always;
        }}
    }}
}}
"""


def nginx_bin():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("cluster: nginx is not installed (make cluster installs it: apt-get install nginx-light)")
    return found


def start_nginx():
    (RUN / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    conf = RUN / "nginx.conf"
    conf.write_text(NGINX_CONF.format(run=RUN, port=PORT, app1=APP_PORTS[0], app2=APP_PORTS[1]))
    run([nginx_bin(), "-t", "-q", "-p", RUN, "-c", conf])
    if pid_of(RUN / "nginx.pid"):
        run([nginx_bin(), "-p", RUN, "-c", conf, "-s", "reload"])
    else:
        run([nginx_bin(), "-p", RUN, "-c", conf])
    wait_for(lambda: http_ok(PORT), "nginx")
    say(f"nginx up on http://127.0.0.1:{PORT}/ (balancing 127.0.0.1:{APP_PORTS[0]} and :{APP_PORTS[1]})")


def stop_nginx():
    stop_pidfile(RUN / "nginx.pid", "nginx", signal.SIGQUIT)


# --- The whole


def manage(*args):
    run([PYTHON, ROOT / "manage.py", *args], cwd=ROOT, env=app_env())


def start():
    RUN.mkdir(parents=True, exist_ok=True)
    build_primary()
    start_pg("pg-primary", PG_PORT)
    if run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", PG_PORT,
            "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB}'"],
           capture_output=True, text=True).stdout.strip() != "1":
        run([PG_BIN / "createdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", DB])
        say(f"database {DB} created on the primary")
    build_replica()
    start_pg("pg-replica", REPLICA_PORT)
    start_redis()
    say("migrate, load the dataset and collect static files (on the primary)")
    manage("migrate", "--noinput", "-v0")
    if not (RUN / "dataset-loaded").exists():
        manage("load_dataset")
        manage("import_boundaries")
        (RUN / "dataset-loaded").touch()
    manage("collectstatic", "--noinput", "-v0")
    start_app(0)
    start_app(1)
    start_nginx()
    status()


def stop():
    stop_nginx()
    stop_app(0)
    stop_app(1)
    stop_redis()
    stop_pg("pg-replica")
    stop_pg("pg-primary")


def replica_lag():
    out = run([PG_BIN / "psql", "-h", "127.0.0.1", "-p", REPLICA_PORT, "-U", "postgres", "-tAc",
               "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "down"


def status():
    rows = [
        ("nginx", f"http://127.0.0.1:{PORT}/", http_ok(PORT)),
        ("app1", f"127.0.0.1:{APP_PORTS[0]}", http_ok(APP_PORTS[0])),
        ("app2", f"127.0.0.1:{APP_PORTS[1]}", http_ok(APP_PORTS[1])),
        ("redis", f"127.0.0.1:{REDIS_PORT}", redis_up()),
        ("primary", f"127.0.0.1:{PG_PORT}", pg_ready(PG_PORT)),
        ("replica", f"127.0.0.1:{REPLICA_PORT} (in recovery, replayed: {replica_lag()})", pg_ready(REPLICA_PORT)),
    ]
    for name, where, up in rows:
        print(f"  {name:8} {'up  ' if up else 'DOWN'}  {where}")
    return all(up for _, _, up in rows)


ACTIONS = {
    "start": start,
    "stop": stop,
    "status": lambda: sys.exit(0 if status() else 1),
    "clean": lambda: (stop(), shutil.rmtree(RUN, ignore_errors=True), say(f"removed {RUN}")),
    "stop-redis": stop_redis,
    "start-redis": start_redis,
    "stop-replica": lambda: stop_pg("pg-replica"),
    "start-replica": lambda: start_pg("pg-replica", REPLICA_PORT),
    "kill-app1": lambda: kill_app(0),
    "start-app1": lambda: start_app(0),
    "stop-app1": lambda: stop_app(0),
    "stop-app2": lambda: stop_app(1),
    "start-app2": lambda: start_app(1),
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ACTIONS:
        raise SystemExit(f"usage: {sys.argv[0]} {{{','.join(ACTIONS)}}}")
    ACTIONS[sys.argv[1]]()
