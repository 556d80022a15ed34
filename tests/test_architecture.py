"""The architecture stays as docs/architecture.md draws it.

* imports point down the order (import-linter's contracts in pyproject.toml: layers,
  no engine -> compat import, no cycle between siblings);
* no import cycle among the repository's modules, module-level or inside functions,
  and no upward import (read with ``ast``: tests/import_graph.py);
* no module over 500 lines;
* no public name disappears: ``from pipeseq import *`` and every ``compat`` module keep
  at least the names recorded in tests/fixtures/public_names.json (names may be added).
"""
import json
import os
import pkgutil
import types

import pytest

from tests import import_graph

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LINES = 500


def test_import_linter_contracts_are_kept(capsys):
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is in the test extra")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = cli.lint_imports(config_filename=os.path.join(ROOT, "pyproject.toml"),
                                no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert code == 0, out


def _graph():
    order, ignored = import_graph.load_order(ROOT)
    modules, edges = import_graph.import_graph(ROOT)
    return order, ignored, modules, edges


def test_no_import_cycle():
    _, ignored, modules, edges = _graph()
    kept = {e for e in edges if (e[0], e[1]) not in ignored}
    assert import_graph.cycles(modules, kept) == []


def test_no_upward_import_and_every_module_placed():
    order, ignored, _, edges = _graph()
    assert import_graph.upward(edges, order, ignored) == []


def test_the_graph_reader_sees_cycles_and_upward_imports(tmp_path):
    # the checks above can fail: a small tree with a cycle and an upward import
    pkg = tmp_path / "pipeseq"
    (pkg / "layers").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "backend.py").write_text("from .layers import a\n")
    (pkg / "layers" / "__init__.py").write_text("")
    (pkg / "layers" / "a.py").write_text("from . import b\n")
    (pkg / "layers" / "b.py").write_text("def f():\n    from .a import x\n")
    (tmp_path / "pyproject.toml").write_bytes(open(os.path.join(ROOT, "pyproject.toml"), "rb").read())
    order, ignored = import_graph.load_order(str(tmp_path))
    modules, edges = import_graph.import_graph(str(tmp_path))
    assert import_graph.cycles(modules, edges) == [["pipeseq.layers.a", "pipeseq.layers.b"]]
    assert ("pipeseq.layers.b", "pipeseq.layers.a", True) in edges
    assert [u[:2] for u in import_graph.upward(edges, order, ignored)] == \
        [("pipeseq.backend", "pipeseq.layers.a")]


def test_no_module_over_500_lines():
    modules = import_graph.module_files(ROOT)
    assert import_graph.long_modules(modules, MAX_LINES) == [], \
        "split these modules: move a shared base or helpers into a module of their own"


def _star(modname):
    ns = {}
    exec(f"from {modname} import *", ns)
    # modules brought in by a bare ``import numpy as np`` are not API
    return {k for k, v in ns.items() if k != "__builtins__" and not (
        isinstance(v, types.ModuleType) and not v.__name__.startswith(("compat", "pipeseq")))}


def _compat_modules():
    import compat
    names = ["compat"]
    for info in pkgutil.walk_packages(compat.__path__, "compat."):
        if not any(p.startswith("_") for p in info.name.split(".")):
            names.append(info.name)
    return names


def test_public_names_are_kept():
    with open(os.path.join(ROOT, "tests", "fixtures", "public_names.json")) as f:
        recorded = json.load(f)
    present = set(_compat_modules()) | {"pipeseq"}
    missing_modules = sorted(set(recorded) - present)
    assert not missing_modules, f"modules removed: {missing_modules}"
    lost = {}
    for mod, names in recorded.items():
        gone = sorted(set(names) - _star(mod))
        if gone:
            lost[mod] = gone
    assert not lost, f"public names removed: {lost}"
