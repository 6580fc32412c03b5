#!/usr/bin/env bash
# Run the test suite (installs first if needed), then the linter (ruff, configured in
# pyproject.toml). Extra arguments go to pytest. Fails if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" = 5 ]; then
    echo "pytest collected no tests: treating as a failure" >&2
    exit 1
fi
.venv/bin/ruff check align tests || { echo "ruff found problems (see above)" >&2; [ "$rc" = 0 ] && rc=1; }
exit "$rc"
