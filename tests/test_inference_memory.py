"""predict/evaluate keep no backward caches (backend.no_backward); a model called with
training=False inside a model being trained is still differentiated."""
import gc
import weakref

import numpy as np

from pipeseq import backend
from pipeseq.layers import Add, Dense, Input
from pipeseq.models import Model, Sequential

X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


def functional():
    x = Input((4,))
    h = Dense(5, activation="relu")(x)
    out = Dense(3)(Add()([Dense(5)(h), h]))
    return Model(x, out)


def test_no_caches_are_kept_inside_no_backward():
    for model in (Sequential([Dense(5, input_shape=(4,)), Dense(3)]), functional()):
        y, caches = model.forward(X, training=False)
        kept = caches if isinstance(model, Sequential) else caches[0]
        assert kept and all(c is not None for c in kept)
        with backend.no_backward():
            y2, caches2 = model.forward(X, training=False)
        kept2 = caches2 if isinstance(model, Sequential) else caches2[0]
        assert all(c is None for c in kept2) or not kept2
        np.testing.assert_array_equal(y, y2)


def _alive_at_the_last_layer(model, keep):
    """Is the first layer's output still referenced when the last layer runs?"""
    first, last = model._nodes[0].layer, model._nodes[-1].layer
    refs, alive = [], []
    f_first, f_last = first.forward, last.forward

    def first_forward(x, training=False, **kw):
        y, cache = f_first(x, training=training, **kw)
        refs.append(weakref.ref(y))
        return y, cache

    def last_forward(x, training=False, **kw):
        gc.collect()
        alive.append(refs[-1]() is not None)
        return f_last(x, training=training, **kw)
    first.forward, last.forward = first_forward, last_forward
    try:
        if keep:
            model.forward(X, training=False)
        else:
            with backend.no_backward():
                model.forward(X, training=False)
    finally:
        del first.forward, last.forward
    return alive[0]


def test_functional_frees_intermediate_results_after_their_last_use():
    model = functional()
    assert _alive_at_the_last_layer(model, keep=True)
    assert not _alive_at_the_last_layer(model, keep=False)


def test_predict_and_evaluate_match_a_forward_pass():
    model = functional()
    model.compile(optimizer="sgd", loss="mse")
    y = model.forward(X, training=False)[0]
    np.testing.assert_allclose(model.predict(X, verbose=0), y, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(X), y, rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(X, np.zeros((6, 3), "float32"), verbose=0),
                               np.mean(y.astype("float64") ** 2), rtol=1e-5)


def test_a_frozen_inner_model_called_with_training_false_still_trains_the_outer():
    inner = Sequential([Dense(4, input_shape=(4,))])
    x = Input((4,))
    out = Dense(1)(inner(x, training=False))
    model = Model(x, out)
    model.compile(optimizer="sgd", loss="mse")
    before = inner.get_weights()[0].copy()
    model.fit(X, np.ones((6, 1), "float32"), epochs=1, verbose=0)
    assert not np.allclose(inner.get_weights()[0], before)
    assert backend.keeps_caches()
