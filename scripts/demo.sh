#!/usr/bin/env bash
# Install pipeseq into .venv and run the demo: the tutorial model trained end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e ".[plot]"
.venv/bin/python -m pipeseq demo "$@"
