# SSE Map's app server image (docs/deploy.md, "Containers"): gunicorn on :8000, settings from
# the environment. Static files are collected into /srv/static for nginx (a volume in compose.yaml).
# Base images pinned to the patch versions the suite runs on (bump them together with a test run).
ARG PYTHON_VERSION=3.11.7
ARG NODE_VERSION=20.20.2
FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY Makefile ./
RUN apt-get update -qq && apt-get install -y -qq make >/dev/null && mkdir -p static \
 && make vendor PYTHON=true BIN=/nonexistent

FROM python:${PYTHON_VERSION}-slim-bookworm
# /data: the one folder the app may write (a SQLite database, backups); mount a volume there.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SSE_MAP_ENV=production STATIC_ROOT=/srv/static \
    GUNICORN_BIND=0.0.0.0:8000 LOG_FORMAT=json BACKUP_DIR=/data/backups
# postgresql-client: pg_dump / pg_restore 15 for `manage.py backup` / `restore` (Debian bookworm's).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /app sse && install -d -o sse -g sse /data
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/static/vendor static/vendor
COPY --from=assets /src/.build .build
# collectstatic needs settings only: a throwaway key for this one step, never at run time.
RUN SECRET_KEY=build-only-not-used-at-run-time-0123456789 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0 && chown -R sse /srv/static
# No compilemessages (nor gettext) in the image: the compiled catalogues (locale/*/LC_MESSAGES/
# django.mo) are committed beside their .po files, so the seven languages come with the copy.
# Code and settings stay root-owned (read-only to the app); it runs as the unprivileged `sse`.
USER sse
VOLUME /data
EXPOSE 8000
# /healthz is answered before host validation and the HTTPS redirect (ops/health.py), so this
# probe works whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT are.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
