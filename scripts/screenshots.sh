#!/usr/bin/env bash
# Refresh the screenshots README shows (docs/*.png) from the browser tests.
# The test suite itself writes its screenshots to a temporary folder and never touches docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -q -m browser --update-screenshots \
    tests/test_report_html.py::test_seed_report_highlights_cas_bangkok_row_and_saves_screenshot \
    tests/test_review_browser.py::test_decisions_persist_and_carry_over_to_a_rerun "$@"
git status --short docs/
