"""One declarative checker for every layer: ``check_layer(Dense, {"units": 3}, (2, 4))``.

It verifies, in float64:
* the forward output shape equals ``compute_output_shape`` (batch axis included);
* the number of weights / trainable weights;
* ``get_config`` -> ``from_config`` -> same config, same output with the same weights;
* numerical gradients (central differences) of input and every trainable weight
  match ``backward``;
* one SGD training step changes the trainable weights and lowers a simple loss.
"""
import numpy as np

from pipeseq import backend


def numeric_grad(f, x, eps=1e-6):
    """Central-difference gradient of scalar ``f()`` with respect to array ``x`` (in place)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


def _as_list(x):
    return x if isinstance(x, list) else [x]


def gradient_check(layer, x, training=False, rtol=1e-5, atol=1e-6, seed=0, mask=None,
                   check_input=True):
    """Compare ``layer.backward`` against central differences for the input(s) and weights.

    Uses a random projection ``sum(r * y)`` as the scalar. Dropout-like layers
    are checked with ``training=False`` unless a fixed seed makes them deterministic.
    """
    rng = np.random.default_rng(seed)
    kw = {"mask": mask} if mask is not None else {}

    def out(xx):
        y, _ = layer.forward(xx, training=training, **kw)
        return y

    y0 = out(x)
    ys = _as_list(y0)
    rs = [rng.normal(size=np.shape(y)) for y in ys]

    def scalar():
        return sum(float((r * y).sum()) for r, y in zip(rs, _as_list(out(x))))

    y, cache = layer.forward(x, training=training, **kw)
    dy = rs if isinstance(y, list) else rs[0]
    dx, grads = layer.backward(cache, dy)
    if check_input:
        for xi, dxi in zip(_as_list(x), _as_list(dx)):
            if xi.dtype.kind != "f":
                continue
            num = numeric_grad(scalar, xi)
            np.testing.assert_allclose(dxi, num, rtol=rtol, atol=atol,
                                       err_msg=f"{layer.name}: input gradient mismatch")
    for v, g in zip(layer.gradient_variables, grads):
        num = numeric_grad(scalar, v.value)
        np.testing.assert_allclose(g, num, rtol=rtol, atol=atol,
                                   err_msg=f"{layer.name}: gradient of '{v.name}' mismatch")
    return True


def check_layer(layer_cls, kwargs, input_shape, input_data=None, expected_num_weights=None,
                expected_num_trainable=None, expected_output_shape=None, training=False,
                grad_training=None, int_input_max=None, supports_training_step=True, mask=None,
                rtol=1e-5, atol=1e-6):
    """Run every standard check on ``layer_cls(**kwargs)`` with float64 input of ``input_shape``.

    ``input_shape`` may be a list of shapes for multi-input layers. Returns the layer.
    """
    old = backend.floatx()
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(1)
        if input_data is not None:
            x = input_data
        elif isinstance(input_shape, list):
            x = [rng.normal(size=s) for s in input_shape]
        elif int_input_max is not None:
            x = rng.integers(0, int_input_max, size=input_shape)
        else:
            x = rng.normal(size=input_shape)
        layer = layer_cls(**kwargs)
        layer._maybe_build([a.shape for a in x] if isinstance(x, list) else x.shape)
        y, _ = layer.forward(x, training=False, **({"mask": mask} if mask is not None else {}))
        shape_in = [a.shape for a in x] if isinstance(x, list) else x.shape
        expected = layer.compute_output_shape(shape_in)
        for got, exp in zip(_as_list(y), expected if isinstance(y, list) else [expected]):
            assert tuple(got.shape) == tuple(exp), \
                f"{layer_cls.__name__}: forward shape {got.shape} != compute_output_shape {exp}"
            # and with the batch axis unknown
        none_shape = [(None,) + tuple(s[1:]) for s in shape_in] if isinstance(x, list) else (None,) + tuple(shape_in[1:])
        sym = layer.compute_output_shape(none_shape)
        for got, exp in zip(_as_list(y), sym if isinstance(y, list) else [sym]):
            assert tuple(exp)[1:] == tuple(got.shape)[1:] or any(d is None for d in exp[1:]), \
                f"{layer_cls.__name__}: symbolic shape {exp} != {got.shape}"
        if expected_output_shape is not None:
            assert tuple(_as_list(y)[0].shape) == tuple(expected_output_shape)
        if expected_num_weights is not None:
            assert len(layer.weights) == expected_num_weights, [w.name for w in layer.weights]
        if expected_num_trainable is not None:
            assert len(layer.trainable_weights) == expected_num_trainable
        # Non-trivial weights (biases are zero-initialised) so the checks see them.
        for v in layer.weights:
            if v.trainable:
                v.value = np.asarray(v.value + rng.normal(scale=0.1, size=v.shape))
        # config round trip
        config = layer.get_config()
        import json
        json.dumps(config)
        clone = layer_cls.from_config(config)
        assert clone.get_config() == config, f"{layer_cls.__name__}: config changed in a round trip"
        clone._maybe_build([a.shape for a in x] if isinstance(x, list) else x.shape)
        clone.set_weights(layer.get_weights())
        kw = {"mask": mask} if mask is not None else {}
        for a, b in zip(_as_list(clone.forward(x, training=False, **kw)[0]), _as_list(layer.forward(x, training=False, **kw)[0])):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        # gradients
        gradient_check(layer, x, training=training if grad_training is None else grad_training,
                       mask=mask, rtol=rtol, atol=atol)
        # one training step with SGD on sum(y^2)/2 lowers it
        if supports_training_step and layer.gradient_variables:
            from pipeseq.training.optimizers import SGD

            def loss_val():
                return 0.5 * sum(float((yy ** 2).sum()) for yy in _as_list(layer.forward(x, training=False, **kw)[0]))
            before = [v.numpy() for v in layer.gradient_variables]
            l0 = loss_val()
            y, cache = layer.forward(x, training=False, **kw)
            _, grads = layer.backward(cache, y)
            SGD(learning_rate=1e-3).apply(grads, layer.gradient_variables)
            assert any(not np.array_equal(b, v.value) for b, v in zip(before, layer.gradient_variables))
            assert loss_val() <= l0 + 1e-12
        return layer
    finally:
        backend.set_floatx(old)
