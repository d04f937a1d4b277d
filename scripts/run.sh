#!/usr/bin/env bash
# Quick start: install what is missing, index data/samples, start the API and the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/citeqa up "$@"
