"""Elementwise ops of ``keras.ops`` (numpy-style): unary math, binary arithmetic, comparisons.

All are differentiable where the math is (comparisons, rounding and bit
operations have zero or no gradient, as in Keras) and keep float32 inputs
float32; integer division gives ``floatx``.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.tanh(np.zeros(2, "float32"))
array([0., 0.], dtype=float32)
>>> ops.divide(np.array([1, 2]), 2)
array([0.5, 1. ], dtype=float32)
"""
import autograd.numpy as anp
import numpy as np

from .. import backend
from .dispatch import float_tensor, op, scalar_or_tensor, tensor, value

__all__ = []


def _export(fn, name=None):
    name = name or fn.__name__
    fn.__name__ = fn.__qualname__ = name
    globals()[name] = fn
    __all__.append(name)
    return fn


def _unary(name, impl, floating=False, doc=None):
    conv = float_tensor if floating else tensor

    def fn(x):
        return impl(conv(x))
    fn.__doc__ = doc or f"Elementwise ``{name}(x)`` (Keras ``ops.{name}``)."
    return _export(op(_named(fn, name)))


def _binary(name, impl, floating=False, doc=None):
    def fn(x1, x2):
        a, b = scalar_or_tensor(x1), scalar_or_tensor(x2)
        if floating:
            a, b = _floats(a, b)
        return impl(a, b)
    fn.__doc__ = doc or f"Elementwise ``{name}(x1, x2)`` with broadcasting (Keras ``ops.{name}``)."
    return _export(op(_named(fn, name)))


def _named(fn, name):
    fn.__name__ = fn.__qualname__ = name
    return fn


def _floats(a, b):
    """Integer operands of a floating op become ``floatx`` (as Keras), floats keep their dtype."""
    def kind(v):
        return "f" if isinstance(v, float) else ("i" if isinstance(v, (bool, int)) else value(v).dtype.kind)
    if kind(a) not in "fc" and kind(b) not in "fc":
        a = float_tensor(a)
        b = b if isinstance(b, (bool, int)) else float_tensor(b)
    return a, b


def _anp_or(name, fallback):
    return getattr(anp, name, fallback)


# --------------------------------------------------------------------- unary, differentiable
for _n in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
           "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log10", "log1p", "log2", "sqrt",
           "deg2rad", "rad2deg", "sinc"):
    _unary(_n, getattr(anp, _n), floating=True)
for _n in ("abs", "absolute", "fabs", "negative", "square", "conj", "conjugate", "real", "imag",
           "angle"):
    _unary(_n, getattr(anp, "abs" if _n in ("absolute", "fabs") else _n))
_unary("reciprocal", lambda x: 1.0 / x, floating=True)
_unary("rsqrt", lambda x: 1.0 / anp.sqrt(x), floating=True, doc="Elementwise ``1 / sqrt(x)``.")
_unary("cbrt", lambda x: anp.sign(x) * anp.abs(x) ** (1.0 / 3.0), floating=True)
_unary("copy", lambda x: x + 0 if value(x).dtype.kind in "fc" else np.array(x, copy=True))

# ------------------------------------------------------------ unary, zero or no gradient
for _n in ("sign", "floor", "ceil", "trunc", "signbit", "isfinite", "isinf", "isnan", "isneginf",
           "isposinf", "isreal", "logical_not"):
    _unary(_n, getattr(anp, _n))
_unary("bitwise_invert", np.invert)
_unary("bitwise_not", np.invert)
_unary("i0", lambda x: np.i0(value(x)).astype(value(x).dtype), floating=True)


@_export
@op
def round(x, decimals=0):  # noqa: A001 - Keras's name
    """Round half to even to ``decimals`` places (zero gradient)."""
    return anp.round(tensor(x), decimals)


def _special(name):
    import autograd.scipy.special as sp   # scipy is heavy: loaded on first use
    return getattr(sp, name)


_unary("erf", lambda x: _special("erf")(x), floating=True)
_unary("erfc", lambda x: _special("erfc")(x), floating=True)
_unary("erfinv", lambda x: _special("erfinv")(x), floating=True)

# -------------------------------------------------------------------- binary arithmetic
_binary("add", anp.add)
_binary("subtract", anp.subtract)
_binary("multiply", anp.multiply)
_binary("divide", anp.true_divide, floating=True)
_binary("true_divide", anp.true_divide, floating=True)
_binary("power", anp.power)
_binary("maximum", anp.maximum)
_binary("minimum", anp.minimum)
_binary("fmax", anp.fmax)
_binary("fmin", anp.fmin)
_binary("mod", anp.mod)
_binary("fmod", lambda a, b: a - b * anp.trunc(value(a) / value(b)))
_binary("floor_divide", anp.floor_divide)
_binary("arctan2", anp.arctan2, floating=True)
_binary("hypot", lambda a, b: anp.sqrt(a * a + b * b), floating=True)
_binary("logaddexp", anp.logaddexp, floating=True)
_binary("logaddexp2", anp.logaddexp2, floating=True)
_binary("heaviside", lambda a, b: np.heaviside(value(a), value(b)))
_binary("ldexp", lambda a, b: a * anp.power(2.0, value(b)).astype(value(a).dtype))
_binary("nextafter", lambda a, b: np.nextafter(value(a), value(b)))
_binary("gcd", lambda a, b: np.gcd(value(a), value(b)))
_binary("lcm", lambda a, b: np.lcm(value(a), value(b)))


@_export
@op
def divide_no_nan(x1, x2):
    """``x1 / x2``, 0 where ``x2 == 0`` (gradient 0 there too)."""
    a, b = _floats(scalar_or_tensor(x1), scalar_or_tensor(x2))
    zero = value(b) == 0
    safe = anp.where(zero, 1.0, b)
    return anp.where(zero, 0.0, a / safe).astype(np.result_type(value(a), value(b)) if not
                                                    isinstance(a, (int, float)) else backend.floatx())


# -------------------------------------------------------------------- comparisons, logic
for _n in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
           "logical_and", "logical_or", "logical_xor"):
    _binary(_n, (lambda f: lambda a, b: f(value(a), value(b)))(getattr(np, _n)))
for _n, _f in (("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or),
               ("bitwise_xor", np.bitwise_xor), ("left_shift", np.left_shift),
               ("right_shift", np.right_shift), ("bitwise_left_shift", np.left_shift),
               ("bitwise_right_shift", np.right_shift)):
    _binary(_n, (lambda f: lambda a, b: f(value(a), value(b)))(_f))


@_export
@op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|x1 - x2| <= atol + rtol * |x2|``."""
    return np.isclose(value(tensor(x1)), value(tensor(x2)), rtol=rtol, atol=atol,
                      equal_nan=equal_nan)


@_export
@op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element is close (see :func:`isclose`)."""
    return np.allclose(value(tensor(x1)), value(tensor(x2)), rtol=rtol, atol=atol,
                       equal_nan=equal_nan)


@_export
@op
def clip(x, x_min, x_max):
    """Clip to ``[x_min, x_max]`` (gradient 1 inside, 0 where clipped)."""
    return anp.clip(tensor(x), x_min, x_max)


@_export
@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities (gradient flows through the finite entries)."""
    x = tensor(x)
    v = value(x)
    big = np.finfo(v.dtype).max if v.dtype.kind == "f" else 0
    out = anp.where(np.isnan(v), nan, x)
    out = anp.where(np.isposinf(v), big if posinf is None else posinf, out)
    return anp.where(np.isneginf(v), -big if neginf is None else neginf, out).astype(v.dtype)


@_export
@op
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` else ``x2``; with one argument, the indices (as ``nonzero``)."""
    c = value(tensor(condition))
    if x1 is None and x2 is None:
        return np.nonzero(c)
    if x1 is None or x2 is None:
        raise ValueError("where(): give both x1 and x2, or neither. Received: "
                         f"x1={'None' if x1 is None else '...'}, x2={'None' if x2 is None else '...'}")
    a, b = scalar_or_tensor(x1), scalar_or_tensor(x2)
    out = anp.where(c, a, b)
    if isinstance(a, float) and isinstance(b, float):
        out = out.astype(backend.floatx())
    return out


@_export
@op
def polar(abs_, angle):
    """``abs_ * exp(1j * angle)``."""
    return tensor(abs_) * anp.exp(1j * tensor(angle))


del _n
