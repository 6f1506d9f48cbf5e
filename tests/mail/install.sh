#!/usr/bin/env bash
# Installs aiosmtpd, pinned (requirements.txt), into tests/mail/.venv for tests/rhythm.rs, which
# starts it as a local SMTP sink and reads what the server delivered to it. Idempotent and quick:
# reinstalled only when requirements.txt or the interpreter changed since the last successful
# install (a stamp file inside .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

. ../pinned-venv.sh
pinned_venv aiosmtpd
