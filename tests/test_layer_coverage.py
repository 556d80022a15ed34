"""How much of Keras's layer catalogue pipeseq covers, measured against the names recorded by
tools/layer_reference_names.py (Keras 3, tf_keras, R keras3), and the docs' list of what is
left (docs/layer_coverage.md must name exactly the missing names)."""
import json
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(ROOT, "tests", "fixtures", "layers", "reference_names.json")) as _f:
    REFERENCE = json.load(_f)

# Measured coverage may only go up: raise these when names land (target: 0.95 each).
FLOORS = {"keras3": 0.89, "tf_keras": 0.84, "r_keras3": 0.85}


def _compat_has(name):
    import compat.layers
    try:
        getattr(compat.layers, name)
        return True
    except (AttributeError, NotImplementedError):
        return False


def _r_has(name):
    from pipeseq.r import layers as r_layers
    fn = getattr(r_layers, name, None)
    if fn is None:
        return False
    class_name = getattr(fn, "keras_class_name", None)
    return class_name is None or name in r_layers.available_layers()


def missing(kind):
    check = _r_has if kind == "r_keras3" else _compat_has
    return sorted(n for n in REFERENCE[kind] if not check(n))


def coverage(kind):
    return 1 - len(missing(kind)) / len(REFERENCE[kind])


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_coverage_does_not_fall(kind):
    assert coverage(kind) >= FLOORS[kind], (kind, coverage(kind), missing(kind))


def test_docs_list_exactly_what_is_missing():
    with open(os.path.join(ROOT, "docs", "layer_coverage.md"), encoding="utf-8") as f:
        text = f.read()
    for kind in FLOORS:
        section = re.search(rf"<!-- missing:{kind} -->(.*?)<!-- end -->", text, re.S)
        assert section, f"docs/layer_coverage.md has no <!-- missing:{kind} --> section"
        listed = sorted(set(re.findall(r"`([A-Za-z0-9_]+)`", section.group(1))))
        assert listed == missing(kind), (
            f"docs/layer_coverage.md ({kind}) is out of date: listed but present "
            f"{sorted(set(listed) - set(missing(kind)))}, missing but not listed "
            f"{sorted(set(missing(kind)) - set(listed))}")
        share = re.search(rf"{kind}: (\d+) of (\d+)", text)
        assert share and int(share.group(1)) == len(REFERENCE[kind]) - len(missing(kind)) \
            and int(share.group(2)) == len(REFERENCE[kind]), f"docs figure for {kind} is stale"
