"""``keras.ops`` math: segment reductions, top-k, FFTs and short-time Fourier transforms.

FFT ops follow Keras's convention of real/imaginary pairs: ``fft((real, imag))``
returns ``(real, imag)``.

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> ops.segment_sum(np.array([1.0, 2.0, 3.0], "float32"), np.array([0, 0, 1]))
array([3., 3.], dtype=float32)
>>> ops.top_k(np.array([1.0, 3.0, 2.0]), 2)[1]
array([1, 2], dtype=int32)
"""
import autograd.numpy as anp
import numpy as np

from . import prims
from .dispatch import float_tensor, op, tensor, value

__all__ = ["segment_sum", "segment_max", "segment_min", "segment_prod", "top_k", "in_top_k",
           "extract_sequences", "fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft",
           "logdet", "slogdet"]


def _segments(segment_ids, num_segments):
    ids = np.asarray(value(tensor(segment_ids))).astype("int64")
    n = int(ids.max(initial=-1)) + 1 if num_segments is None else int(num_segments)
    return ids, n


@op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Sum of ``data`` rows sharing a segment id."""
    ids, n = _segments(segment_ids, num_segments)
    return prims.segment_sum(tensor(data), ids, n)


@op
def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Maximum of ``data`` rows sharing a segment id (empty segments: the dtype's minimum)."""
    ids, n = _segments(segment_ids, num_segments)
    out = prims.segment_extreme(float_tensor(data), ids, n, "max")
    return out


@op
def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Minimum of ``data`` rows sharing a segment id."""
    ids, n = _segments(segment_ids, num_segments)
    return prims.segment_extreme(float_tensor(data), ids, n, "min")


@op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """Product of ``data`` rows sharing a segment id (via logs; exact for positive data)."""
    ids, n = _segments(segment_ids, num_segments)
    d = float_tensor(data)
    sign = np.where(value(d) < 0, -1.0, 1.0)
    neg = prims.segment_sum((sign < 0).astype(value(d).dtype), ids, n)
    mag = anp.exp(prims.segment_sum(anp.log(anp.abs(d)), ids, n))
    return mag * np.where(np.mod(neg, 2) == 1, -1.0, 1.0).astype(value(d).dtype)


@op
def top_k(x, k, sorted=True):  # noqa: A002
    """``(values, indices)`` of the ``k`` largest entries along the last axis."""
    x = tensor(x)
    idx = np.argsort(-value(x), axis=-1, kind="stable")[..., :int(k)].astype("int32")
    return prims.take_along_axis(x, idx, -1), idx


@op
def in_top_k(targets, predictions, k):
    """True where the target class is among the ``k`` highest predictions."""
    p = np.asarray(value(tensor(predictions)))
    t = np.asarray(value(tensor(targets))).astype("int64").reshape(-1)
    score = p[np.arange(len(t)), t]
    return (p > score[:, None]).sum(axis=-1) < k


@op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` every ``sequence_stride`` along the last axis."""
    x = tensor(x)
    n = value(x).shape[-1]
    starts = np.arange(0, n - sequence_length + 1, sequence_stride)
    idx = starts[:, None] + np.arange(sequence_length)
    return x[..., idx]


def _complex(x):
    if isinstance(x, (tuple, list)):
        return float_tensor(x[0]) + 1j * float_tensor(x[1])
    return tensor(x)


def _pair(c, dtype):
    return anp.astype(anp.real(c), dtype), anp.astype(anp.imag(c), dtype)


def _dtype_of(x):
    return value(float_tensor(x[0] if isinstance(x, (tuple, list)) else x)).dtype


@op
def fft(x):
    """FFT over the last axis of ``(real, imag)``; returns ``(real, imag)``."""
    return _pair(anp.fft.fft(_complex(x), axis=-1), _dtype_of(x))


@op
def fft2(x):
    """2-D FFT over the last two axes of ``(real, imag)``."""
    return _pair(anp.fft.fft2(_complex(x), axes=(-2, -1)), _dtype_of(x))


@op
def ifft2(x):
    """Inverse 2-D FFT of ``(real, imag)``."""
    return _pair(anp.fft.ifft2(_complex(x), axes=(-2, -1)), _dtype_of(x))


@op
def rfft(x, fft_length=None):
    """Real-input FFT over the last axis; returns ``(real, imag)``."""
    x = float_tensor(x)
    return _pair(anp.fft.rfft(x, n=fft_length, axis=-1), value(x).dtype)


@op
def irfft(x, fft_length=None):
    """Inverse of :func:`rfft` from ``(real, imag)``."""
    out = anp.fft.irfft(_complex(x), n=fft_length, axis=-1)
    return anp.astype(out, _dtype_of(x))


def _window(window, length, dtype):
    if window is None:
        return np.ones(length, dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"stft(): window must be 'hann', 'hamming', None or an array. "
                             f"Received: window={window!r}")
        n = np.arange(length)
        a = 0.5 if window == "hann" else 0.54
        return (a - (1 - a) * np.cos(2 * np.pi * n / length)).astype(dtype)
    return np.asarray(value(tensor(window)), dtype)


@op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of the last axis; returns ``(real, imag)``."""
    x = float_tensor(x)
    dt = value(x).dtype
    if center:
        pad = fft_length // 2
        x = anp.concatenate([x[..., 1:pad + 1][..., ::-1], x, x[..., -pad - 1:-1][..., ::-1]],
                            axis=-1)
    frames = extract_sequences(x, sequence_length, sequence_stride)
    w = _window(window, sequence_length, dt)
    lpad = (fft_length - sequence_length) // 2
    w = np.pad(w, (lpad, fft_length - sequence_length - lpad))
    frames = prims.pad_constant(frames, [(0, 0)] * (value(frames).ndim - 1)
                                + [(lpad, fft_length - sequence_length - lpad)], 0)
    return _pair(anp.fft.rfft(frames * w, axis=-1), dt)


@op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Inverse of :func:`stft` by weighted overlap-add."""
    frames = anp.fft.irfft(_complex(x), n=fft_length, axis=-1)
    dt = _dtype_of(x)
    lpad = (fft_length - sequence_length) // 2
    frames = frames[..., lpad:lpad + sequence_length]
    w = _window(window, sequence_length, dt)
    n_frames = value(frames).shape[-2]
    total = (n_frames - 1) * sequence_stride + sequence_length
    idx = (np.arange(n_frames)[:, None] * sequence_stride + np.arange(sequence_length)).reshape(-1)
    lead = value(frames).shape[:-2]
    flat = anp.reshape(frames * w, (-1, n_frames * sequence_length))
    out = anp.stack([prims.segment_sum(row, idx, total) for row in flat])
    norm = np.zeros(total, dt)
    np.add.at(norm, idx, np.tile(w * w, n_frames))
    out = out / np.where(norm > 1e-10, norm, 1.0)
    out = anp.reshape(out, lead + (total,))
    if center:
        pad = fft_length // 2
        out = out[..., pad:total - pad]
    if length is not None:
        out = out[..., :length]
    return anp.astype(out, dt)


@op
def slogdet(x):
    """``(sign, log|det|)`` of square matrices."""
    return anp.linalg.slogdet(tensor(x))


@op
def logdet(x):
    """``log(det(x))`` of positive-definite matrices."""
    return anp.linalg.slogdet(tensor(x))[1]
