"""The lean first-order VJPs (pipeseq.ops.fastvjp) give autograd's own gradients, in the input's
dtype, and step aside for higher-order derivatives."""
import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from pipeseq import ops
from pipeseq.ops import fastvjp
from pipeseq.ops.autodiff import value_and_grad

RNG = np.random.default_rng(0)
A = RNG.uniform(0.5, 2.0, (3, 4))
A[0, 0] = 1.0                                   # a tie for maximum / minimum
B = RNG.uniform(0.5, 2.0, (3, 4))
ROW = RNG.uniform(0.5, 2.0, (1, 4))
VEC = RNG.uniform(0.5, 2.0, (4,))
W = RNG.normal(size=(4, 5))
T3 = RNG.normal(size=(2, 3, 4))

# (name, function of the differentiated arguments, arguments)
CASES = [
    ("add broadcast", lambda a, v: a + v, (A, VEC)),
    ("add row", lambda a, r: a + r, (A, ROW)),
    ("subtract scalar first", lambda a: 1 - a, (A,)),
    ("subtract", lambda a, b: a - b, (A, B)),
    ("multiply broadcast", lambda a, r: a * r, (A, ROW)),
    ("divide", lambda a, b: a / b, (A, B)),
    ("divide broadcast", lambda a, v: a / v, (A, VEC)),
    ("maximum with a tie", lambda a: anp.maximum(a, 1.0), (A,)),
    ("minimum with a tie", lambda a, b: anp.minimum(a, anp.ones_like(b)) * b, (A, B)),
    ("minimum", lambda a, b: anp.minimum(a, b), (A, B)),
    ("power", lambda a: a ** 3, (A,)),
    ("power 0.5", lambda a: a ** 0.5, (A,)),
    ("power array", lambda a, b: a ** b, (A, B)),
    ("negative", lambda a: -a, (A,)),
    ("square", anp.square, (A,)),
    ("sqrt", anp.sqrt, (A,)),
    ("exp", anp.exp, (A,)),
    ("log", anp.log, (A,)),
    ("log1p", anp.log1p, (A,)),
    ("tanh", anp.tanh, (A,)),
    ("abs", lambda a: anp.abs(a - 1.0), (A,)),
    ("sum all", lambda a: anp.sum(a) * a, (A,)),
    ("sum axis", lambda t: anp.sum(t, axis=1), (T3,)),
    ("sum axes keepdims", lambda t: anp.sum(t, axis=(0, 2), keepdims=True) * t, (T3,)),
    ("mean axis -1", lambda t: anp.mean(t, axis=-1), (T3,)),
    ("mean positional axis", lambda t: anp.mean(t, 0), (T3,)),
    ("mean all", lambda a: anp.mean(a) * a, (A,)),
    ("reshape", lambda t: anp.reshape(t, (6, 4)) * anp.arange(24.0).reshape(6, 4), (T3,)),
    ("squeeze", lambda r: anp.squeeze(r, 0) * VEC, (ROW,)),
    ("expand_dims", lambda v: anp.expand_dims(v, 0) * A, (VEC,)),
    ("matmul", lambda a, w: anp.matmul(a, w), (A, W)),
    ("matmul batched rows", lambda t, w: anp.matmul(t, w), (T3, W)),
    ("dot", lambda a, w: anp.dot(a, w), (A, W)),
    ("matmul vector", lambda a, v: anp.matmul(a, v), (A, VEC)),
    ("where", lambda a, b: anp.where(A > 1.0, a, b), (A, B)),
    ("clip", lambda a: anp.clip(a, 0.8, 1.5), (A,)),
    ("ops chain", lambda a, b: ops.mean(ops.square(a - b), axis=-1), (A, B)),
]


def _grads(fn, args):
    weights = np.linspace(0.5, 1.5, np.size(fn(*args))).reshape(np.shape(fn(*args)))
    return autograd.grad(lambda *xs: anp.sum(fn(*xs) * weights), tuple(range(len(args))))(*args)


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_lean_vjp_equals_autograd(name, fn, args):
    got = _grads(fn, args)
    with fastvjp.disabled():
        want = _grads(fn, args)
    for g, w, a in zip(got, want, args):
        assert np.shape(g) == np.shape(a)
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_float32_stays_float32(name, fn, args):
    args32 = [np.asarray(a, "float32") for a in args]
    for i, a in enumerate(args32):
        _, g = value_and_grad(lambda x: anp.sum(fn(*args32[:i], x, *args32[i + 1:])))(a)
        assert g.dtype == np.float32 and g.flags.writeable


def test_where_sums_a_broadcast_branch():
    """autograd's own VJP of where fails here (it does not sum over broadcast axes)."""
    g = autograd.grad(lambda v: anp.sum(anp.where(A > 1.0, A, v)))(VEC)
    np.testing.assert_allclose(g, (A <= 1.0).sum(axis=0))


def test_mean_gradient_is_not_promoted_to_float64():
    """autograd divides mean's gradient by a NumPy integer: float64 from there on."""
    seen = []
    x = np.ones((2, 3), "float32")

    def f(a):
        y = anp.exp(a)
        return anp.mean(y)
    back, _ = autograd.core.make_vjp(f, x)
    seen.append(back(np.float32(1.0)).dtype)
    assert seen == [np.float32]


def test_second_order_falls_back_to_autograd():
    def f(a):
        return anp.sum(anp.log(a) * a ** 2 + anp.mean(anp.square(a), axis=-1)[:, None] * a)
    hess = autograd.hessian(f)(A)
    with fastvjp.disabled():
        want = autograd.hessian(f)(A)
    np.testing.assert_allclose(hess, want, rtol=1e-12)


def test_complex_values_use_autograd():
    z = np.array([1 + 2j, 3 - 1j])
    g = autograd.grad(lambda a: anp.real(anp.sum(anp.square(a) * (1 - 1j))))(z)
    with fastvjp.disabled():
        want = autograd.grad(lambda a: anp.real(anp.sum(anp.square(a) * (1 - 1j))))(z)
    np.testing.assert_allclose(g, want)


def test_sum_divided_is_sum_then_divide():
    from pipeseq.ops.prims import sum_divided
    x32 = A.astype("float32")
    assert sum_divided(x32, 12.0).dtype == np.float32
    assert sum_divided(x32, 12.0) == np.sum(x32) / 12.0
    g = autograd.grad(lambda a: sum_divided(a * a, 3.0))(A)
    np.testing.assert_allclose(g, 2 * A / 3.0)
    hess = autograd.hessian(lambda a: sum_divided(a ** 3, 3.0))(VEC)
    np.testing.assert_allclose(hess, np.diag(2 * VEC))
