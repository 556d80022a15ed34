"""FFT convolution path (``method="fft"``) of :mod:`pipeseq.kernels.conv`.

``scipy.fft`` real transforms: the same algorithm as ``scipy.signal.fftconvolve``, except that
the sum over input channels is done in the frequency domain (a matrix product per frequency),
so no spectrum per (input, output) channel pair is built. Strided outputs are computed at
stride 1 and subsampled. Layout: channels_last, 2-D (1-D problems run with height 1).

Example
-------
>>> import numpy as np
>>> from pipeseq.kernels import conv
>>> x = np.ones((1, 5, 5, 2), "float32"); k = np.ones((3, 3, 2, 1), "float32")
>>> y, cache = conv.conv_forward(x, k, (1, 1), "valid", (1, 1), method="fft")
>>> round(float(y[0, 0, 0, 0]), 3)
18.0
"""
import numpy as np


def _fft_sizes(padded_hw):
    from scipy.fft import next_fast_len
    return tuple(next_fast_len(int(p), real=True) for p in padded_hw)


def _dilate(kernel, dilation):
    (dh, dw) = dilation
    if dh == dw == 1:
        return kernel
    kh, kw = kernel.shape[:2]
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1) + kernel.shape[2:], dtype=kernel.dtype)
    out[::dh, ::dw] = kernel
    return out


def _freq_matmul(a, b, groups, conj_b=False):
    """Per-frequency channel product. ``a (N, F1, F2, Ca)``, ``b (F1, F2, Cb_in, Cb_out)``."""
    n, f1, f2, ca = a.shape
    cin, cout = b.shape[2], b.shape[3]
    f = f1 * f2
    if conj_b:
        b = np.conj(b)
    # (F, G, N, cin) @ (F, G, cin, cout/G)
    af = a.reshape(n, f, groups, cin).transpose(1, 2, 0, 3)
    bf = b.reshape(f, cin, groups, cout // groups).transpose(0, 2, 1, 3)
    out = np.matmul(af, bf)                                      # (F, G, N, cout/G)
    return out.transpose(2, 0, 1, 3).reshape(n, f1, f2, cout)


def fft_forward(xp, kernel, strides, dilation, out_hw, groups):
    """Convolve the padded input ``xp (N, Hp, Wp, C)`` with ``kernel (kh, kw, C/G, O)``.

    Returns ``(y (N, oh, ow, O), spectra)``; ``spectra`` feeds :func:`fft_grads`.
    """
    from scipy import fft
    sizes = _fft_sizes(xp.shape[1:3])
    kd = _dilate(kernel, dilation)
    xf = fft.rfft2(xp, s=sizes, axes=(1, 2), workers=-1)
    kf = fft.rfft2(kd, s=sizes, axes=(0, 1), workers=-1)
    z = fft.irfft2(_freq_matmul(xf, kf, groups, conj_b=True), s=sizes, axes=(1, 2), workers=-1)
    (sh, sw), (oh, ow) = strides, out_hw
    y = z[:, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw, :].astype(xp.dtype, copy=False)
    return np.ascontiguousarray(y), (xf, kf, sizes)


def fft_grads(spectra, dy, kernel, padded_shape, strides, dilation, groups, need_input=True,
              xp=None):
    """Input and kernel gradients from the forward spectra (or from ``xp``)."""
    from scipy import fft
    if spectra is None:
        sizes = _fft_sizes(padded_shape[1:3])
        kf = fft.rfft2(_dilate(kernel, dilation), s=sizes, axes=(0, 1), workers=-1)
        xf = None if xp is None else fft.rfft2(xp, s=sizes, axes=(1, 2), workers=-1)
    else:
        xf, kf, sizes = spectra
    kh, kw, cg, o = kernel.shape
    (sh, sw), (dh, dw) = strides, dilation
    e1, e2 = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    n, p1, p2, c = padded_shape
    dz = np.zeros((n, p1 - e1 + 1, p2 - e2 + 1, o), dtype=dy.dtype)
    dz[:, ::sh, ::sw][:, :dy.shape[1], :dy.shape[2]] = dy
    dzf = fft.rfft2(dz, s=sizes, axes=(1, 2), workers=-1)
    dxp = None
    if need_input:
        # dxp = dz (*) k_dilated: DZ[n,f,o] K[f,c,o] summed over o (kernel seen as o -> c).
        kft = kf.transpose(0, 1, 3, 2)                           # (F1, F2, o, cg)
        dxf = _freq_matmul_t(dzf, kft, groups)
        dxp = fft.irfft2(dxf, s=sizes, axes=(1, 2), workers=-1)[:, :p1, :p2].astype(dy.dtype)
    dk = None
    if xf is not None:
        # dk_dilated[t, c, o] = sum_n,p xp[n, p+t, c] dz[n, p, o]  ->  X conj(DZ) summed over n.
        f1, f2 = xf.shape[1:3]
        xg = xf.reshape(n, f1 * f2, groups, cg).transpose(1, 2, 3, 0)              # (F, G, cg, N)
        dg = np.conj(dzf).reshape(n, f1 * f2, groups, o // groups).transpose(1, 2, 0, 3)  # (F, G, N, og)
        dkf = np.matmul(xg, dg).transpose(0, 2, 1, 3).reshape(f1, f2, cg, o)       # (F1, F2, cg, o)
        dkd = fft.irfft2(dkf, s=sizes, axes=(0, 1), workers=-1)[:e1, :e2]
        dk = np.ascontiguousarray(dkd[::dh, ::dw]).astype(kernel.dtype)
    return dxp, dk


def _freq_matmul_t(dzf, kft, groups):
    """``dzf (N, F1, F2, o)`` times ``kft (F1, F2, o, cg)`` group-wise -> ``(N, F1, F2, C)``."""
    n, f1, f2, o = dzf.shape
    cg = kft.shape[3]
    f = f1 * f2
    a = dzf.reshape(n, f, groups, o // groups).transpose(1, 2, 0, 3)            # (F, G, N, og)
    b = kft.reshape(f, groups, o // groups, cg)                                 # (F, G, og, cg)
    return np.matmul(a, b).transpose(2, 0, 1, 3).reshape(n, f1, f2, groups * cg)
