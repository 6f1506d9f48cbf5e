#!/usr/bin/env bash
# Installs Schemathesis, pinned with its dependencies (requirements.txt), into
# tests/schemathesis/.venv for tests/schemathesis.rs, which fuzzes the JSON API from its OpenAPI
# document. Idempotent and quick: reinstalled only when requirements.txt or the interpreter changed
# since the last successful install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv schemathesis
