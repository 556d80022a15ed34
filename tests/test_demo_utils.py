"""The demo reaches the tutorial's accuracy; utils behave like Keras's."""
import subprocess
import sys

import numpy as np
import pytest

from pipeseq.utils import normalize, to_categorical


def test_demo_reaches_097_on_fresh_samples():
    from pipeseq.demo import run
    lines = []
    model, history, scores = run(epochs=20, verbose=0, print_fn=lines.append)
    assert scores["accuracy"] >= 0.97
    assert len(history.history["val_loss"]) == 20
    assert any("Total params: 4,546" in l for l in lines)


def test_cli_version():
    out = subprocess.run([sys.executable, "-m", "pipeseq", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("pipeseq ")


def test_to_categorical_like_keras():
    y = to_categorical([[0], [2], [1]])
    assert y.shape == (3, 3) and y.dtype == np.float64
    np.testing.assert_array_equal(y.argmax(1), [0, 2, 1])
    assert to_categorical(np.array([1, 0]), num_classes=4).shape == (2, 4)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\]"):
        to_categorical([0, 3], num_classes=2)
    with pytest.raises(ValueError, match="integer class labels"):
        to_categorical([0.5, 1])


def test_normalize():
    np.testing.assert_allclose(normalize([[3.0, 4.0], [0.0, 0.0]]), [[0.6, 0.8], [0.0, 0.0]])
