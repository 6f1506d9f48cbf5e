#!/usr/bin/env bash
# Installs what the interoperability suites need, pinned: zeep (requirements.txt) into
# tests/interop/.venv and node-soap (package-lock.json) into tests/interop/node_modules.
# Idempotent and quick: each part is reinstalled only when its pin file or its interpreter changed
# since the last successful install (a stamp file inside the installed folder records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "tests/interop/install.sh: $tool is required" >&2; exit 1; }
done

fingerprint() { sha256sum | cut -d' ' -f1; }

# Python: a virtual environment with zeep and its dependencies, all pinned.
. ../pinned-venv.sh
pinned_venv zeep

# Node: node-soap exactly as package-lock.json records it.
node_stamp=$( { cat package.json package-lock.json; node --version; } | fingerprint)
if [ "$(cat node_modules/.installed 2>/dev/null)" != "$node_stamp" ]; then
  echo "tests/interop: installing node-soap into tests/interop/node_modules"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$node_stamp" > node_modules/.installed
fi
