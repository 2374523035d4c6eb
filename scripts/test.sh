#!/usr/bin/env bash
# The whole test run: lint, migration check, the suite on SQLite, then on PostgreSQL when
# DATABASE_URL is set (or TEST_POSTGRES=auto finds one on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# Browser tests drive Debian's Chromium; install it when missing (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The register workbook is converted to PDF by LibreOffice in its tests; install Debian's
# headless Calc when missing (never a downloaded binary).
if ! command -v soffice >/dev/null 2>&1; then
  echo "Installing Debian's libreoffice-calc-nogui for the register workbook tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
# A CJK font makes the Chinese screenshots readable; the tests check text, so this may fail.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 \
    || echo "fonts-noto-cjk not installed: Chinese screenshots will show boxes"
fi

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== import layers (import-linter)"
$BIN/lint-imports

echo "== types (mypy)"
DATABASE_URL= $BIN/mypy .

echo "== migrations are up to date"
DATABASE_URL= $BIN/python manage.py makemigrations --check --dry-run -v1

echo "== OpenAPI schema validates"
DATABASE_URL= $BIN/python manage.py spectacular --validate --fail-on-warn --file /dev/null

PG_URL="${DATABASE_URL:-}"
if [ -z "$PG_URL" ] && [ "${TEST_POSTGRES:-}" = "auto" ]; then
  if $BIN/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
  then PG_URL="postgres://postgres@127.0.0.1:5432/fairlink"; fi
fi

echo "== test suite on SQLite"
DATABASE_URL= $BIN/pytest -p no:cacheprovider "$@"

if [ -n "$PG_URL" ]; then
  echo "== test suite on PostgreSQL"
  DATABASE_URL="$PG_URL" $BIN/pytest -p no:cacheprovider --create-db "$@"
else
  echo "== PostgreSQL run skipped (set DATABASE_URL or TEST_POSTGRES=auto)"
fi
