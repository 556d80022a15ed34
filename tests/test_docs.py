"""Every Python code block in docs/*.md and README.md runs.

A block fenced as ```python runs; one fenced as ```python skip (or any other
language) is illustrative and is not run. Blocks of one file run in order in a
shared namespace, in a temporary working directory, with small-data mode on and
KERAS_HOME pointing at an empty folder there (so no block reads or fills ~/.keras).
A failure names the file and the line in it (tracebacks point into the .md).

Also checked: few blocks are skipped, and relative links between the docs
point at files that exist.
"""
import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT, "README.md")]
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)#\s]+\.md)(#[^)]*)?\)")


def blocks(path, skipped=False):
    """``[(code, first line number)]`` of the runnable (or, with ``skipped``, the skipped) blocks."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return [(m.group(2), text[:m.start()].count("\n") + 2) for m in BLOCK.finditer(text)
            if ("skip" in m.group(1)) == skipped]


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_doc_code_blocks_run(path, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPESEQ_EXAMPLE_SMALL", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / ".keras"))     # an empty cache of its own
    rel = os.path.relpath(path, ROOT)
    namespace = {"__name__": "__docs__"}
    try:
        for code, line in blocks(path):
            # Pad so that line numbers in tracebacks are the line numbers of the .md file.
            source = "\n" * (line - 1) + code
            try:
                exec(compile(source, rel, "exec"), namespace)
            except Exception as e:
                tb = e.__traceback__
                where = line
                while tb is not None:
                    if tb.tb_frame.f_code.co_filename == rel:
                        where = tb.tb_lineno
                    tb = tb.tb_next
                raise AssertionError(f"{rel}, block at line {line} failed at line {where}: "
                                     f"{type(e).__name__}: {e}") from e
    finally:
        if "matplotlib.pyplot" in __import__("sys").modules:
            import matplotlib.pyplot as plt
            plt.close("all")


def test_few_blocks_are_skipped():
    run = sum(len(blocks(f)) for f in FILES)
    skipped = sum(len(blocks(f, skipped=True)) for f in FILES)
    assert run >= 20, run
    assert skipped <= max(3, run // 5), (f"{skipped} skip-marked python blocks for {run} run ones: "
                                         "illustrative-only blocks should be few")


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_relative_links_point_at_existing_files(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    base = os.path.dirname(path)
    missing = [target for target, _ in LINK.findall(text)
               if "://" not in target and not os.path.exists(os.path.join(base, target))]
    assert not missing, f"{os.path.relpath(path, ROOT)} links to missing files: {missing}"


def test_every_pipe_verb_is_in_the_pipe_dsl_guide():
    from pipeseq.r import verbs as pipe
    with open(os.path.join(ROOT, "docs", "pipe-dsl.md"), encoding="utf-8") as fh:
        text = fh.read()
    missing = [v for v in pipe.__all__ if v != "PipeVerb" and f"`{v}(" not in text]
    assert not missing, f"verbs not documented in docs/pipe-dsl.md: {missing}"
