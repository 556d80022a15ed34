"""Spectral normalization by power iteration (Miyato et al., 2018), as Keras computes it.

``spectral_normalize(kernel, u, iterations)`` reshapes the kernel to ``W (rows, n)``
(``n`` = its last axis), runs ``iterations`` steps of ``v = l2(u W^T)``, ``u = l2(v W)``,
and returns ``(W / sigma, u)`` with ``sigma = v W u^T``, the estimate of the largest
singular value. ``l2`` is Keras's ``ops.normalize``: ``x * min(rsqrt(sum x^2), 1/eps)``.
A kernel of zeros is returned unchanged (Keras's ``cond`` on ``all(kernel == 0)``).

Example
-------
>>> import numpy as np
>>> w = np.diag([3.0, 1.0])
>>> w_n, u = spectral_normalize(w, np.array([[1.0, 0.5]]), iterations=20)
>>> round(float(np.linalg.norm(w_n, 2)), 4)
1.0
"""
import numpy as np


def l2_normalize(x, epsilon=1e-7):
    """Keras's ``ops.normalize(x, axis=None)``: ``x * min(1/||x||, 1/epsilon)``."""
    square_sum = np.sum(x * x)
    inv = 1.0 / np.sqrt(square_sum) if square_sum > 0 else np.inf
    return x * np.asarray(min(inv, 1.0 / epsilon), x.dtype)


def spectral_normalize(kernel, u, iterations=1, epsilon=1e-7):
    """``(kernel / sigma, new_u)``; ``u`` is ``(1, kernel.shape[-1])``."""
    kernel = np.asarray(kernel)
    if not np.any(kernel):
        return kernel, u
    w = kernel.reshape(-1, kernel.shape[-1])
    v = None
    for _ in range(int(iterations)):
        v = l2_normalize(u @ w.T, epsilon)
        u = l2_normalize(v @ w, epsilon)
    sigma = (v @ w) @ u.T                       # (1, 1)
    return (w / sigma).reshape(kernel.shape).astype(kernel.dtype, copy=False), \
        u.astype(kernel.dtype, copy=False)
