"""
gunicorn's settings for SSE Map, read from the working directory (``gunicorn sse_map.wsgi``);
the command line and GUNICORN_CMD_ARGS override them. ``make bench`` serves with these.
"""

import gc
import os

wsgi_app = "sse_map.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))


def post_worker_init(worker):
    # Django's modules, models and settings are loaded by now and live as long as the worker:
    # frozen, the collector's full passes skip them and only walk what requests leave behind,
    # which shortens the rare long pauses in the latency tail (docs/performance.md).
    gc.freeze()
