"""keras3's op_* (tests/fixtures/r_keras3_op_names.txt: the op_ exports of keras3's NAMESPACE,
rstudio/keras3 4571bff) resolve in pipeseq with keras3's 1-based axes and indices."""
import os

import numpy as np
import pytest

import pipeseq
from pipeseq import ops

NAMES = os.path.join(os.path.dirname(__file__), "fixtures", "r_keras3_op_names.txt")

# keras3 exports without a pipeseq counterpart, and why
NOT_AVAILABLE = {
    "op_ctc_decode": "no CTC decoding in pipeseq.ops",
    "op_ctc_loss": "no ops.ctc_loss in pipeseq.ops (the CTC loss exists as a loss)",
    "op_image_affine_transform": "no affine image transform in pipeseq.ops.image",
    "op_image_elastic_transform": "no elastic image transform in pipeseq.ops.image",
    "op_image_gaussian_blur": "no Gaussian blur in pipeseq.ops.image",
    "op_image_map_coordinates": "no map_coordinates in pipeseq.ops.image",
    "op_image_perspective_transform": "no perspective transform in pipeseq.ops.image",
    "op_rearrange": "no einops-style rearrange in pipeseq.ops",
    "op_subset": "R's `[` indexing on tensors; in Python, index the array itself",
    "op_subset_set": "R's `[<-` on tensors; in Python, ops.slice_update / scatter_update",
}

X = np.arange(24, dtype="float32").reshape(2, 3, 4)


def keras3_op_names():
    with open(NAMES) as f:
        return [line.strip() for line in f if line.strip()]


def test_every_keras3_op_resolves_or_is_listed_with_a_reason():
    names = keras3_op_names()
    assert len(names) > 250
    missing = [n for n in names if not callable(getattr(pipeseq, n, None))]
    assert sorted(missing) == sorted(NOT_AVAILABLE)


# (op, extra args, R axis keyword -> 0-based keyword for pipeseq.ops)
AXIS_CASES = [
    ("sort", (), "axis"), ("flip", (), "axis"), ("roll", (1,), "axis"), ("diff", (), "axis"),
    ("median", (), "axis"), ("quantile", (0.25,), "axis"), ("norm", (), "axis"),
    ("count_nonzero", (), "axis"), ("log_softmax", (), "axis"), ("sparsemax", (), "axis"),
    ("normalize", (), "axis"), ("unstack", (), "axis"), ("average", (), "axis"),
    ("cumsum", (), "axis"),
]


@pytest.mark.parametrize("r_axis", [1, 2, 3, -1])
@pytest.mark.parametrize("name,extra,kw", AXIS_CASES, ids=[c[0] for c in AXIS_CASES])
def test_axes_are_one_based(name, extra, kw, r_axis):
    got = getattr(pipeseq, "op_" + name)(X, *extra, **{kw: r_axis})
    want = getattr(ops, name)(X, *extra, **{kw: r_axis - 1 if r_axis > 0 else r_axis})
    for g, w in zip(got if isinstance(got, list) else [got], want if isinstance(want, list)
                    else [want]):
        np.testing.assert_allclose(g, w, rtol=1e-6)


@pytest.mark.parametrize("call", [lambda: pipeseq.op_sort(X, axis=0),
                                  lambda: pipeseq.op_swapaxes(X, 0, 2),
                                  lambda: pipeseq.op_take(X, [1], axis=0)])
def test_axis_zero_is_an_error(call):
    with pytest.raises(ValueError, match="`axis` argument is 1 based, received 0"):
        call()


def test_two_axis_ops():
    assert pipeseq.op_swapaxes(X, 1, 3).shape == (4, 3, 2)
    assert pipeseq.op_moveaxis(X, 1, -1).shape == (3, 4, 2)
    np.testing.assert_allclose(pipeseq.op_diagonal(X, axis1=2, axis2=3),
                               np.diagonal(X, axis1=1, axis2=2))
    np.testing.assert_allclose(pipeseq.op_trace(X, axis1=2, axis2=3), np.trace(X, axis1=1, axis2=2))
    np.testing.assert_allclose(pipeseq.op_rot90(X[0]), np.rot90(X[0]))
    np.testing.assert_allclose(pipeseq.op_rot90(X, axes=(2, 3)), np.rot90(X, axes=(1, 2)))


def test_indices_in_are_one_based():
    x = np.array([[10., 20., 30.], [40., 50., 60.]])
    np.testing.assert_allclose(pipeseq.op_take(x, [1, 3], axis=2), x[:, [0, 2]])
    np.testing.assert_allclose(pipeseq.op_take(x, [0, 2], axis=2, zero_indexed=True), x[:, [0, 2]])
    np.testing.assert_allclose(pipeseq.op_take(x, -1, axis=2), x[:, -1])   # from the end
    idx = np.array([[3], [1]])
    np.testing.assert_allclose(pipeseq.op_take_along_axis(x, idx, axis=2), [[30.], [40.]])
    np.testing.assert_allclose(pipeseq.op_scatter(np.array([[1], [3]]), np.array([5., 7.]), (3,)),
                               [5., 0., 7.])
    np.testing.assert_allclose(pipeseq.op_scatter_update(np.zeros(3), np.array([[2]]),
                                                         np.array([4.])), [0., 4., 0.])
    np.testing.assert_allclose(pipeseq.op_slice(x, (2, 2), (1, 2)), [[50., 60.]])
    np.testing.assert_allclose(pipeseq.op_slice_update(np.zeros((2, 2)), (2, 1), np.ones((1, 1))),
                               [[0., 0.], [1., 0.]])
    np.testing.assert_allclose(pipeseq.op_segment_sum(np.array([1., 2., 3.]), np.array([1, 1, 2]),
                                                      num_segments=2), [3., 3.])
    np.testing.assert_array_equal(pipeseq.op_unravel_index(np.array([1, 6]), (2, 3)),
                                  np.unravel_index([0, 5], (2, 3)))
    assert [a.tolist() for a in pipeseq.op_split(np.arange(6), [3, 5])] == [[0, 1], [2, 3], [4, 5]]
    assert len(pipeseq.op_split(np.arange(6), 3)) == 3          # a number: that many sections
    assert pipeseq.op_switch(1, [lambda v: v + 1, lambda v: v * 10], 3) == 4
    np.testing.assert_array_equal(np.sort(pipeseq.op_argpartition(np.array([5., 1., 3.]), 1)[:1]),
                                  [2])


def test_indices_out_are_one_based():
    v = np.array([3., 1., 2.])
    np.testing.assert_array_equal(pipeseq.op_argsort(v), [2, 3, 1])
    np.testing.assert_array_equal(pipeseq.op_argsort(v, zero_indexed=True), [1, 2, 0])
    values, indices = pipeseq.op_top_k(v, 2)
    np.testing.assert_array_equal(indices, [1, 3])
    np.testing.assert_array_equal(pipeseq.op_top_k(v, 2, zero_indexed=True)[1], [0, 2])
    np.testing.assert_array_equal(pipeseq.op_nonzero(np.array([[0, 5], [7, 0]])), [[1, 2], [2, 1]])
    np.testing.assert_array_equal(pipeseq.op_searchsorted(np.array([1., 2., 3.]), np.array([2.5])),
                                  [3])
    np.testing.assert_array_equal(pipeseq.op_digitize(np.array([0.5, 1.5]), np.array([1., 2.])),
                                  [1, 2])


def test_renamed_and_reordered_arguments():
    np.testing.assert_array_equal(pipeseq.op_bitwise_and(x=np.array([6]), y=np.array([3])), [2])
    np.testing.assert_array_equal(pipeseq.op_left_shift(np.array([1]), np.array([2])), [4])
    np.testing.assert_allclose(pipeseq.op_map(np.array([1., 2.]), lambda t: t * 2), [2., 4.])
    np.testing.assert_allclose(pipeseq.op_vectorized_map(np.ones((2, 2)), lambda t: t.sum()),
                               [2., 2.])
    np.testing.assert_allclose(pipeseq.op_pmax(np.array([1., 5.]), np.array([3., 2.])), [3., 5.])
    np.testing.assert_allclose(pipeseq.op_pmin(np.array([1., 5.]), np.array([3., 2.])), [1., 2.])
    np.testing.assert_allclose(pipeseq.op_conj(np.array([1 + 2j])), [1 - 2j])
    assert pipeseq.op_image_resize(np.ones((1, 4, 4, 3), "float32"), (2, 2)).shape == (1, 2, 2, 3)
    assert pipeseq.op_convert_to_array([1.0]).dtype == np.float32


def test_plain_ops_pass_through():
    np.testing.assert_allclose(pipeseq.op_arctan2(np.array([1.]), np.array([1.])), [np.pi / 4],
                               rtol=1e-6)
    np.testing.assert_allclose(pipeseq.op_einsum("ij->ji", X[0]), X[0].T)
    np.testing.assert_allclose(pipeseq.op_log_sigmoid(np.zeros(1, "float32")), [np.log(0.5)],
                               rtol=1e-6)
    assert pipeseq.op_meshgrid(np.arange(2), np.arange(3))[0].shape == (3, 2)
