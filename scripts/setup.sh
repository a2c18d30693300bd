#!/usr/bin/env bash
# Prepares a machine for briefing: system libraries for WeasyPrint, then .venv with the
# package and its pinned dependencies. Called by make; safe to run again.
# `scripts/setup.sh browser` only installs Debian's chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt-get install as root or with password-less sudo; otherwise print the command.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; } &&
     echo "Installiere Systempakete: $*" &&
     $sudo apt-get update -qq &&
     $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "$@" >/dev/null; then
    return 0
  fi
  return 1
}

if [ "${1:-}" = browser ]; then
  # The preview's browser test drives Debian's chromium (nothing is downloaded by a test tool).
  if ! command -v chromium >/dev/null && ! apt_install chromium; then
    echo "Hinweis: chromium fehlt; der Browser-Test wird übersprungen. Installieren mit:"
    echo "  sudo apt-get update && sudo apt-get install -y chromium"
    exit 1  # make tries again next time
  fi
  exit 0
fi

# Libraries WeasyPrint loads at run time. libharfbuzz-subset0 is optional for WeasyPrint but
# without it every render is about five times slower (fonts get subset by fontTools).
declare -A LIBS=(
  [libpango-1.0.so.0]=libpango-1.0-0
  [libpangoft2-1.0.so.0]=libpangoft2-1.0-0
  [libharfbuzz-subset.so.0]=libharfbuzz-subset0
)
missing=()
for lib in "${!LIBS[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${LIBS[$lib]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if apt_install "${missing[@]}"; then
    :
  else
    # Go on: without libharfbuzz-subset0 PDFs are still right, only slower to make.
    echo "Hinweis: Es fehlen Systembibliotheken (${missing[*]}). Bitte installieren mit:"
    echo "  sudo apt-get update && sudo $install_cmd"
    echo "(Auf anderen Systemen: Pango ≥ 1.44 und HarfBuzz mit Subset-Bibliothek.)"
  fi
fi

# Python ≥ 3.11: take the newest one on PATH.
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "Fehler: Python 3.11 oder neuer wird benötigt. Bitte installieren: sudo apt-get install python3 python3-venv" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Lege virtuelle Umgebung .venv an ($("$python" --version))"
  "$python" -m venv .venv
fi
echo "Installiere briefing und seine Abhängigkeiten in .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
touch .venv/.installed
