#!/usr/bin/env bash
# The whole test suite: install what is missing (Python deps, models, Chromium), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test

CHROMIUM="${CITEQA_CHROMIUM:-/usr/bin/chromium}"
# Noto CJK: Chinese renders in the browser tests and in the page images the OCR tests read
if [ ! -x "$CHROMIUM" ] || ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
  echo "==> installing Debian's chromium and fonts-noto-cjk for the browser and OCR tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

# the API suite runs on SQLite and on a real PostgreSQL server (tests/api/conftest.py)
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "==> installing Debian's postgresql for the database tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

# replicas sharing rate limits through Redis (tests/integration/test_shared_limits.py)
if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> installing Debian's redis-server for the shared-limits tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
