"""Bad data never passes silently: a table of bad inputs over fit / evaluate / predict /
train_on_batch / test_on_batch. Each raises an error whose text names what was wrong,
before anything changes: weights, optimizer state (iterations and every slot) and the
model's predictions are exactly as before."""
import numpy as np
import pytest

from pipeseq import Input, Sequential
from pipeseq.layers import Dense

rng = np.random.default_rng(0)
X = rng.normal(size=(16, 3)).astype("float32")
Y = rng.normal(size=(16, 2)).astype("float32")
LABELS = np.arange(16) % 3


def regression():
    m = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(2)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(X, Y, epochs=1, batch_size=8, verbose=0)          # optimizer state exists
    return m


def classifier():
    m = Sequential([Input((3,)), Dense(3, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(X, LABELS, epochs=1, batch_size=8, verbose=0)
    return m


def nan_at(a, idx):
    a = np.array(a, dtype="float32")
    a[idx] = np.nan
    return a


def inf_at(a, idx):
    a = np.array(a, dtype="float32")
    a[idx] = np.inf
    return a


SW = np.ones(16, "float32")
# (case id, model factory, call(model), regex the message must match)
CASES = [
    ("fit_nan_y", regression, lambda m: m.fit(X, nan_at(Y, (3, 1)), verbose=0),
     r"y contains NaN or infinite values \(first at index \(3, 1\)"),
    ("fit_inf_y", regression, lambda m: m.fit(X, inf_at(Y, (0, 0)), verbose=0), r"y contains NaN"),
    ("fit_nan_sample_weight", regression,
     lambda m: m.fit(X, Y, sample_weight=nan_at(SW, 5), verbose=0), r"sample_weight contains NaN"),
    ("fit_inf_sample_weight", regression,
     lambda m: m.fit(X, Y, sample_weight=inf_at(SW, 0), verbose=0), r"sample_weight contains"),
    ("fit_nan_class_weight", classifier,
     lambda m: m.fit(X, LABELS, class_weight={0: np.nan}, verbose=0), r"sample_weight contains"),
    ("fit_nan_x", regression, lambda m: m.fit(nan_at(X, (2, 2)), Y, verbose=0),
     r"x contains NaN"),
    ("fit_label_too_large", classifier, lambda m: m.fit(X, LABELS + 1, verbose=0),
     r"labels must be in \[0, 2\].*from 1 to 3"),
    ("fit_negative_label", classifier, lambda m: m.fit(X, LABELS - 1, verbose=0),
     r"labels must be in \[0, 2\].*from -1"),
    ("fit_nan_label", classifier, lambda m: m.fit(X, nan_at(LABELS, 4), verbose=0),
     r"y contains NaN.*index \(4,\)"),
    ("fit_batch_size_0", regression, lambda m: m.fit(X, Y, batch_size=0, verbose=0),
     r"batch_size must be positive"),
    ("fit_batch_size_negative", regression, lambda m: m.fit(X, Y, batch_size=-4, verbose=0),
     r"batch_size must be positive"),
    ("fit_batch_size_fraction", regression, lambda m: m.fit(X, Y, batch_size=2.5, verbose=0),
     r"batch_size must be a positive integer. Received: batch_size=2.5"),
    ("fit_steps_per_epoch_0", regression, lambda m: m.fit(X, Y, steps_per_epoch=0, verbose=0),
     r"steps_per_epoch must be a positive integer. Received: steps_per_epoch=0"),
    ("fit_steps_per_epoch_negative", regression,
     lambda m: m.fit(X, Y, steps_per_epoch=-1, verbose=0), r"steps_per_epoch must be"),
    ("fit_validation_steps_0", regression,
     lambda m: m.fit(X, Y, validation_data=(X, Y), validation_steps=0, verbose=0),
     r"fit\(\): validation_steps must be a positive integer. Received: validation_steps=0"),
    ("fit_validation_nan_y", regression,
     lambda m: m.fit(X, Y, validation_data=(X, nan_at(Y, (1, 1))), verbose=0),
     r"y contains NaN"),
    ("evaluate_nan_y", regression, lambda m: m.evaluate(X, nan_at(Y, (0, 1)), verbose=0),
     r"y contains NaN"),
    ("evaluate_batch_size_negative", regression,
     lambda m: m.evaluate(X, Y, batch_size=-4, verbose=0),
     r"evaluate\(\): batch_size must be a positive integer. Received: batch_size=-4"),
    ("evaluate_steps_0", regression, lambda m: m.evaluate(X, Y, steps=0, verbose=0),
     r"evaluate\(\): steps must be a positive integer"),
    ("evaluate_label_out_of_range", classifier, lambda m: m.evaluate(X, LABELS + 5, verbose=0),
     r"labels must be in \[0, 2\]"),
    ("predict_batch_size_0", regression, lambda m: m.predict(X, batch_size=0, verbose=0),
     r"predict\(\): batch_size must be a positive integer. Received: batch_size=0"),
    ("predict_batch_size_negative", regression, lambda m: m.predict(X, batch_size=-4, verbose=0),
     r"predict\(\): batch_size must be a positive integer"),
    ("predict_steps_negative", regression, lambda m: m.predict(X, steps=-2, verbose=0),
     r"predict\(\): steps must be a positive integer"),
    ("predict_nan_x", regression, lambda m: m.predict(nan_at(X, (0, 0)), verbose=0),
     r"x contains NaN"),
    ("train_on_batch_nan_y", regression, lambda m: m.train_on_batch(X, nan_at(Y, (0, 0))),
     r"y contains NaN"),
    ("train_on_batch_nan_sample_weight", regression,
     lambda m: m.train_on_batch(X, Y, sample_weight=nan_at(SW, 1)), r"sample_weight contains"),
    ("train_on_batch_label_out_of_range", classifier,
     lambda m: m.train_on_batch(X, LABELS * 10), r"labels must be in \[0, 2\]"),
    ("train_on_batch_nan_label", classifier,
     lambda m: m.train_on_batch(X, nan_at(LABELS, 0)), r"y contains NaN"),
    ("test_on_batch_inf_y", regression, lambda m: m.test_on_batch(X, inf_at(Y, (2, 0))),
     r"y contains NaN"),
]


def _state(model):
    opt = model.optimizer
    values = opt.state_values(model.trainable_weights) or []
    return opt.iterations, [np.array(v, copy=True) for v in values]


@pytest.mark.parametrize("case,factory,call,match", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_before_anything_changes(case, factory, call, match):
    model = factory()
    weights = [w.copy() for w in model.get_weights()]
    iterations, slots = _state(model)
    preds = model.predict(X, verbose=0)
    with pytest.raises((ValueError, TypeError), match=match):
        call(model)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    it_after, slots_after = _state(model)
    assert it_after == iterations
    assert len(slots_after) == len(slots)
    assert all(np.array_equal(a, b) for a, b in zip(slots, slots_after))
    np.testing.assert_array_equal(model.predict(X, verbose=0), preds)


def test_failed_first_call_leaves_an_unbuilt_model_unbuilt():
    m = Sequential([Dense(3), Dense(2)])
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="min_ndim=2"):
        m.fit(np.ones(5, "float32"), np.ones((5, 2), "float32"), verbose=0)   # 1-D samples
    assert not m.built and not any(l.built for l in m.layers)
    m.fit(np.ones((5, 4), "float32"), np.ones((5, 2), "float32"), verbose=0)
    assert m.built and m.layers[0].kernel.shape == (4, 3)


@pytest.mark.parametrize("call", ["predict", "evaluate", "train_on_batch"])
def test_failed_first_call_of_every_entry_point(call):
    m = Sequential([Dense(2)])
    m.compile(optimizer="sgd", loss="mse")
    bad, good = np.ones(4, "float32"), np.ones((4, 3), "float32")
    args = {"predict": lambda x: m.predict(x, verbose=0),
            "evaluate": lambda x: m.evaluate(x, np.ones((4, 2)), verbose=0),
            "train_on_batch": lambda x: m.train_on_batch(x, np.ones((4, 2)))}[call]
    with pytest.raises(ValueError):
        args(bad)
    assert not m.built
    args(good)
    assert m.built


def test_finiteness_check_accepts_large_finite_values_whose_sum_overflows():
    """check_finite sums first (NaN and infinities propagate); a sum that overflows on finite
    data falls back to the exact element check instead of refusing the data."""
    from pipeseq.training.data_adapters.convert import _all_finite, check_finite
    big = np.full((8, 4), 3e38, dtype="float32")                 # finite; the sum is inf
    assert _all_finite(big)
    check_finite([big])
    assert not _all_finite(inf_at(big, (2, 1))) and not _all_finite(nan_at(big, (0, 0)))
    with pytest.raises(ValueError, match=r"x contains NaN or infinite values \(first at index \(5, 3\)"):
        check_finite([nan_at(np.ones((6, 4)), (5, 3))])
