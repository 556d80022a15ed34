"""docs/reference.md is generated from the code and must not drift from it."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _generator():
    spec = importlib.util.spec_from_file_location("gen_reference",
                                                  os.path.join(ROOT, "tools", "gen_reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_reference_md_matches_the_code():
    gen = _generator()
    expected = gen.build_reference()
    with open(os.path.join(ROOT, "docs", "reference.md"), encoding="utf-8") as f:
        committed = f.read()
    if committed != expected:
        import difflib
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), expected.splitlines(True),
                                                 "docs/reference.md (committed)",
                                                 "tools/gen_reference.py (from the code)"))[:40])
        raise AssertionError("docs/reference.md is out of date with the code. Run "
                             "`python tools/gen_reference.py` and commit the result.\n" + diff)


def test_every_registered_layer_and_r_name_is_in_the_reference():
    from pipeseq.r import layers as pipe_layers
    from pipeseq.layers import base
    from pipeseq.models.model import Model
    base._import_all_layers()
    text = _generator().build_reference()
    for name, cls in base.LAYER_CLASSES.items():
        if not issubclass(cls, Model):
            assert f"`{name}`" in text, name
    for r_name in {**pipe_layers.R_LAYERS, **pipe_layers.R_MERGE_LAYERS, **pipe_layers.R_WRAPPERS}:
        assert f"`{r_name}`" in text, r_name


def test_every_name_of_the_other_families_is_in_the_reference():
    from pipeseq import initializers
    from pipeseq.r import vocab as pipe_vocab
    from pipeseq.kernels import activations
    from pipeseq.training import losses, metrics, optimizers
    text = _generator().build_reference()
    names = ([repr(n) for n in losses.CLASS_NAMES] + list(losses.LOSS_CLASSES)
             + [repr(n) for n in metrics._FUNCTIONS] + list(metrics.METRIC_CLASSES)
             + [repr(n) for n in optimizers.OPTIMIZERS] + [c.__name__ for c in optimizers.OPTIMIZERS.values()]
             + [repr(n) for n in activations._TABLE] + [repr(n) for n in initializers.ALL_NAMES]
             + [n for n in pipe_vocab.__all__])
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, missing


def test_defaults_come_from_the_signatures():
    import inspect
    from pipeseq.layers import Dense
    gen = _generator()
    assert "kernel_initializer='glorot_uniform'" in gen.fmt_params(gen.init_params(Dense))
    # a changed default shows up in the generated text
    sig = inspect.signature(Dense.__init__)
    assert sig.parameters["use_bias"].default is True
    assert gen.fmt_default(1e-7) == "1e-07" and gen.fmt_default(object()) == "object"
