"""``keras.random``: seeded random tensors (NumPy arrays).

Every function takes ``seed``: an integer (the same integer, the same numbers), a
:class:`SeedGenerator` (a new draw each call, reproducible from its seed), or None
(pipeseq's global generator, set by ``set_random_seed``). The numbers follow NumPy's
generators, so they differ from TensorFlow's or JAX's for the same seed; the
distributions and arguments are Keras's.

Example
-------
>>> from pipeseq import random
>>> a = random.normal((2, 3), seed=42)
>>> b = random.normal((2, 3), seed=42)
>>> bool((a == b).all()), a.dtype
(True, dtype('float32'))
"""
import numpy as np

from . import backend


class SeedGenerator:
    """A stateful seed: each draw advances it (``keras.random.SeedGenerator(seed=1337)``)."""

    def __init__(self, seed=None, name=None, **kwargs):
        self.seed = int(seed) if seed is not None else int(backend.rng().integers(2 ** 31))
        self.name = name or "seed_generator"
        self._rng = np.random.default_rng(self.seed)

    def next(self, ordered=True):
        return int(self._rng.integers(2 ** 31))

    @property
    def state(self):
        return self._rng.bit_generator.state

    def get_config(self):
        return {"seed": self.seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _gen(seed):
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng(seed.next())
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)):
        return np.random.default_rng(int(seed))
    raise ValueError("`seed` must be an integer, a SeedGenerator or None. "
                     f"Received: seed={seed!r}")


def _dtype(dtype):
    return np.dtype(dtype or backend.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution."""
    return _gen(seed).normal(mean, stddev, size=tuple(shape)).astype(_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws from ``[minval, maxval)``."""
    return _gen(seed).uniform(minval, maxval, size=tuple(shape)).astype(_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in ``[minval, maxval)``."""
    return _gen(seed).integers(minval, maxval, size=tuple(shape)).astype(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws, redrawn when more than two standard deviations from the mean."""
    g = _gen(seed)
    out = g.standard_normal(size=tuple(shape))
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = g.standard_normal(size=int(bad.sum()))
        bad = np.abs(out) > 2
    return (mean + stddev * out).astype(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    x = np.asarray(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate}")
    shape = x.shape if noise_shape is None else tuple(
        x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = _gen(seed).uniform(size=shape) >= rate
    return np.where(keep, x / (1 - rate), 0).astype(x.dtype if x.dtype.kind == "f" else backend.floatx())


def shuffle(x, axis=0, seed=None):
    """``x`` with its entries shuffled along ``axis``."""
    x = np.asarray(x)
    return np.take(x, _gen(seed).permutation(x.shape[axis]), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class draws per row of ``logits`` (unnormalised log-probabilities)."""
    logits = np.asarray(logits, dtype="float64")
    if logits.ndim != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                         f"Received: logits.shape={logits.shape}")
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    g = _gen(seed)
    return np.stack([g.choice(p.shape[1], size=num_samples, p=row) for row in p]).astype(dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    """Gamma draws with concentration ``alpha`` (scale 1)."""
    return _gen(seed).gamma(alpha, size=tuple(shape)).astype(_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Binomial draws: successes in ``counts`` trials of probability ``probabilities``."""
    return _gen(seed).binomial(counts, probabilities, size=tuple(shape)).astype(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Beta(``alpha``, ``beta``) draws."""
    return _gen(seed).beta(alpha, beta, size=tuple(shape)).astype(_dtype(dtype))


__all__ = ["SeedGenerator", "normal", "uniform", "randint", "truncated_normal", "dropout",
           "shuffle", "categorical", "gamma", "binomial", "beta"]
