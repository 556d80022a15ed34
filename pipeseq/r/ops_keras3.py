"""The rest of R keras3's ``op_*``: every exported op with a :mod:`pipeseq.ops` counterpart.

keras3 (the R package) wraps each ``keras.ops`` function; the wrappers here do
what its R code does to the arguments (read from the keras3 sources, ``R/ops*.R``):

* axis arguments are **1-based** (``as_axis``: 1 is the first axis, negatives count
  from the end, 0 is an error), as the other ``op_*`` functions;
* index arguments are **1-based** (``as_py_index``: positive values minus 1,
  negative ones count from the end): ``op_take(x, indices)``, ``op_take_along_axis``,
  ``op_scatter``, ``op_scatter_update``, ``op_slice``, ``op_slice_update``,
  ``op_segment_sum/max`` (segment ids), ``op_unravel_index``, ``op_argpartition``'s
  ``kth``, ``op_split``'s split points, ``op_switch``'s index;
* ops returning indices return them **1-based** (``op_argsort``, ``op_argpartition``,
  ``op_digitize``, ``op_searchsorted``, ``op_top_k``'s indices, ``op_nonzero``, which
  returns one row of coordinates per non-zero element, as keras3);
* where keras3 offers ``zero_indexed = TRUE``, so does the wrapper (indices in and
  out stay 0-based).

Everything else passes through unchanged (what keras3 converts with ``as_integer``
is already an integer here). keras3's own quirks are kept: ``op_tensordot(axes = 3)``
goes through ``as_axis`` as in R, so an integer ``axes`` counts one less;
``op_multi_hot``, ``op_bincount``, ``op_in_top_k`` take 0-based class ids as keras3 does.

Example
-------
>>> import numpy as np
>>> from pipeseq import op_take, op_argsort, op_swapaxes
>>> x = np.array([[10., 20., 30.], [40., 50., 60.]])
>>> op_take(x, [1, 3], axis=2)
array([[10., 30.],
       [40., 60.]])
>>> op_argsort(np.array([3., 1., 2.]))
array([2, 3, 1])
>>> op_swapaxes(x, 1, 2).shape
(3, 2)
"""
import inspect

import numpy as np

from .. import ops as _ops
from .ops import as_axis

__all__ = []

# keras.ops functions keras3 exports as op_<name> with no argument conversion
_PLAIN = [
    "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "array",
    "average_pool", "bartlett", "binary_crossentropy", "bincount", "bitwise_invert",
    "bitwise_not", "blackman", "broadcast_to", "cbrt", "celu", "cholesky", "cond", "conv",
    "conv_transpose", "copy", "corrcoef", "correlate", "cosh", "custom_gradient", "deg2rad",
    "depthwise_conv", "det", "diag", "diagflat", "divide_no_nan", "dot_product_attention",
    "eig", "eigh", "einsum", "empty", "erf", "erfinv", "exp2", "extract_sequences", "fft",
    "fft2", "floor_divide", "fori_loop", "full_like", "gelu", "get_item", "hamming", "hanning",
    "hard_shrink", "hard_silu", "hard_swish", "hard_tanh", "heaviside", "histogram", "hstack",
    "identity", "ifft2", "imag", "in_top_k", "inner", "inv", "irfft", "is_tensor", "isclose",
    "isfinite", "isinf", "isnan", "istft", "kaiser", "leaky_relu", "log10", "log2",
    "log_sigmoid", "logaddexp", "logdet", "logical_and", "logical_not", "logical_or",
    "logical_xor", "lstsq", "lu_factor", "max_pool", "mod", "nan_to_num", "outer", "pad",
    "polar", "psnr", "qr", "ravel", "real", "reciprocal", "relu6", "rfft", "rsqrt",
    "saturate_cast", "scan", "select", "selu", "separable_conv", "signbit", "silu", "sinh",
    "slogdet", "soft_shrink", "solve", "solve_triangular", "sparse_plus", "sparse_sigmoid",
    "squareplus", "stft", "stop_gradient", "svd", "tan", "tanh_shrink", "threshold", "tri",
    "tril", "triu", "trunc", "vdot", "view_as_complex", "view_as_real", "vstack", "while_loop",
]

# op_<name>: (axis arguments, index arguments, returns indices) -- from keras3's R code
_CONVERTED = {
    "append": (["axis"], [], False),
    "argpartition": (["axis"], ["kth"], True),
    "argsort": (["axis"], [], True),
    "associative_scan": (["axis"], [], False),
    "average": (["axis"], [], False),
    "batch_normalization": (["axis"], [], False),
    "categorical_crossentropy": (["axis"], [], False),
    "count_nonzero": (["axis"], [], False),
    "cross": (["axis"], [], False),
    "diagonal": (["axis1", "axis2"], [], False),
    "diff": (["axis"], [], False),
    "digitize": ([], [], True),
    "flip": (["axis"], [], False),
    "glu": (["axis"], [], False),
    "layer_normalization": (["axis"], [], False),
    "linspace": (["axis"], [], False),
    "log_softmax": (["axis"], [], False),
    "logspace": (["axis"], [], False),
    "median": (["axis"], [], False),
    "moments": (["axes"], [], False),
    "moveaxis": (["source", "destination"], [], False),
    "multi_hot": (["axis"], [], False),
    "norm": (["axis"], [], False),
    "normalize": (["axis"], [], False),
    "quantile": (["axis"], [], False),
    "rms_normalization": (["axis"], [], False),
    "roll": (["axis"], [], False),
    "rot90": (["axes"], [], False),
    "scatter": ([], ["indices"], False),
    "scatter_update": ([], ["indices"], False),
    "searchsorted": ([], [], True),
    "segment_max": ([], ["segment_ids"], False),
    "segment_sum": ([], ["segment_ids"], False),
    "slice": ([], ["start_indices"], False),
    "slice_update": ([], ["start_indices"], False),
    "sort": (["axis"], [], False),
    "sparse_categorical_crossentropy": (["axis"], [], False),
    "sparsemax": (["axis"], [], False),
    "swapaxes": (["axis1", "axis2"], [], False),
    "take": (["axis"], ["indices"], False),
    "take_along_axis": (["axis"], ["indices"], False),
    "tensordot": (["axes"], [], False),
    "trace": (["axis1", "axis2"], [], False),
    "unravel_index": ([], ["indices"], False),
    "unstack": (["axis"], [], False),
}

# keras3 names whose keras.ops function has another name, or R argument names
_RENAMED = {"conj": "conjugate", "convert_to_array": "convert_to_numpy",
            "image_crop": "image.crop_images", "image_pad": "image.pad_images",
            "image_resize": "image.resize", "image_extract_patches": "image.extract_patches",
            "image_hsv_to_rgb": "image.hsv_to_rgb", "image_rgb_to_hsv": "image.rgb_to_hsv",
            "image_rgb_to_grayscale": "image.rgb_to_grayscale"}
_XY = ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift",
       "left_shift", "right_shift")        # keras3 names their arguments x, y


def py_index(i):
    """keras3's ``as_py_index``: 1-based indices to 0-based (values <= 0 are kept).

    Example
    -------
    >>> py_index(3), py_index([1, 2, -1]).tolist()
    (2, [0, 1, -1])
    """
    if i is None:
        return None
    if isinstance(i, (list, tuple)) and any(isinstance(a, (list, tuple)) for a in i):
        return type(i)(py_index(a) for a in i)
    a = np.asarray(i)
    if a.dtype.kind == "f":
        a = a.astype("int64")
    if a.dtype.kind not in "iu":
        raise TypeError(f"Expected integer (1-based) indices. Received: {i!r:.80}")
    out = np.where(a > 0, a - 1, a)
    return int(out) if out.ndim == 0 and not isinstance(i, np.ndarray) else out


def _target(name):
    fn = _ops
    for part in _RENAMED.get(name, name).split("."):
        fn = getattr(fn, part)
    return fn


def _one_based(out):
    return np.asarray(out) + 1


def _doc(r_name, name, target, params, axes, indices, index_result):
    """The docstring: what keras3's call becomes in keras.ops, with R's conventions shown."""
    py_name = _RENAMED.get(name, name)
    r_args, py_args = [], []
    for p in params:
        if p.name == "zero_indexed" or p.kind is p.VAR_KEYWORD:
            continue
        if p.name in axes:
            r_args.append(f"{p.name} = 2")
            py_args.append(f"{p.name}=1")
        elif p.name in indices:
            r_args.append(f"{p.name} = c(1, 3)")
            py_args.append(f"{p.name}=[0, 2]")
        elif p.default is p.empty or p.kind is p.VAR_POSITIONAL:
            r_args.append(p.name)
            py_args.append(p.name)
    lines = [f"keras3's ``{r_name}()``: ``keras.ops.{py_name}`` with R's conventions.", "",
             "Example", "-------",
             f"R's ``{r_name}({', '.join(r_args)})`` is ``keras.ops.{py_name}"
             f"({', '.join(py_args)})``" + (", plus 1 on the indices it returns" if index_result
                                            else "") + "."]
    if axes:
        lines.append(f"``{'``, ``'.join(axes)}``: 1-based axes (negatives count from the end).")
    if indices:
        lines.append(f"``{'``, ``'.join(indices)}``: 1-based indices.")
    if indices or index_result:
        lines.append("``zero_indexed=True``: 0-based indices, as keras3.")
    first = (target.__doc__ or "").strip().split("\n")[0]
    return "\n".join(lines + (["", "Notes", "-----", first] if first else []))


def _define(name, axes=(), indices=(), index_result=False, rename=None):
    target = _target(name)
    r_name = "op_" + name
    params = list(inspect.signature(target).parameters.values())
    if rename:
        params = [p.replace(name=rename.get(p.name, p.name)) for p in params]
    back = {v: k for k, v in (rename or {}).items()}
    zero = indices or index_result
    if zero:
        params.append(inspect.Parameter("zero_indexed", inspect.Parameter.KEYWORD_ONLY,
                                        default=False))
    sig = inspect.Signature(params)

    def fn(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        zero_indexed = bound.arguments.pop("zero_indexed", False)
        for a in axes:
            if bound.arguments.get(a) is not None:
                bound.arguments[a] = as_axis(bound.arguments[a], r_name)
        if not zero_indexed:
            for a in indices:
                if a in bound.arguments:
                    bound.arguments[a] = py_index(bound.arguments[a])
        kwargs = {back.get(k, k): v for k, v in bound.kwargs.items()}
        out = target(*bound.args, **kwargs)
        return out if (zero_indexed or not index_result) else _one_based(out)
    fn.__name__ = fn.__qualname__ = r_name
    fn.__signature__ = sig
    fn.__doc__ = _doc(r_name, name, target, params, axes, indices, index_result)
    globals()[r_name] = fn
    __all__.append(r_name)
    return fn


for _n in _PLAIN + [n for n in _RENAMED]:
    _define(_n)
for _n, (_axes, _idx, _res) in _CONVERTED.items():
    _define(_n, _axes, _idx, _res)
for _n in _XY:
    _define(_n, rename={"x1": "x", "x2": "y"})
del _n, _axes, _idx, _res
_define("meshgrid")
_define("vectorize", rename={"pyfunc": "func"})


def op_nonzero(x, zero_indexed=False):
    """Coordinates of the non-zero elements, one row each, 1-based (keras3 ``op_nonzero``).

    Example
    -------
    >>> op_nonzero(np.array([[0, 5], [7, 0]]))
    array([[1, 2],
           [2, 1]])
    """
    coords = np.stack([np.asarray(c) for c in _ops.nonzero(x)], axis=-1)
    return coords if zero_indexed else coords + 1


def op_top_k(x, k, sorted=True, zero_indexed=False):
    """The ``k`` largest values along the last axis and their 1-based indices (keras3).

    Example
    -------
    >>> values, indices = op_top_k(np.array([1., 9., 4.]), 2)
    >>> values.tolist(), indices.tolist()
    ([9.0, 4.0], [2, 3])
    """
    values, indices = _ops.top_k(x, int(k), sorted=sorted)
    return values, (indices if zero_indexed else _one_based(indices))


def op_split(x, indices_or_sections, axis=1):
    """Split ``x`` into equal sections (a number) or at 1-based positions (a vector), along a
    1-based ``axis`` (keras3 ``op_split``; its default ``axis = 1`` is the first axis).

    Example
    -------
    >>> [a.tolist() for a in op_split(np.arange(6), [3, 5])]
    [[0, 1], [2, 3], [4, 5]]
    """
    n = indices_or_sections
    if np.ndim(n) or isinstance(n, (list, tuple)):
        n = [int(i) for i in py_index(list(np.ravel(n)))]
    else:
        n = int(n)
    return _ops.split(x, n, axis=as_axis(axis, "op_split"))


def op_switch(index, branches, *operands):
    """Call ``branches[index]`` (``index`` 1-based, as keras3) on ``operands``.

    Example
    -------
    >>> op_switch(2, [lambda v: v + 1, lambda v: v * 10], 3)
    30
    """
    return _ops.switch(py_index(index), branches, *operands)


def op_map(xs, f):
    """Apply ``f`` to each slice of ``xs`` along the first axis (keras3's argument order).

    Example
    -------
    >>> op_map(np.array([1., 2.]), lambda v: v * 2).tolist()
    [2.0, 4.0]
    """
    return _ops.map(f, xs)


def op_vectorized_map(elements, f):
    """``f`` applied to each element of ``elements`` along the first axis (keras3's order).

    Example
    -------
    >>> op_vectorized_map(np.array([[1., 2.], [3., 4.]]), lambda v: v.sum()).tolist()
    [3.0, 7.0]
    """
    return _ops.vectorized_map(f, elements)


def _pmax(x1, x2):
    from .ops import op_maximum
    return op_maximum(x1, x2)


def _pmin(x1, x2):
    from .ops import op_minimum
    return op_minimum(x1, x2)


op_pmax = _pmax
op_pmin = _pmin
op_pmax.__name__ = op_pmax.__qualname__ = "op_pmax"
op_pmin.__name__ = op_pmin.__qualname__ = "op_pmin"
op_pmax.__doc__ = """keras3's alias of ``op_maximum``: elementwise maximum.

Example
-------
>>> op_pmax(np.array([1., 5.]), np.array([3., 2.]))
array([3., 5.])
"""
op_pmin.__doc__ = """keras3's alias of ``op_minimum``: elementwise minimum.

Example
-------
>>> op_pmin(np.array([1., 5.]), np.array([3., 2.]))
array([1., 2.])
"""

__all__ += ["op_nonzero", "op_top_k", "op_split", "op_switch", "op_map", "op_vectorized_map",
            "op_pmax", "op_pmin"]
