"""How much of Keras 3's, tf_keras's and R keras3's public vocabulary resolves in compat.* and
pipeseq (name lists recorded by tools/record_keras_names.py in fixtures/keras_names.json).

Each module must reach 90 %; ``MISSING_OK`` documents what is deliberately left out."""
import importlib
import json
import os

import pytest

NAMES = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "keras_names.json")))
THRESHOLD = 0.90


def _resolves(module, name):
    try:
        getattr(module, name)
        return True
    except Exception:
        return False


def _coverage(module, names):
    missing = [n for n in names if not _resolves(module, n)]
    return 1 - len(missing) / max(len(names), 1), missing


@pytest.mark.parametrize("mod", ["metrics", "optimizers", "optimizers.schedules", "callbacks",
                                 "activations", "losses", "utils", "random", "config", "saving"])
def test_keras3_module_coverage(mod):
    module = importlib.import_module("compat." + mod)
    cov, missing = _coverage(module, NAMES["keras"][mod])
    print(f"compat.{mod}: {cov:.0%}; missing: {missing}")
    # left: callbacks' OrbaxCheckpoint (JAX's checkpoint library); utils' FeatureSpace and
    # audio_dataset_from_directory; saving's KerasFileEditor
    assert cov >= THRESHOLD, (mod, missing)


def test_keras3_top_level_coverage():
    import compat
    names = NAMES["keras"][""] + [n for n in NAMES["keras"]["submodules"]
                                  if n in ("random", "config", "saving", "utils", "metrics",
                                           "losses", "optimizers", "callbacks", "activations")]
    cov, missing = _coverage(compat, names)
    print(f"compat: {cov:.0%}; missing: {missing}")
    # left: Quantizer (int8/float8 quantization) and StatelessScope (JAX-style stateless calls)
    assert cov >= THRESHOLD, missing


def test_tf_keras_backend_coverage():
    from compat import backend as K
    cov, missing = _coverage(K, NAMES["tf_keras"]["backend"])
    print(f"compat.backend: {cov:.0%}; missing: {missing}")
    # left: ctc_label_dense_to_sparse (TF sparse tensors), manual_variable_initialization (TF 1
    # graph sessions)
    assert cov >= THRESHOLD, missing


@pytest.mark.parametrize("prefix", ["metric_", "optimizer_", "callback_", "loss_", "activation_",
                                    "random_", "learning_rate_schedule_", "config_"])
def test_r_keras3_exports_coverage(prefix):
    import pipeseq
    cov, missing = _coverage(pipeseq, NAMES["r_keras3"][prefix])
    print(f"R {prefix}*: {cov:.0%}; missing: {missing}")
    assert cov >= THRESHOLD, (prefix, missing)
