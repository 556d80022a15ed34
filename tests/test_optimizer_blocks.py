"""Block-wise optimizer updates (Optimizer._update_blocks) equal the whole-array update exactly."""
import numpy as np
import pytest

from pipeseq.layers.base import Variable
from pipeseq.training import optimizers
from pipeseq.training.optimizers import base as opt_base

ELEMENTWISE = [("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True}),
               ("RMSprop", {"momentum": 0.5, "centered": True}), ("RMSprop", {}),
               ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}), ("Adagrad", {}),
               ("Adadelta", {}), ("Adamax", {}), ("Nadam", {}), ("Lion", {})]


def _train(name, kwargs, block, monkeypatch, workers):
    from pipeseq.kernels import conv_threads
    monkeypatch.setattr(opt_base, "UPDATE_BLOCK", block)
    monkeypatch.setattr(opt_base, "UPDATE_BLOCKWISE_MIN", 0)
    conv_threads.set_num_threads(workers)
    try:
        rng = np.random.default_rng(0)
        opt = getattr(optimizers, name)(learning_rate=0.01, **kwargs)
        v = Variable(rng.normal(size=(37, 29)).astype("float32"), "kernel")
        small = Variable(rng.normal(size=(5,)).astype("float32"), "bias")
        for _ in range(4):
            opt.apply([rng.normal(size=(37, 29)).astype("float32"),
                       rng.normal(size=(5,)).astype("float32")], [v, small])
        return v.value.copy(), small.value.copy(), [s.copy() for s in opt._slots_for(v)]
    finally:
        conv_threads.set_num_threads(None)


@pytest.mark.parametrize("name,kwargs", ELEMENTWISE)
def test_blockwise_update_equals_whole_array_update(monkeypatch, name, kwargs):
    whole = _train(name, kwargs, 1 << 30, monkeypatch, workers=1)
    for workers in (1, 2):
        blocked = _train(name, kwargs, 100, monkeypatch, workers)      # 11 blocks, the last short
        np.testing.assert_array_equal(blocked[0], whole[0])
        np.testing.assert_array_equal(blocked[1], whole[1])
        for a, b in zip(blocked[2], whole[2]):
            np.testing.assert_array_equal(a, b)


def test_only_declared_updates_run_blockwise():
    class Scaled(optimizers.Adam):          # overrides _update: not element-wise unless it says so
        def _update(self, var, g, lr, slots):
            var.value -= lr * g / (np.abs(g).max() + 1.0)

    assert optimizers.Adam()._blockwise() and optimizers.AdamW()._blockwise()
    assert not Scaled()._blockwise()
    assert not optimizers.Adafactor()._blockwise() and not optimizers.Lamb()._blockwise()
