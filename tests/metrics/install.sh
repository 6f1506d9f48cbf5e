#!/usr/bin/env bash
# Installs the Prometheus client library, pinned (requirements.txt), into tests/metrics/.venv for
# tests/metrics.rs, which reads /metrics with its text-format parser (parse.py). Idempotent and
# quick: reinstalled only when requirements.txt or the interpreter changed since the last successful
# install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

command -v python3 >/dev/null 2>&1 || { echo "tests/metrics/install.sh: python3 is required" >&2; exit 1; }

fingerprint() { sha256sum | cut -d' ' -f1; }

stamp=$( { cat requirements.txt; python3 --version 2>&1; } | fingerprint)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
  echo "tests/metrics: installing prometheus-client into tests/metrics/.venv"
  python3 -m venv --clear .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-input -r requirements.txt
  echo "$stamp" > .venv/.installed
fi
