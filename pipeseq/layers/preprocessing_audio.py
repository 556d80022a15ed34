"""Audio front ends: ``STFTSpectrogram`` (trainable STFT kernels, Keras's six output modes)
and ``MelSpectrogram`` (power spectrogram -> mel filter bank -> decibels), with Keras's
arguments, defaults, configs and weights (``real_kernel``, ``imag_kernel``).

Example
-------
>>> import numpy as np
>>> x = np.sin(np.arange(64, dtype="float32") / 3)[None, :, None]
>>> STFTSpectrogram(frame_length=16, frame_step=8)(x).shape
(1, 7, 9)
>>> MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=8)(x[..., 0]).shape
(1, 8, 5)
"""
import warnings

import numpy as np

from .. import backend
from ..kernels import spectral as ops
from .base import Layer, register
from .preprocessing_categorical import _NoGradient


@register
class STFTSpectrogram(Layer):
    """Short-time Fourier transform of ``(batch, time, channels)`` signals as a strided
    convolution with trainable cosine / sine kernels (Keras's ``STFT`` initializer)."""

    ndim = 3

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None,
                 window="hann", periodic=False, scaling="density", padding="valid",
                 expand_dims=False, data_format=None, **kwargs):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError("`frame_step` should be a positive integer not greater than "
                             f"`frame_length`. Received frame_step={frame_step}, "
                             f"frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError("`fft_length` should be not less than `frame_length`. Received "
                             f"fft_length={fft_length}, frame_length={frame_length}")
        if fft_length is not None and fft_length & -fft_length != fft_length:
            warnings.warn("`fft_length` is recommended to be a power of two. Received "
                          f"fft_length={fft_length}", stacklevel=2)
        if mode not in ops.MODES:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(ops.MODES)}."
                             f" Received: mode={mode}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError("Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                             f"Received scaling={scaling}")
        if padding not in ("valid", "same"):
            raise ValueError("Padding is invalid, it should be 'valid', 'same'. Received: "
                             f"padding={padding}")
        if isinstance(window, str):
            ops.window(window, 1, periodic)           # an unknown window fails here
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step = mode, int(frame_length), frame_step
        self._frame_step = frame_step or self.frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or ops.default_fft_length(self.frame_length)
        self.window, self.periodic, self.scaling = window, bool(periodic), scaling
        self.padding, self.expand_dims = padding, bool(expand_dims)
        self.data_format = data_format or backend.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError("The `data_format` argument must be one of 'channels_first', "
                             f"'channels_last'. Received: data_format={data_format}")

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        for side in ("real", "imag"):
            if self.mode != ("imag" if side == "real" else "real"):
                kernel = ops.stft_kernel(shape, side, self.window, self.scaling, self.periodic,
                                         self.dtype)
                setattr(self, f"{side}_kernel", self.add_weight(
                    f"{side}_kernel", shape, lambda s, dtype=None, k=kernel: k.copy()))

    def _kernels(self):
        real = self.real_kernel.value[:, 0, :] if self.mode != "imag" else None
        imag = self.imag_kernel.value[:, 0, :] if self.mode != "real" else None
        return real, imag

    def forward(self, x, training=False):
        if self.data_format == "channels_last":
            b, t, c = x.shape
            sig = x.transpose(0, 2, 1).reshape(b * c, t)
        else:
            b, c, t = x.shape
            sig = x.reshape(b * c, t)
        fr = ops.frames(np.ascontiguousarray(sig), self.frame_length, self._frame_step,
                        self.padding)
        kr, ki = self._kernels()
        real = fr @ kr if kr is not None else None
        imag = fr @ ki if ki is not None else None
        y, aux = ops.spectrogram_forward(real, imag, self.mode)
        n, f = y.shape[1], y.shape[2]
        y = y.reshape(b, c, n, f)
        if self.data_format == "channels_last":
            y = y.transpose(0, 2, 3, 1) if self.expand_dims else \
                y.transpose(0, 2, 1, 3).reshape(b, n, c * f)
        elif not self.expand_dims:
            y = y.transpose(0, 1, 3, 2).reshape(b, c * f, n)
        return y.astype(x.dtype), (x.shape, fr, real, imag, aux, (b, c, n, f))

    def backward(self, cache, dy):
        shape, fr, real, imag, aux, (b, c, n, f) = cache
        if self.data_format == "channels_last":
            dy = dy.transpose(0, 3, 1, 2) if self.expand_dims else \
                dy.reshape(b, n, c, f).transpose(0, 2, 1, 3)
        elif not self.expand_dims:
            dy = dy.reshape(b, c, f, n).transpose(0, 1, 3, 2)
        dy = dy.reshape(b * c, n, f)
        dr, di = ops.spectrogram_backward(real, imag, self.mode, aux, dy)
        kr, ki = self._kernels()
        grads, d_frames = [], 0
        for d, k in ((dr, kr), (di, ki)):
            if k is None:
                continue
            grads.append(np.einsum("bnl,bnf->lf", fr, d)[:, None, :].astype(self.dtype))
            d_frames = d_frames + d @ k.T
        t = shape[1] if self.data_format == "channels_last" else shape[2]
        dsig = ops.frames_backward(np.asarray(d_frames), t, self.frame_length, self._frame_step,
                                   self.padding).reshape(b, c, t)
        dx = dsig.transpose(0, 2, 1) if self.data_format == "channels_last" else dsig
        return dx.astype(self.dtype), grads

    def compute_output_shape(self, input_shape):
        b = input_shape[0]
        if self.data_format == "channels_last":
            t, c = input_shape[1], input_shape[2]
        else:
            c, t = input_shape[1], input_shape[2]
        f = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        n = ops.num_frames(t, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            return (b, n, f, c) if self.data_format == "channels_last" else (b, c, n, f)
        return (b, n, f * c) if self.data_format == "channels_last" else (b, f * c, n)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length,
                "window": self.window, "periodic": self.periodic, "scaling": self.scaling,
                "padding": self.padding, "data_format": self.data_format,
                "expand_dims": self.expand_dims}


@register
class MelSpectrogram(_NoGradient):
    """Mel-scaled power spectrogram of ``(batch, time)`` audio: ``(batch, num_mel_bins,
    frames)``, in decibels by default (``power_to_db``)."""

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10,
                 ref_power=1.0, **kwargs):
        self.fft_length, self.sequence_stride = int(fft_length), int(sequence_stride)
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError("`fft_length` must be greater than or equal to `sequence_length`. "
                             f"Received: `sequence_length`={self.sequence_length}, "
                             f"`fft_length`={self.fft_length}.")
        super().__init__(**kwargs)
        self.window, self.sampling_rate, self.num_mel_bins = window, sampling_rate, num_mel_bins
        self.min_freq, self.max_freq = min_freq, max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def forward(self, x, training=False):
        spec = ops.stft_power(x, self.sequence_length, self.sequence_stride, self.fft_length,
                              self.window, self.mag_exp)
        mel = np.tensordot(spec, ops.mel_matrix(self.num_mel_bins, spec.shape[-1],
                                                self.sampling_rate, self.min_freq,
                                                self.max_freq), axes=1)
        if self.power_to_db:
            mel = ops.power_to_db(mel, self.min_power, self.ref_power, self.top_db)
        return np.swapaxes(mel, -1, -2).astype(self.dtype), None

    def compute_output_shape(self, input_shape):
        t = input_shape[-1]
        n = None if t is None else \
            1 + (t + 2 * (self.fft_length // 2) - self.fft_length) // self.sequence_stride
        return tuple(input_shape[:-1]) + (self.num_mel_bins, n)

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length,
                "sequence_stride": self.sequence_stride, "sequence_length": self.sequence_length,
                "window": self.window, "sampling_rate": self.sampling_rate,
                "num_mel_bins": self.num_mel_bins, "min_freq": self.min_freq,
                "max_freq": self.max_freq, "power_to_db": self.power_to_db,
                "top_db": self.top_db, "mag_exp": self.mag_exp, "min_power": self.min_power,
                "ref_power": self.ref_power}
