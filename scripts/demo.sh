#!/usr/bin/env bash
# Set up and run the main job on the seed pair: writes out/seed/ (report.html and friends).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/align check seeds/003_61e2e90163225e43.txt seeds/000_1deec09b464cf72e.txt \
    --glossary glossaries/seed.csv --out out/seed "$@"
echo "open out/seed/report.html"
