"""The import graph of the repository's own packages, read with ``ast`` (nothing is imported).

Used by ``tests/test_architecture.py``; also a command-line measure::

    python tests/import_graph.py [ROOT]     # cycles, upward imports, long modules under ROOT

An edge ``a -> b`` is an ``import``/``from ... import`` written in module ``a`` that names
module ``b`` (``from .x import y`` names ``pkg.x``, and ``pkg.x.y`` too when that is a
module). Imports inside a function body are *deferred*: they run on first call, not at
import time; they are counted apart from the module-level ones.
"""
import ast
import os
import sys

PACKAGES = ("pipeseq", "compat")



ROOT_ABOVE = "r"


def load_order(root):
    """The layers of pyproject.toml's import-linter "layers" contract, top first.

    Returns a list of ``(names, independent)``; ``names`` are full module names. ``compat``
    sits above them all; the ``pipeseq`` package itself (its ``__init__``, which the entry
    points ``__main__`` and ``demo`` use) just above the R front end.
    Also returns the contract's ``ignore_imports`` as ``(importer, imported)`` pairs.
    """
    import tomllib
    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        config = tomllib.load(f)["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    container = contract["containers"][0]
    order = [(["compat"], True)]
    for layer in contract["layers"]:
        sep = "|" if "|" in layer else ":"
        names = [f"{container}.{n.strip().strip('()')}" for n in layer.split(sep)]
        if names == [f"{container}.{ROOT_ABOVE}"]:
            order.append(([container], True))     # the package's __init__: the public API
        order.append((names, sep == "|"))
    ignored = {tuple(p.strip() for p in item.split("->"))
               for item in contract.get("ignore_imports", [])}
    return order, ignored


def module_files(root):
    """``{module name: path}`` for every ``.py`` file of ``PACKAGES`` under ``root``."""
    out = {}
    for pkg in PACKAGES:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, pkg)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            rel = os.path.relpath(dirpath, root).split(os.sep)
            for f in filenames:
                if f.endswith(".py"):
                    parts = rel + ([] if f == "__init__.py" else [f[:-3]])
                    out[".".join(parts)] = os.path.join(dirpath, f)
    return out


def _imports(tree):
    """Yield ``(node, deferred)`` for every import statement; deferred = inside a function."""
    def walk(node, deferred):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, deferred
            inner = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                   ast.Lambda))
            yield from walk(child, inner)
    yield from walk(tree, False)


def _targets(mod, is_pkg, node, modules):
    if isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.name
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                yield name
        return
    if node.level:
        base = mod.split(".") if is_pkg else mod.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] not in PACKAGES:
        return
    named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
    if named and len(named) == len(node.names):
        yield from named          # ``from pkg import mod``: only the submodules (as grimp)
        return
    yield target
    yield from named


def import_graph(root):
    """``(modules, edges)``: edges is a set of ``(importer, imported, deferred)``."""
    modules = module_files(root)
    edges = set()
    for mod, path in modules.items():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        is_pkg = path.endswith("__init__.py")
        for node, deferred in _imports(tree):
            for target in _targets(mod, is_pkg, node, modules):
                if target != mod and target in modules:
                    edges.add((mod, target, deferred))
    return modules, edges


def cycles(modules, edges):
    """Strongly connected components of more than one module (Tarjan), sorted."""
    graph = {m: set() for m in modules}
    for a, b, _ in edges:
        graph[a].add(b)
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return sorted(out)


def rank(mod, order):
    """``(rank, group, independent)`` of a module in ``order``; ``None`` if it is not placed."""
    for r, (names, independent) in enumerate(order):
        for g in names:
            if mod == g or (mod.startswith(g + ".") and g not in ("pipeseq",)):
                return r, g, independent
    return None


def upward(edges, order, ignored=()):
    """Edges that point up the order or across independent siblings (ignored pairs skipped)."""
    bad = []
    for a, b, deferred in sorted(edges):
        if (a, b) in ignored:
            continue
        ra, rb = rank(a, order), rank(b, order)
        if ra is None or rb is None:
            bad.append((a, b, deferred, "module not in the order"))
        elif ra[1] == rb[1]:
            continue
        elif rb[0] < ra[0]:
            bad.append((a, b, deferred, "upward"))
        elif rb[0] == ra[0] and ra[2]:
            bad.append((a, b, deferred, "between independent siblings"))
    return bad


def long_modules(modules, limit=500):
    out = []
    for mod, path in sorted(modules.items()):
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > limit:
            out.append((mod, n))
    return out


def main(root, order_root=None):
    """Print the measures for the tree at ``root`` (the order read from ``order_root``)."""
    order, ignored = load_order(order_root or root)
    modules, edges = import_graph(root)
    top = {e for e in edges if not e[2]}
    print(f"{len(modules)} modules, {len(top)} module-level imports, "
          f"{len(edges) - len(top)} deferred (function-level) imports")
    kept = {e for e in edges if (e[0], e[1]) not in ignored}
    for label, es in (("module-level imports", top), ("all imports", edges),
                      ("all imports but the accepted Model.save -> saving", kept)):
        cs = cycles(modules, es)
        print(f"import cycles ({label}): {len(cs)}")
        for c in cs:
            print("   ", " <-> ".join(c))
    up = upward(edges, order, ignored)
    print(f"upward imports (accepted Model.save -> saving not counted): {len(up)} "
          f"({sum(1 for u in up if not u[2])} module-level, {sum(1 for u in up if u[2])} deferred)")
    for a, b, deferred, why in up:
        print(f"    {a} -> {b}{' (deferred)' if deferred else ''}: {why}")
    lm = long_modules(modules)
    print(f"modules over 500 lines: {len(lm)}")
    for m, n in lm:
        print(f"    {m}: {n}")


if __name__ == "__main__":
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    main(sys.argv[1] if len(sys.argv) > 1 else here, sys.argv[2] if len(sys.argv) > 2 else None)
