#!/usr/bin/env bash
# Set up a working tracker-check checkout: .venv with the package (+ dev tools), and a browser.
# Idempotent: a second run only checks (the venv is rebuilt when pyproject.toml or the lock
# changes). Dependencies come from requirements.lock (exact versions, made by `make lock`);
# LOCK=none installs the newest versions pyproject.toml allows (`make test-latest`).
# uv installs when it is on PATH (much faster); plain pip otherwise.
# Browser order (same as the tool's discovery): $TRACKER_CHECK_BROWSER, Playwright's own
# Chromium, a system Chromium/Chrome; if none: `playwright install chromium`, and where that
# download is unavailable, Debian/Ubuntu's `chromium` package via apt (root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
LOCK=${LOCK:-requirements.lock}
STAMP="$VENV/.tracker-check-installed"

say() { printf '==> %s\n' "$*" >&2; }

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "Python 3.11+ is needed (found: $("$PYTHON" --version 2>&1 || echo none)). Set PYTHON=/path/to/python3.11"
  exit 2
fi

if [ "$LOCK" = none ]; then
  constraints=()
  want="latest $(date +%F) $(sha256sum < pyproject.toml | cut -c1-16)"
else
  constraints=(-c "$LOCK")
  want="$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-16)"
fi
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  log="$VENV/install.log"
  if command -v uv >/dev/null 2>&1; then
    say "creating $VENV and installing tracker-check with its dev tools (uv, ${LOCK})"
    mkdir -p "$VENV"
    if ! { { [ -x "$VENV/bin/python" ] || uv venv --quiet --seed --allow-existing --python "$PYTHON" "$VENV"; } \
           && VIRTUAL_ENV="$VENV" uv pip install --quiet --python "$VENV/bin/python" \
                ${constraints[@]+"${constraints[@]}"} --upgrade -e '.[dev]'; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      say "uv pip install failed (full log: $log)"
      exit 2
    fi
  else
    say "creating $VENV and installing tracker-check with its dev tools (pip, ${LOCK})"
    if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
      rm -rf "$VENV"  # a venv made without pip (python3-venv was missing, or uv made it)
    fi
    if [ ! -x "$VENV/bin/python" ]; then
      if ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
        say "Python's venv support is missing: install it (Debian/Ubuntu: sudo apt install python3-venv)"
        exit 2
      fi
      "$PYTHON" -m venv "$VENV"
    fi
    if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip \
           && "$VENV/bin/python" -m pip install --disable-pip-version-check \
                ${constraints[@]+"${constraints[@]}"} --upgrade --upgrade-strategy eager \
                -e '.[dev]'; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      say "pip install failed (full log: $log)"
      exit 2
    fi
  fi
  echo "$want" > "$STAMP"
fi

if "$VENV/bin/tracker-check" doctor --quiet; then
  exit 0
fi

say "no browser found: trying Playwright's own Chromium"
if "$VENV/bin/python" -m playwright install chromium >/dev/null 2>&1 \
   && "$VENV/bin/tracker-check" doctor --quiet; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  say "Playwright's browser download is unavailable: installing Debian/Ubuntu's chromium with apt"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # failures here are not fatal: the doctor check below decides and explains
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-browser >/dev/null \
    || true
fi

if ! "$VENV/bin/tracker-check" doctor; then
  say "no browser: install Chromium or Chrome, or set TRACKER_CHECK_BROWSER=/path/to/chrome"
  exit 3
fi
