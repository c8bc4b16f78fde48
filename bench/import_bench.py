"""
`make bench-import`: time the import of 10,000-row files, as an analyst would run them.

1. copies the scale-100 benchmark database (``make bench`` loads it) into a scratch
   database, so the benchmark database is never written;
2. exports the synthetic organization types and their references with ``export_data``,
   renames the first ``BENCH_IMPORT_ROWS`` types (new slugs and names, drafts) so that
   every row is a new record, and keeps the references of those types (whose cells
   the imported types get on creation);
3. runs ``import_data org-types`` then ``import_data references`` on those files, each in
   a fresh process, and prints rows, seconds and rows per second for each;
4. drops the scratch database.

Environment (all optional):
  BENCH_DATABASE_URL  the loaded benchmark database (default postgres://postgres@127.0.0.1:5432/sse_map_bench)
  BENCH_IMPORT_ROWS   rows per file (default 10000)
"""

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SOURCE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sse_map_bench")
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
SERVER, SOURCE_DB = SOURCE_URL.rsplit("/", 1)
SCRATCH_DB = f"{SOURCE_DB}_import"
SCRATCH_URL = f"{SERVER}/{SCRATCH_DB}"


def log(message):
    print(message, file=sys.stderr, flush=True)


def psql(sql):
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", sql], check=True, capture_output=True)


def env():
    out = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SSE_MAP_ENV", "DEBUG"}}
    out.update(DATABASE_URL=SCRATCH_URL, DEBUG="false")
    return out


def manage(*args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env(), check=True, capture_output=capture, text=True
    )


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main():
    psql(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
    log(f"Copying {SOURCE_DB} into {SCRATCH_DB}...")
    psql(f"CREATE DATABASE {SCRATCH_DB} TEMPLATE {SOURCE_DB}")
    try:
        types = [
            r for r in rows_of(manage("export_data", "org-types", capture=True).stdout) if r["slug"].startswith("syn-")
        ]
        if len(types) < ROWS:
            sys.exit(f"{SOURCE_DB} holds {len(types)} synthetic types; load scale 100 first (make bench).")
        types = types[:ROWS]
        renamed = {row["slug"]: "imp-" + row["slug"][len("syn-") :] for row in types}
        for row in types:
            row.update(slug=renamed[row["slug"]], name=row["name"] + " (imported)", publication_status="draft")
        evidence = [
            {**row, "org_type": renamed[row["org_type"]]}
            for row in rows_of(manage("export_data", "references", capture=True).stdout)
            if row["org_type"] in renamed
        ][:ROWS]
        results = []
        with tempfile.TemporaryDirectory() as folder:
            for model, rows in (("org-types", types), ("references", evidence)):
                path = Path(folder) / f"{model}-{len(rows)}.csv"
                write(path, rows)
                log(f"import_data {model} {path.name} ({len(rows)} rows)...")
                start = time.perf_counter()
                manage("import_data", model, str(path), "-v0")
                results.append((model, len(rows), time.perf_counter() - start))
        print(f"\n{'file':<12} {'rows':>7} {'seconds':>8} {'rows/s':>7}")
        for model, count, seconds in results:
            print(f"{model:<12} {count:>7,} {seconds:>8.1f} {count / seconds:>7.0f}")
    finally:
        psql(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")


if __name__ == "__main__":
    main()
