"""Images <-> arrays with Pillow, as ``keras.utils`` does: ``load_img``, ``img_to_array``,
``array_to_img``, ``save_img``, ``smart_resize``, plus the TensorFlow-style ``resize_images``
the directory datasets use. Pillow is the ``image`` extra (``pip install pipeseq[image]``)
and is imported on first use.
"""
import io
import os
import pathlib
import warnings

import numpy as np

from .. import backend

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def pil_image():
    """``PIL.Image``, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Loading and saving images needs Pillow: pip install pipeseq[image] "
                          "(or pip install pillow).") from None
    return Image


def _data_format(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("data_format must be 'channels_last' or 'channels_first'. "
                         f"Received: data_format={data_format!r}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A ``PIL.Image`` of a ``(h, w, c)`` array (c = 1, 3 or 4); ``scale`` maps min..max to 0..255."""
    data_format = _data_format(data_format)
    Image = pil_image()
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with "
                         f"shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}. Expected 1, 3 or 4.")


def img_to_array(img, data_format=None, dtype=None):
    """A float32 (floatx) array ``(h, w, c)`` (or ``(c, h, w)``) of a ``PIL.Image``."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an array as an image file (format from the extension unless ``file_format``)."""
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, grayscale=False, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Read an image file into a ``PIL.Image`` (``color_mode``: grayscale, rgb, rgba; resized to
    ``target_size=(height, width)`` with ``interpolation``; Keras 2's ``grayscale=True`` too)."""
    Image = pil_image()
    if grayscale:
        warnings.warn("grayscale is deprecated. Please use color_mode = 'grayscale'",
                      DeprecationWarning, stacklevel=2)
        color_mode = "grayscale"
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba". Received: '
                         f"color_mode={color_mode!r}")
    if target_size is not None and interpolation not in INTERPOLATIONS:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported "
                         f"methods are {', '.join(INTERPOLATIONS)}")
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str, os.PathLike)):
        with open(path, "rb") as fh:
            img = Image.open(io.BytesIO(fh.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale" and img.mode not in ("L", "I;16", "I"):
        img = img.convert("L")
    elif color_mode == "rgba" and img.mode != "RGBA":
        img = img.convert("RGBA")
    elif color_mode == "rgb" and img.mode != "RGB":
        img = img.convert("RGB")
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))
        if img.size != size:
            resample = getattr(getattr(Image, "Resampling", Image), interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                crop_h = min(height, (width * size[1]) // size[0])
                crop_w = min(width, (height * size[0]) // size[1])
                top, left = (height - crop_h) // 2, (width - crop_w) // 2
                img = img.resize(size, resample, box=[left, top, left + crop_w, top + crop_h])
            else:
                img = img.resize(size, resample)
    return img


def _axis_weights(n_in, n_out):
    """TensorFlow's bilinear sampling (half-pixel centres, no antialiasing) along one axis."""
    src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    floor = np.floor(src)
    lower = np.clip(floor, 0, n_in - 1).astype(int)
    upper = np.clip(np.ceil(src), 0, n_in - 1).astype(int)
    return lower, upper, (src - floor).astype("float32")


def resize_images(x, size, interpolation="bilinear", data_format="channels_last"):
    """Resize ``(h, w, c)`` or ``(n, h, w, c)`` arrays to ``size=(height, width)``.

    ``bilinear`` and ``nearest`` compute what TensorFlow's ``tf.image.resize`` (Keras's image
    datasets) computes; other methods go through Pillow per channel.
    """
    x = np.asarray(x, dtype="float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -3, -1)
    h, w = x.shape[-3], x.shape[-2]
    th, tw = int(size[0]), int(size[1])
    if (h, w) == (th, tw):
        out = x
    elif interpolation == "bilinear":
        r0, r1, fr = _axis_weights(h, th)
        c0, c1, fc = _axis_weights(w, tw)
        top = x[..., r0, :, :] + (x[..., r1, :, :] - x[..., r0, :, :]) * fr[:, None, None]
        out = top[..., c0, :] + (top[..., c1, :] - top[..., c0, :]) * fc[:, None]
    elif interpolation == "nearest":
        rows = np.minimum(np.floor((np.arange(th) + 0.5) * h / th), h - 1).astype(int)
        cols = np.minimum(np.floor((np.arange(tw) + 0.5) * w / tw), w - 1).astype(int)
        out = x[..., rows, :, :][..., cols, :]
    elif interpolation in INTERPOLATIONS:
        Image = pil_image()
        resample = getattr(getattr(Image, "Resampling", Image), interpolation.upper())
        flat = x.reshape((-1, h, w, x.shape[-1]))
        out = np.stack([np.stack([np.asarray(Image.fromarray(img[..., c], "F")
                                             .resize((tw, th), resample))
                                  for c in range(img.shape[-1])], -1) for img in flat])
        out = out.reshape(x.shape[:-3] + (th, tw, x.shape[-1]))
    else:
        raise ValueError(f"Invalid interpolation {interpolation!r}. Expected one of "
                         f"{INTERPOLATIONS}.")
    return np.moveaxis(out, -1, -3) if data_format == "channels_first" else out


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last"):
    """Crop the largest centred window of the target aspect ratio, then resize (Keras's)."""
    x = np.asarray(x)
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    if x.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or "
                         "`(batch_size, height, width, channels)`, but got input with "
                         f"incorrect rank, of shape {x.shape}.")
    last = data_format == "channels_last"
    h, w = (x.shape[-3], x.shape[-2]) if last else (x.shape[-2], x.shape[-1])
    th, tw = size
    ch = max(min(h, int(float(w * th) / tw)), 1)
    cw = max(min(w, int(float(h * tw) / th)), 1)
    top, left = int(float(h - ch) / 2), int(float(w - cw) / 2)
    if last:
        x = x[..., top:top + ch, left:left + cw, :]
    else:
        x = x[..., top:top + ch, left:left + cw]
    return resize_images(x, size, interpolation, data_format)
