"""
gunicorn's settings for SSE Map, read from the working directory (``gunicorn sse_map.wsgi``);
the command line and GUNICORN_CMD_ARGS override them. ``make bench`` and ``make cluster`` serve
with these. Each setting can be changed from the environment (docs/deploy.md).
"""

import gc
import os

wsgi_app = "sse_map.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A worker stuck longer than this on one request is killed and replaced; on a restart,
# workers get this long to finish the requests they are serving.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Behind nginx's keep-alive upstream connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle each worker after about this many requests (jittered so they do not all restart at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Access log on stdout ("-") unless told otherwise, with the request id nginx sent (X-Request-ID)
# so a line here, nginx's and the app's JSON logs can be matched.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}i)s forwarded_for="%({x-forwarded-for}i)s"'
)
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# nginx talks to us on the loopback or a private network; it sets X-Forwarded-* (NUM_PROXIES in Django).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    # Django's modules, models and settings are loaded by now and live as long as the worker:
    # frozen, the collector's full passes skip them and only walk what requests leave behind,
    # which shortens the rare long pauses in the latency tail (docs/performance.md).
    gc.freeze()
