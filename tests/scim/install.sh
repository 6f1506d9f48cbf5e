#!/usr/bin/env bash
# Installs scim2-tester and scim2-client, pinned (requirements.txt), into tests/scim/.venv for
# tests/scim_conformance.rs, which runs conformance.py against a server it starts. Idempotent and
# quick: reinstalled only when requirements.txt or the interpreter changed since the last
# successful install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv "scim2-tester and scim2-client"
