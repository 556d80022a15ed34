"""Write pipeseq/r/_exports.py: the ``__all__`` of every module that pipeseq.r re-exports.

    python tools/gen_r_exports.py          # from the repository root, pipeseq's venv

pipeseq.r (and so ``import pipeseq``) lists its names from that file without importing the
modules; tests/test_startup.py fails when the file and the modules disagree.
"""
import importlib
import os
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "pipeseq", "r", "_exports.py")

HEADER = '''"""The names each module of pipeseq.r exports (its ``__all__``), read without importing it.

Written by tools/gen_r_exports.py: do not edit by hand. tests/test_startup.py checks it against
the modules.
"""
'''


def exports():
    """``{module: its __all__}`` for the modules listed in ``pipeseq.r._MODULES``."""
    sys.path.insert(0, ROOT)
    import pipeseq.r
    return {m: list(importlib.import_module(f"pipeseq.r.{m}").__all__)
            for m in pipeseq.r._MODULES}


def source(table):
    lines = [HEADER, "EXPORTS = {"]
    for module, names in table.items():
        lines.append(f"    {module!r}: [")
        lines.append(textwrap.fill(", ".join(repr(n) for n in names), width=99,
                                   initial_indent=" " * 8, subsequent_indent=" " * 8,
                                   break_on_hyphens=False) + ",")
        lines.append("    ],")
    return "\n".join(lines + ["}", ""])


if __name__ == "__main__":
    text = source(exports())
    with open(TARGET, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(TARGET, ROOT)}")
