#!/usr/bin/env bash
# Installs standardwebhooks, pinned (requirements.txt), into tests/webhooks/.venv for
# tests/webhooks.rs, whose receiver (receiver.py) verifies every delivery with it. Idempotent and
# quick: reinstalled only when requirements.txt or the interpreter changed since the last successful
# install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv standardwebhooks
