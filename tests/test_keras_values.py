"""Loss and activation values equal real Keras 3's on the same arrays (fixtures)."""
import json
import os

import numpy as np
import pytest

from pipeseq.kernels import activations
from pipeseq.training import losses

FIX = os.path.join(os.path.dirname(__file__), "fixtures", "keras")
L = np.load(os.path.join(FIX, "losses.npz"))
META = json.loads(str(L["_meta"])) if L["_meta"].dtype.kind in "UO" else json.loads(L["_meta"].tobytes())
A = np.load(os.path.join(FIX, "activations.npz"))


@pytest.mark.parametrize("case", sorted(META))
def test_loss_matches_keras(case):
    meta = META[case]
    cls = losses.LOSS_CLASSES[meta["class_name"]]
    loss = cls(**meta.get("kwargs", {}))
    t, p = L[case + "__y_true"], L[case + "__y_pred"]
    per_sample = loss(t, p)
    if case + "__none" in L.files:
        np.testing.assert_allclose(per_sample, L[case + "__none"], rtol=1e-5, atol=1e-6)
    if meta.get("sample_weight"):
        sw = L[case + "__sample_weight"]
        value = float((per_sample * sw).sum()) / per_sample.size
    else:
        value = float(per_sample.mean())
    np.testing.assert_allclose(value, L[case], rtol=1e-5, atol=1e-6)


KERAS3 = [n for n in A.files if n != "x" and not n.startswith("tfk__") and n in activations.ALL_NAMES
          and n != "glu"]


def test_glu_matches_keras3():
    np.testing.assert_allclose(activations.get("glu")(A["glu__x"]), A["glu"], rtol=1e-5, atol=1e-6)


def test_threshold_matches_keras3():
    act = activations.Activation("threshold", threshold=0.5, default_value=-1.0)
    np.testing.assert_allclose(act(A["x"]), A["threshold__t0.5_v-1"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", KERAS3)
def test_activation_matches_keras3(name):
    np.testing.assert_allclose(activations.get(name)(A["x"]), A[name], rtol=1e-5, atol=1e-6)


def test_keras2_hard_sigmoid_is_available_as_legacy():
    np.testing.assert_allclose(activations.get("legacy_hard_sigmoid")(A["x"]), A["tfk__hard_sigmoid"],
                               rtol=1e-5, atol=1e-6)


def test_every_brief_activation_is_covered_by_keras_values():
    brief = {"linear", "relu", "sigmoid", "hard_sigmoid", "softmax", "tanh", "elu", "selu", "softplus",
             "softsign", "swish", "silu", "gelu", "leaky_relu", "exponential"}
    assert brief <= set(KERAS3)
