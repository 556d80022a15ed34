"""Every docstring example in pipeseq and compat runs (doctest)."""
import doctest
import importlib
import pkgutil

import pytest

import compat
import pipeseq

SKIP = {"pipeseq.__main__"}


def _modules():
    for pkg in (pipeseq, compat):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if info.name not in SKIP:
                yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
