#!/usr/bin/env bash
# Dockhand's two commands:  ./dev.sh run   — set up and serve the demo warehouse
#                           ./dev.sh test  — set up and run the whole test suite
# Works on a fresh Debian machine with Python 3.11 (as root it installs the apt packages it needs).
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
PY="${PYTHON:-python3}"

apt_install() {
  # Install missing Debian packages (only possible as root; otherwise say what is missing).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    return 0
  fi
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_python() {
  if ! "$PY" -m venv --help >/dev/null 2>&1; then apt_install python3-venv; fi
  if [ ! -x "$VENV/bin/python" ]; then "$PY" -m venv "$VENV"; fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$1"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/pip" install -q --upgrade pip
    if [ "$1" = test ]; then "$VENV/bin/pip" install -q -e '.[test]'; else "$VENV/bin/pip" install -q -e .; fi
    touch "$stamp"
  fi
}

# Where `run` listens. The demo passwords are public: this machine only, unless HOST says otherwise (HOST=0.0.0.0).
listen_address() { echo "${HOST:-127.0.0.1}:${PORT:-5000}"; }

RUNTIME_DEBS=(libzbar0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core shared-mime-info)
TEST_DEBS=(postgresql chromium poppler-utils)

case "${1:-}" in
  run)
    apt_install "${RUNTIME_DEBS[@]}"
    setup_python run
    "$VENV/bin/flask" --app webapp db upgrade
    "$VENV/bin/flask" --app webapp demo seed
    ADDRESS="$(listen_address)"
    echo
    echo "Dockhand is at http://${ADDRESS}/  (sign in at /login)"
    echo "Demo sign-ins (password dockhand-demo): asha picker, ravi receiver, chen counter,"
    echo "  maria supervisor, admin admin, erp integration"
    echo
    exec "$VENV/bin/gunicorn" --bind "${ADDRESS}" --workers 1 --threads 8 --access-logfile - "webapp:create_app()"
    ;;
  test)
    apt_install "${RUNTIME_DEBS[@]}" "${TEST_DEBS[@]}"
    setup_python test
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  address)
    listen_address
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args] | ./dev.sh address" >&2
    exit 2
    ;;
esac
