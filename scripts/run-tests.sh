#!/usr/bin/env bash
# Run Medverkan's test suite (the README's second command).
#
# Installs what is missing first: the package with its test extras, and
# Debian's chromium and its headless shell (which the browser tests launch) for the browser tests, pspp, espeak-ng and lame (Playwright drives the system
# browser; never `playwright install`). Then runs pytest on two workers.
# Extra arguments are passed to pytest, e.g. `bash scripts/run-tests.sh -k demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c "import collector, pytest, xdist, aiosmtpd, playwright, axe_playwright_python, hypothesis, httpx, krippendorff, scipy, pyreadstat, pyarrow, frictionless, pypdf, textstat, snowballstemmer" 2>/dev/null; then
    echo "Installing Medverkan with its test extras…"
    "$PYTHON" -m pip install --quiet -e '.[test]'
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromium-headless-shell >/dev/null 2>&1 || ! command -v pspp >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1 || ! command -v lame >/dev/null 2>&1; then
    echo "Installing Debian's chromium and chromium-headless-shell (browser tests), pspp (runs the SPSS syntax we export), espeak-ng and lame (questions read aloud)…"
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-headless-shell pspp espeak-ng lame
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get update
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-headless-shell pspp espeak-ng lame
    fi
fi

exec "$PYTHON" -m pytest -n 2 -q "$@"
