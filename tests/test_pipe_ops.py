"""op_* / k_* backend helpers: 1-based axes, 1-based index results, R's errors."""
import numpy as np
import pytest

import pipeseq
from pipeseq.r import ops as pipe_ops


X = np.arange(24, dtype="float32").reshape(2, 3, 4)


@pytest.mark.parametrize("r_axis, np_axis", [(1, 0), (2, 1), (3, 2), (-1, -1), (-3, 0),
                                             ((1, 3), (0, 2)), (None, None)])
@pytest.mark.parametrize("name", ["mean", "sum", "max", "min", "prod", "std", "var"])
def test_reductions_translate_one_based_axes(name, r_axis, np_axis):
    for prefix in ("op_", "k_"):
        fn = getattr(pipeseq, prefix + name)
        got = fn(X, axis=r_axis)
        want = getattr(np, name)(X, axis=np_axis)
        np.testing.assert_allclose(got, want, rtol=1e-6)
        assert fn(X, axis=r_axis, keepdims=True).ndim == 3


@pytest.mark.parametrize("fn", ["op_mean", "k_sum", "op_softmax", "k_concatenate",
                                "op_expand_dims", "op_argmax", "k_argmax", "op_cumsum"])
def test_axis_zero_is_an_error(fn):
    f = getattr(pipeseq, fn)
    arg = [X, X] if "concatenate" in fn else X
    with pytest.raises(ValueError, match="`axis` argument is 1 based, received 0"):
        f(arg, axis=0)


def test_argmax_results_one_based_for_op_zero_based_for_k():
    x = np.array([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]])
    np.testing.assert_array_equal(pipeseq.op_argmax(x, axis=-1), [2, 1])
    np.testing.assert_array_equal(pipeseq.op_argmax(x, axis=2), [2, 1])
    np.testing.assert_array_equal(pipeseq.op_argmax(x, axis=1), [2, 1, 1])
    assert pipeseq.op_argmax(x) == 4          # flattened, 1-based
    np.testing.assert_array_equal(pipeseq.op_argmin(x, axis=-1), [1, 2])
    np.testing.assert_array_equal(pipeseq.k_argmax(x), [1, 0])   # R keras 2.x: 0-based
    assert pipeseq.op_argmax(x, axis=2, keepdims=True).shape == (2, 1)


def test_constructors_and_elementwise():
    from pipeseq import (k_ones, k_zeros, op_abs, op_clip, op_exp, op_full, op_log, op_ones,
                         op_sqrt, op_square, op_zeros, k_clip, k_square, k_epsilon)
    assert op_ones((3, 3)).dtype == np.float32 and op_ones((3, 3)).shape == (3, 3)
    assert op_zeros(4).shape == (4,) and k_ones((2, 2)).sum() == 4 and not k_zeros((2,)).any()
    v = np.array([-2.0, 0.25, 4.0], "float32")
    np.testing.assert_allclose(op_abs(v), [2, 0.25, 4])
    np.testing.assert_allclose(op_square(v), [4, 0.0625, 16])
    np.testing.assert_allclose(k_square(v), [4, 0.0625, 16])
    np.testing.assert_allclose(op_sqrt(np.abs(v)), [2**0.5, 0.5, 2])
    np.testing.assert_allclose(op_log(op_exp(v)), v, rtol=1e-6)
    np.testing.assert_allclose(op_clip(v, 0, 1), [0, 0.25, 1])
    np.testing.assert_allclose(k_clip(v, 0, 1), [0, 0.25, 1])
    np.testing.assert_allclose(op_full((2,), 3.0), [3, 3])
    assert k_epsilon() == pytest.approx(1e-7)
    assert op_square(v).dtype == np.float32


def test_shape_ops_one_based():
    from pipeseq import (k_concatenate, k_expand_dims, k_permute_dimensions, k_stack,
                         op_concatenate, op_expand_dims, op_softmax, op_squeeze, op_stack)
    a = np.ones((2, 3))
    assert op_concatenate([a, a]).shape == (4, 3)            # default axis=1 -> first axis
    assert op_concatenate([a, a], axis=2).shape == (2, 6)
    assert k_concatenate([a, a]).shape == (2, 6)             # R keras 2: axis=-1
    assert op_stack([a, a]).shape == (2, 2, 3) and k_stack([a, a], axis=3).shape == (2, 3, 2)
    assert op_expand_dims(a, axis=1).shape == (1, 2, 3)
    assert k_expand_dims(a).shape == (2, 3, 1)
    assert op_squeeze(np.ones((2, 1, 3)), axis=2).shape == (2, 3)
    assert k_permute_dimensions(np.ones((2, 3, 4)), (1, 3, 2)).shape == (2, 4, 3)
    s = op_softmax(np.array([[1.0, 2.0], [3.0, 5.0]]), axis=1)
    np.testing.assert_allclose(s.sum(axis=0), [1, 1], rtol=1e-6)


def test_one_hot_one_based_for_op_zero_based_for_k():
    np.testing.assert_array_equal(pipeseq.op_one_hot(np.array([1, 3]), 3), [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(pipeseq.k_one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match="1-based"):
        pipeseq.op_one_hot(np.array([0, 1]), 3)


def test_as_axis_validation():
    assert pipe_ops.as_axis([1, -1]) == (0, -1)
    with pytest.raises(TypeError, match="integer"):
        pipe_ops.as_axis(1.5)


def test_names_and_signatures_for_help():
    import inspect
    assert pipeseq.op_mean.__name__ == "op_mean"
    assert "axis" in str(inspect.signature(pipeseq.k_mean))
    assert "1-based" in pipeseq.op_mean.__doc__
