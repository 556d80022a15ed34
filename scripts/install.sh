#!/usr/bin/env bash
# Create .venv (if missing) and install pipeseq into it, editable.
#   bash scripts/install.sh        -> pipeseq + the plot extra (what the demo needs)
#   bash scripts/install.sh test   -> also pytest, pytest-xdist, import-linter, hypothesis, mpi4py + mpich, dask, pillow,
#                                     tensorboardX + tensorboard (the test suite)
# Set PYTHON=/path/to/python3.X to choose the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
extras="plot"
if [ "${1:-}" = "test" ]; then extras="test,plot,mpi,dask,image,tensorboard"; fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[$extras]"
