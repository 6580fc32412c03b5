#!/usr/bin/env bash
# Create .venv and install align with everything the tests need. Idempotent: a re-run
# with unchanged pyproject.toml does nothing. torch is installed first as exactly
# torch==2.13.0, the CPU build served here (any other spec pulls CUDA packages).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.setup-stamp
want=$(sha1sum pyproject.toml | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q torch==2.13.0
    .venv/bin/pip install -q -e ".[test,ray]"
    echo "$want" > "$stamp"
fi
# Browser tests drive Debian's Chromium; CJK fonts so Chinese renders in screenshots (not
# boxes). Installed when we may (root with apt-get).
if { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; } \
    && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
