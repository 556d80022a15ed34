"""Group and unit normalization math (forward returns its cache).

* :func:`group_norm_forward` -- ``x`` reshaped to ``(..., groups, C/groups)``; mean and
  variance per sample and group over every other axis; ``y = (x - mean) * rsqrt(var + eps)
  * gamma + beta`` (Keras 3's ``GroupNormalization``).
* :func:`unit_norm_forward` -- ``y = x * min(rsqrt(sum(x^2, axes)), 1/eps)`` (Keras 3's
  ``ops.normalize``, used by ``UnitNormalization``).

Example
-------
>>> import numpy as np
>>> y, _ = unit_norm_forward(np.array([[3.0, 4.0]]), (-1,))
>>> y.round(6).tolist()
[[0.6, 0.8]]
"""
import numpy as np


def group_norm_forward(x, groups, gamma, beta, epsilon):
    """``x`` channels_last ``(N, ..., C)``; returns ``(y, cache)``."""
    c = x.shape[-1]
    xg = x.reshape(x.shape[:-1] + (groups, c // groups))
    axes = tuple(range(1, xg.ndim - 2)) + (xg.ndim - 1,)
    mean = xg.mean(axis=axes, keepdims=True)
    var = xg.var(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + epsilon)
    xhat = ((xg - mean) * inv).reshape(x.shape)
    y = xhat * gamma if gamma is not None else xhat.copy()
    if beta is not None:
        y = y + beta
    return y.astype(x.dtype, copy=False), (xhat, inv, gamma, groups, axes)


def group_norm_backward(cache, dy):
    """Return ``(dx, dgamma, dbeta)`` (None for an absent gamma/beta)."""
    xhat, inv, gamma, groups, axes = cache
    red = tuple(range(dy.ndim - 1))
    dgamma = (dy * xhat).sum(axis=red) if gamma is not None else None
    dbeta = dy.sum(axis=red)
    dxhat = dy * gamma if gamma is not None else dy
    shape_g = dy.shape[:-1] + (groups, dy.shape[-1] // groups)
    dxh, xh = dxhat.reshape(shape_g), xhat.reshape(shape_g)
    dx = inv * (dxh - dxh.mean(axis=axes, keepdims=True)
                - xh * (dxh * xh).mean(axis=axes, keepdims=True))
    return dx.reshape(dy.shape).astype(dy.dtype, copy=False), dgamma, dbeta


def unit_norm_forward(x, axes, epsilon=1e-12):
    sq = (x * x).sum(axis=axes, keepdims=True)
    with np.errstate(divide="ignore"):
        inv = 1.0 / np.sqrt(sq)
    clipped = inv >= 1.0 / epsilon
    inv = np.minimum(inv, 1.0 / epsilon)
    y = x * inv
    return y.astype(x.dtype, copy=False), (x, inv, clipped, axes)


def unit_norm_backward(cache, dy):
    x, inv, clipped, axes = cache
    dot = (dy * x).sum(axis=axes, keepdims=True)
    dx = dy * inv - np.where(clipped, 0, x * dot * inv ** 3)
    return dx.astype(dy.dtype, copy=False)


def _scale_shape(ndim, axes, scale):
    shape = [1] * ndim
    for a, n in zip(axes, scale.shape):
        shape[a] = n
    return scale.reshape(shape)


def rms_norm_forward(x, axes, scale, epsilon):
    """``x * rsqrt(mean(x^2, axes) + eps) * scale`` (scale spans ``axes``)."""
    rr = 1.0 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + epsilon)
    s = _scale_shape(x.ndim, axes, scale)
    xn = x * rr
    return (xn * s).astype(x.dtype, copy=False), (xn, rr, s, axes, scale.shape)


def rms_norm_backward(cache, dy):
    """Return ``(dx, dscale)``."""
    xn, rr, s, axes, scale_shape = cache
    others = tuple(i for i in range(dy.ndim) if i not in axes)
    dscale = (dy * xn).sum(axis=others).reshape(scale_shape)
    dxn = dy * s
    dx = rr * (dxn - xn * (dxn * xn).mean(axis=axes, keepdims=True))
    return dx.astype(dy.dtype, copy=False), dscale.astype(dy.dtype, copy=False)
