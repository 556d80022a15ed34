"""``keras.ops.linalg``: decompositions and solvers on NumPy/SciPy, differentiable where autograd is.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.det(np.eye(2, dtype="float32"))
np.float32(1.0)
"""
import autograd.numpy as anp
import numpy as np

from .dispatch import float_tensor, op, tensor, value

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lu_factor", "norm",
           "pinv", "qr", "solve", "solve_triangular", "svd", "lstsq", "matrix_rank"]


@op
def cholesky(x, upper=False):
    """Cholesky factor (lower, or upper when ``upper``)."""
    L = anp.linalg.cholesky(float_tensor(x))
    return anp.swapaxes(L, -1, -2) if upper else L


@op
def cholesky_inverse(x, upper=False):
    """Inverse of ``A`` from its Cholesky factor ``x``."""
    L = float_tensor(x)
    L = anp.swapaxes(L, -1, -2) if upper else L
    return anp.linalg.inv(anp.matmul(L, anp.swapaxes(L, -1, -2)))


@op
def det(x):
    """Determinant of square matrices."""
    return anp.linalg.det(float_tensor(x))


@op
def eig(x):
    """Eigenvalues and eigenvectors of general square matrices."""
    return anp.linalg.eig(float_tensor(x))


@op
def eigh(x):
    """Eigenvalues and eigenvectors of symmetric matrices."""
    return anp.linalg.eigh(float_tensor(x))


@op
def inv(x):
    """Matrix inverse."""
    return anp.linalg.inv(float_tensor(x))


@op
def lu_factor(x):
    """``(lu, pivots)`` as ``scipy.linalg.lu_factor`` (no gradient)."""
    import scipy.linalg
    v = np.asarray(value(float_tensor(x)))
    if v.ndim == 2:
        lu, piv = scipy.linalg.lu_factor(v)
        return lu, piv.astype("int32")
    outs = [scipy.linalg.lu_factor(m) for m in v.reshape((-1,) + v.shape[-2:])]
    return (np.stack([o[0] for o in outs]).reshape(v.shape),
            np.stack([o[1] for o in outs]).reshape(v.shape[:-1]).astype("int32"))


@op
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """Vector or matrix norm (NumPy's ``ord`` values)."""
    x = float_tensor(x)
    if isinstance(axis, list):
        axis = tuple(axis)
    if ord is None and (axis is None or isinstance(axis, int)):
        return anp.sqrt(anp.sum(x * x, axis=axis, keepdims=keepdims))
    return anp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


@op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse."""
    x = float_tensor(x)
    return anp.linalg.pinv(x) if rcond is None else np.linalg.pinv(value(x), rcond=rcond)


@op
def qr(x, mode="reduced"):
    """QR decomposition ``(q, r)``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr(): mode must be 'reduced' or 'complete'. Received: mode={mode!r}")
    return anp.linalg.qr(float_tensor(x), mode=mode)


@op
def solve(a, b):
    """Solve ``a @ x = b``."""
    return anp.linalg.solve(float_tensor(a), float_tensor(b))


@op
def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a`` (differentiable as a general solve)."""
    a = float_tensor(a)
    n = value(a).shape[-1]
    mask = np.tri(n, dtype=bool) if lower else np.tri(n, dtype=bool).T
    return anp.linalg.solve(anp.where(mask, a, 0.0), float_tensor(b))


@op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``(u, s, vh)`` (``s`` alone without ``compute_uv``)."""
    return anp.linalg.svd(float_tensor(x), full_matrices=full_matrices, compute_uv=compute_uv)


@op
def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b``."""
    a, b = float_tensor(a), float_tensor(b)
    return anp.matmul(anp.linalg.pinv(a), b) if rcond is None else \
        np.linalg.lstsq(value(a), value(b), rcond=rcond)[0]


@op
def matrix_rank(x, tol=None):
    """Numerical rank."""
    return np.linalg.matrix_rank(np.asarray(value(tensor(x))), tol=tol)
