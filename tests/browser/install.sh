#!/usr/bin/env bash
# Installs what tests/browser.rs drives the server's pages with: headless Chromium and its
# chromedriver (Debian packages chromium and chromium-driver, when /usr/bin/chromium or
# /usr/bin/chromedriver is missing) and Selenium, pinned with its dependencies (requirements.txt),
# in tests/browser/.venv. Selenium is always handed /usr/bin/chromedriver, so Selenium Manager never
# downloads a browser or a driver. Idempotent and quick: the venv is reinstalled only when
# requirements.txt or the interpreter changed since the last successful install (a stamp file inside
# .venv records that).
# Called by scripts/test; can be run by hand from anywhere.
set -euo pipefail
cd "$(dirname "$0")"

command -v python3 >/dev/null 2>&1 || { echo "tests/browser/install.sh: python3 is required" >&2; exit 1; }

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "tests/browser: installing chromium and chromium-driver"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

fingerprint() { sha256sum | cut -d' ' -f1; }

stamp=$( { cat requirements.txt; python3 --version 2>&1; } | fingerprint)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
  echo "tests/browser: installing selenium into tests/browser/.venv"
  python3 -m venv --clear .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-input -r requirements.txt
  echo "$stamp" > .venv/.installed
fi
