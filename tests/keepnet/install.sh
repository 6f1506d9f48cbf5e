#!/usr/bin/env bash
# Installs openpyxl, pinned (requirements.txt), into tests/keepnet/.venv for tests/keepnet.rs, which
# opens the Keepnet face's XLSX exports with it. Idempotent and quick: reinstalled only when
# requirements.txt or the interpreter changed since the last successful install.
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv "openpyxl"
