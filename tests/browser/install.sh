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

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "tests/browser: installing chromium and chromium-driver"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

. ../pinned-venv.sh
pinned_venv selenium
