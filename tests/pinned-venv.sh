# Sourced by the install scripts under tests/. `pinned_venv WHAT` installs the requirements.txt of
# the current folder, pinned, into its .venv. Idempotent and quick: reinstalled only when
# requirements.txt or the interpreter changed since the last successful install (a stamp file inside
# .venv records that).
pinned_venv() {
  local what=$1 folder stamp
  folder=$(basename "$PWD")
  command -v python3 >/dev/null 2>&1 || { echo "tests/$folder/install.sh: python3 is required" >&2; exit 1; }
  stamp=$( { cat requirements.txt; python3 --version 2>&1; } | sha256sum | cut -d' ' -f1)
  if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    echo "tests/$folder: installing $what into tests/$folder/.venv"
    python3 -m venv --clear .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-input -r requirements.txt
    echo "$stamp" > .venv/.installed
  fi
}
