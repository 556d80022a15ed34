"""Every Python code block in docs/*.md and README.md runs.

A block fenced as ```python runs; one fenced as ```python skip (or any other
language) is illustrative and is not run. Blocks of one file run in order in a
shared namespace, in a temporary working directory, with small-data mode on.
"""
import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT, "README.md")]
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.S | re.M)


def blocks(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return [(m.group(2), text[:m.start()].count("\n") + 2) for m in BLOCK.finditer(text)
            if "skip" not in m.group(1)]


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_doc_code_blocks_run(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPESEQ_EXAMPLE_SMALL", "1")
    namespace = {"__name__": "__docs__"}
    for code, line in blocks(path):
        try:
            exec(compile(code, f"{os.path.relpath(path, ROOT)}:{line}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"{os.path.relpath(path, ROOT)}, block at line {line} failed: "
                                 f"{type(e).__name__}: {e}") from e
