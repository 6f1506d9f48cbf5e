#!/usr/bin/env bash
# Installs the Prometheus client library, pinned (requirements.txt), into tests/metrics/.venv for
# tests/metrics.rs, which reads /metrics with its text-format parser (parse.py). Idempotent and
# quick: reinstalled only when requirements.txt or the interpreter changed since the last successful
# install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv prometheus-client
