"""Audio front ends: the STFT as Keras computes it for ``STFTSpectrogram`` (a strided
convolution with cosine/sine kernels, forward and backward) and for ``MelSpectrogram``
(``tf.signal.stft`` with reflect padding, a mel filter bank, decibels).

* :func:`stft_kernel` -- Keras's ``STFT`` initializer: ``(frame_length, 1, bins)``;
* :func:`frames` / :func:`frames_backward` -- strided windows of a signal (``valid`` or
  ``same`` padding, as Keras's convolution) and the scatter-add that undoes them;
* :func:`spectrogram_forward` / :func:`spectrogram_backward` -- the six output modes;
* :func:`stft_power`, :func:`mel_matrix`, :func:`power_to_db` -- MelSpectrogram's steps.

Example
-------
>>> import numpy as np
>>> stft_kernel((4, 1, 3), "real", "hann", None, True)[:, 0, 0].round(3).tolist()
[0.0, 0.5, 1.0, 0.5]
>>> mel_matrix(4, 5, 8000, 125.0, 3800.0).shape
(5, 4)
"""
import math

import numpy as np

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
_EPS = 1e-7          # keras.backend.epsilon()


def window(name_or_array, length, periodic):
    if name_or_array is None:
        return None
    if isinstance(name_or_array, str):
        import scipy.signal
        return scipy.signal.get_window(name_or_array, length, fftbins=periodic)
    return np.asarray(name_or_array, "float64")


def stft_kernel(shape, side, win, scaling, periodic, dtype="float32"):
    """Keras's ``initializers.STFT``: cosines (``"real"``) or sines (``"imag"``) of the
    frequencies ``0 .. bins-1`` over ``(bins - 1) * 2``, windowed and scaled."""
    frame_length, _, bins = shape
    freq = np.arange(bins, dtype=dtype).reshape(1, 1, bins) / np.asarray((bins - 1) * 2, dtype)
    time = np.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
    args = (-2 * time * freq) * np.arccos(np.asarray(-1, dtype))
    kernel = np.cos(args) if side == "real" else np.sin(args)
    w = window(win, frame_length, periodic)
    if w is not None:
        w = w.astype(dtype)
        if w.shape != (frame_length,):
            raise ValueError("The shape of `window` must be equal to [frame_length]."
                             f"Received: window shape={w.shape}")
        w = w.reshape(frame_length, 1, 1)
        scale = np.sqrt(np.sum(w * w)) if scaling == "density" else \
            np.sum(np.abs(w)) if scaling == "spectrum" else 1
        kernel = kernel * w / scale
    return kernel.astype(dtype)


def _pads(length, frame_length, step, padding):
    if padding == "valid":
        return 0, 0
    total = max((-(-length // step) - 1) * step + frame_length - length, 0)
    return total // 2, total - total // 2


def frames(x, frame_length, step, padding):
    """``(n, T)`` signals -> ``(n, frames, frame_length)`` windows (a read-only view)."""
    left, right = _pads(x.shape[-1], frame_length, step, padding)
    if left or right:
        x = np.pad(x, ((0, 0), (left, right)))
    count = (x.shape[-1] - frame_length) // step + 1
    if count <= 0:
        return np.zeros((x.shape[0], 0, frame_length), x.dtype)
    s0, s1 = x.strides
    return np.lib.stride_tricks.as_strided(x, (x.shape[0], count, frame_length),
                                           (s0, s1 * step, s1), writeable=False)


def frames_backward(d_frames, length, frame_length, step, padding):
    """The gradient of :func:`frames`: overlapping windows add up."""
    left, right = _pads(length, frame_length, step, padding)
    n, count, _ = d_frames.shape
    dx = np.zeros((n, length + left + right), d_frames.dtype)
    for j in range(frame_length):
        dx[:, j:j + (count - 1) * step + 1:step] += d_frames[:, :, j]
    return dx[:, left:left + length]


def spectrogram_forward(real, imag, mode):
    """``real``/``imag``: ``(n, frames, bins)`` (either may be None) -> the mode's output and
    what the backward pass needs."""
    if mode == "real":
        return real, None
    if mode == "imag":
        return imag, None
    if mode == "angle":
        return np.arctan2(imag, real), None
    if mode == "stft":
        return np.concatenate([real, imag], axis=-1), None
    power = real * real + imag * imag
    if mode == "psd":
        out = power.copy()
        out[..., 1:-1] += power[..., 1:-1]
        return out, None
    mag = np.sqrt(np.maximum(power, _EPS))
    if mode == "magnitude":
        return mag, mag
    return np.log(np.maximum(mag, _EPS)), mag


def spectrogram_backward(real, imag, mode, aux, dy):
    """Gradients of :func:`spectrogram_forward` for ``real`` and ``imag`` (None when unused)."""
    if mode == "real":
        return dy, None
    if mode == "imag":
        return None, dy
    if mode == "stft":
        bins = dy.shape[-1] // 2
        return dy[..., :bins], dy[..., bins:]
    if mode == "angle":
        denom = real * real + imag * imag
        denom = np.where(denom == 0, 1, denom)
        return -imag / denom * dy, real / denom * dy
    if mode == "psd":
        dp = dy.copy()
        dp[..., 1:-1] += dy[..., 1:-1]
    else:
        mag = aux
        if mode == "log":
            dy = np.where(mag > _EPS, dy / mag, 0)
        power = real * real + imag * imag
        dp = np.where(power > _EPS, dy / (2 * mag), 0)
    return 2 * real * dp, 2 * imag * dp


# ------------------------------------------------------------ MelSpectrogram
def stft_power(x, sequence_length, stride, fft_length, win, mag_exp):
    """``|STFT|**mag_exp`` of ``(..., T)`` signals as ``keras.ops.stft(center=True)`` with
    TF: reflect padding by ``fft_length // 2``, a periodic window centred in each frame."""
    x = np.asarray(x, "float32")
    pad = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
    x = np.pad(x, pad, mode="reflect")
    l_pad = (fft_length - sequence_length) // 2
    w = None
    if win is not None:
        if isinstance(win, str):
            if win not in ("hann", "hamming"):
                raise ValueError("If a string is passed to `window`, it must be one of "
                                 f'`"hann"`, `"hamming"`. Received: window={win}')
            n = np.arange(sequence_length)
            a = 0.5 if win == "hann" else 0.54
            w = (a - (1 - a) * np.cos(2 * np.pi * n / sequence_length)).astype("float32")
        else:
            w = np.asarray(win, "float32")
        w = np.pad(w, (l_pad, fft_length - sequence_length - l_pad))
    lead = x.shape[:-1]
    flat = frames(x.reshape(-1, x.shape[-1]), fft_length, stride, "valid")
    if w is not None:
        flat = flat * w
    spec = np.fft.rfft(flat, n=fft_length, axis=-1)
    mag = np.sqrt(spec.real.astype("float32") ** 2 + spec.imag.astype("float32") ** 2)
    return np.power(mag, mag_exp).reshape(lead + mag.shape[1:]).astype("float32")


def _hertz_to_mel(hz):
    return 1127.0 * np.log(1.0 + hz / 700.0)


def mel_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_hz, upper_hz):
    """Keras's ``linear_to_mel_weight_matrix``: ``(num_spectrogram_bins, num_mel_bins)``."""
    f32 = np.float32
    nyquist = f32(sampling_rate) / f32(2.0)
    linear = np.linspace(f32(0), nyquist, num_spectrogram_bins, dtype="float32")[1:]
    bins_mel = _hertz_to_mel(linear).astype("float32")[:, None]
    edges = np.linspace(_hertz_to_mel(f32(lower_hz)), _hertz_to_mel(f32(upper_hz)),
                        num_mel_bins + 2, dtype="float32")
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(f32(0), np.minimum(lower_slopes, upper_slopes))
    return np.pad(weights, ((1, 0), (0, 0))).astype("float32")


def power_to_db(x, min_power, ref_power, top_db):
    log_spec = 10.0 * np.log10(np.maximum(x, min_power))
    log_spec = log_spec - 10.0 * np.log10(np.maximum(abs(ref_power), min_power))
    if top_db is not None:
        log_spec = np.maximum(log_spec, np.max(log_spec) - top_db)
    return log_spec.astype("float32")


def num_frames(length, frame_length, step, padding):
    if length is None:
        return None
    if padding == "same":
        return -(-length // step)
    return max((length - frame_length) // step + 1, 0)


def default_fft_length(frame_length):
    return 2 ** int(math.ceil(math.log2(frame_length)))
