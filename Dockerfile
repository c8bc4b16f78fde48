# SSE Map's app server image (docs/deploy.md, "Containers"): gunicorn on :8000, settings from
# the environment. Static files are collected into /srv/static for nginx (a volume in compose.yaml).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY Makefile ./
RUN apt-get update -qq && apt-get install -y -qq make >/dev/null && mkdir -p static \
 && make vendor PYTHON=true BIN=/nonexistent

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SSE_MAP_ENV=production STATIC_ROOT=/srv/static \
    GUNICORN_BIND=0.0.0.0:8000 LOG_FORMAT=json
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /app sse
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/static/vendor static/vendor
COPY --from=assets /src/.build .build
# collectstatic needs settings only: a throwaway key for this one step, never at run time.
RUN SECRET_KEY=build-only-not-used-at-run-time-0123456789 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0 && chown -R sse /srv/static
USER sse
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["gunicorn"]
