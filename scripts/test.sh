#!/usr/bin/env bash
# Install pipeseq with its test extras into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test,plot,mpi,dask]"
.venv/bin/python -m pytest tests -p no:cacheprovider "$@"
