"""Block-wise optimizer updates (Optimizer._update_blocks) equal the whole-array update exactly."""
import numpy as np
import pytest

from pipeseq.layers.base import Variable
from pipeseq.training import optimizers
from pipeseq.training.optimizers import elementwise as opt_base

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


def _train_small(name, kwargs, group_max, monkeypatch, steps=5, reload_at=None, **opt_kwargs):
    """Five small variables (and one large) trained a few steps; weight decay on, one variable
    excluded from it, and optionally the optimizer state saved and loaded in the middle."""
    monkeypatch.setattr(opt_base, "GROUP_MAX", group_max)
    rng = np.random.default_rng(1)
    shapes = [(3, 4), (4,), (4, 4), (4,), (40, 30), (1,)]
    opt = getattr(optimizers, name)(learning_rate=0.01, **kwargs, **opt_kwargs)
    variables = [Variable(rng.normal(size=s).astype("float32"), f"v{i}")
                 for i, s in enumerate(shapes)]
    if name in ("AdamW", "Lion"):
        opt.exclude_from_weight_decay(var_list=[variables[1]])
    for step in range(steps):
        opt.apply([rng.normal(size=s).astype("float32") for s in shapes], variables)
        if step == reload_at:
            state = [np.array(a) for a in opt.state_values(variables)]
            opt.set_state_values(variables, int(state[0]),
                                 state[1 + opt.has_learning_rate_variable:])
    return [v.value.copy() for v in variables], [np.array(a) for a in opt.variables]


@pytest.mark.parametrize("name,kwargs", ELEMENTWISE)
def test_small_variables_updated_together_equal_one_by_one(monkeypatch, name, kwargs):
    one_by_one = _train_small(name, kwargs, -1, monkeypatch)
    together = _train_small(name, kwargs, 1 << 14, monkeypatch)
    for a, b in zip(together[0] + together[1], one_by_one[0] + one_by_one[1]):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("opt_kwargs", [{"use_ema": True}, {"gradient_accumulation_steps": 2},
                                        {"clipnorm": 0.5}, {"weight_decay": 0.1}])
def test_small_variables_together_with_the_common_options_and_a_reload(monkeypatch, opt_kwargs):
    one_by_one = _train_small("Adam", {}, -1, monkeypatch, steps=6, reload_at=2, **opt_kwargs)
    together = _train_small("Adam", {}, 1 << 14, monkeypatch, steps=6, reload_at=2, **opt_kwargs)
    for a, b in zip(together[0] + together[1], one_by_one[0] + one_by_one[1]):
        np.testing.assert_array_equal(a, b)


def test_small_variables_slots_stay_the_optimizers_own_state(monkeypatch):
    """The slots of grouped variables are views of the group's arrays: what ``variables`` shows
    is what the next step updates, and a slot set through it is used."""
    monkeypatch.setattr(opt_base, "GROUP_MAX", 1 << 14)
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.5)
    a, b = Variable(np.zeros(3, "float32"), "a"), Variable(np.zeros(2, "float32"), "b")
    opt.apply([np.ones(3, "float32"), np.ones(2, "float32")], [a, b])
    momentum_a = opt._slots[id(a)][0]
    np.testing.assert_allclose(momentum_a, -0.1)
    momentum_a[...] = 1.0                                # e.g. state restored in place
    opt.apply([np.zeros(3, "float32"), np.zeros(2, "float32")], [a, b])
    np.testing.assert_allclose(a.value, -0.1 + 0.5)     # m = 0.5 * 1.0; a += m
    np.testing.assert_allclose(b.value, -0.1 - 0.05)
