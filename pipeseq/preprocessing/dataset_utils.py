"""Keras 3's dataset utilities (``keras.utils``): ``timeseries_dataset_from_array``,
``image_dataset_from_directory``, ``text_dataset_from_directory``, ``split_dataset``.

Keras returns a ``tf.data.Dataset``; here each returns a :class:`~.batches.Batches` (a
``PyDataset``: ``len()``, ``ds[i]``, iteration, ``take``/``map``/``prefetch``/``cache``...), which
``fit``, ``evaluate`` and ``predict`` read batch by batch. Files and their order are Keras's
(sorted class folders, sorted files, the same ``seed`` shuffle); image batches are float32,
resized as TensorFlow resizes (``bilinear``, ``nearest``). What differs: the sample order of
``shuffle=True`` is reshuffled with NumPy after each epoch (tf.data's shuffle buffer cannot be
reproduced), and text batches hold Python ``str`` (tf.data gives ``bytes``).
"""
import os

import numpy as np

from .. import backend
from .batches import Batches
from .image_utils import img_to_array, load_img, resize_images

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _shuffler(seed):
    rng = np.random.RandomState(seed)

    def reshuffle(order):
        order = np.array(order)
        rng.shuffle(order)
        return order
    return reshuffle


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None, format="tf"):
    """Windows ``data[i : i + sequence_length * sampling_rate : sampling_rate]`` for every
    ``sequence_stride``-th ``i``, with ``targets[i]``, in batches (Keras's checks and order)."""
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= n:
            raise ValueError(f"`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError(f"`end_index` must be lower than the length of the data. "
                             f"Received: end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: "
                             f"end_index={end_index}")
    for name, v in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if v <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={v}")
        if v >= n:
            raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                             f"{name}={v}, for data of length {n}")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    start = start_index or 0
    end = end_index or n
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride)
    reshuffle = None
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
        reshuffle = _shuffler(seed + 1)
    data_part = data[start:end]
    target_part = targets[start:end] if targets is not None else None
    offsets = np.arange(sequence_length) * sampling_rate

    def window(rows):
        x = np.stack([np.asarray(data_part[p + offsets]) for p in rows])
        if target_part is None:
            return x
        return x, np.asarray(target_part[rows])
    state = {"order": starts}
    step = len(starts) if batch_size is None else int(batch_size)

    def fetch(i):
        rows = state["order"][i * step:(i + 1) * step] if batch_size is not None else \
            state["order"][i:i + 1]
        out = window(rows)
        if batch_size is None:
            return tuple(a[0] for a in out) if isinstance(out, tuple) else out[0]
        return out

    def again():
        state["order"] = reshuffle(state["order"])
    length = len(starts) if batch_size is None else -(-len(starts) // step)
    return Batches(length, fetch, again if reshuffle else None)


def _check_split(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """``(file_paths, labels, class_names)`` exactly as Keras lists and shuffles them."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"No such directory: {directory!r}")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs} "
                                 f"(or a subset of it), but received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be "
                             "specified." if labels is None else
                             "When argument `labels` is specified, argument `class_names` cannot "
                             "be specified (the `class_names` will be the sorted list of labels).")
    class_names = subdirs
    filenames, found = [], []
    for index, sub in enumerate(subdirs):
        folder = os.path.join(directory, sub)
        for root, _, files in sorted(os.walk(folder, followlinks=follow_links),
                                     key=lambda t: t[0]):
            for fname in sorted(files):
                if fname.lower().endswith(formats):
                    filenames.append(os.path.join(os.path.basename(folder),
                                                  os.path.relpath(os.path.join(root, fname),
                                                                  folder)))
                    found.append(index)
    if labels == "inferred":
        labels = np.asarray(found, dtype="int32")
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(labels)} while we "
                             f"found {len(filenames)} files in directory {directory}.")
        class_names = [str(v) for v in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    paths = [os.path.join(directory, f) for f in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return paths, labels, class_names


def _split(paths, labels, validation_split, subset):
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":
        print(f"Using {len(paths) - n_val} files for training.")
        return paths[:-n_val], None if labels is None else labels[:-n_val]
    print(f"Using {n_val} files for validation.")
    return paths[-n_val:], None if labels is None else labels[-n_val:]


def _encode_labels(labels, label_mode, num_classes):
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels


def _from_files(paths, labels, label_mode, num_classes, load, batch_size, shuffle, seed,
                **attributes):
    paths = list(paths)
    y = None if labels is None else _encode_labels(np.asarray(labels), label_mode, num_classes)
    order = np.arange(len(paths))
    state = {"order": order}
    step = 1 if batch_size is None else int(batch_size)
    reshuffle = _shuffler(seed + 1) if shuffle and seed is not None else (
        _shuffler(None) if shuffle else None)

    def fetch(i):
        rows = state["order"][i * step:(i + 1) * step]
        x = [load(paths[r]) for r in rows]
        x = x[0] if batch_size is None else (np.stack(x) if isinstance(x[0], np.ndarray)
                                             else np.asarray(x, dtype=object))
        if y is None:
            return x
        return x, (y[rows[0]] if batch_size is None else y[rows])

    def again():
        state["order"] = reshuffle(state["order"])
    return Batches(-(-len(paths) // step), fetch, again if reshuffle else None, **attributes)


def _directory_dataset(kind, directory, labels, label_mode, class_names, batch_size, shuffle,
                       seed, validation_split, subset, follow_links, verbose, formats, load):
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError("`labels` argument should be a list/tuple of integer labels, of the "
                         "same size as the number of files in the target directory. If you wish "
                         "to infer the labels from the subdirectory names in the target "
                         'directory, pass `labels="inferred"`. If you wish to get a dataset that '
                         f"only contains {kind}s (no labels), pass `labels=None`. Received: "
                         f"labels={labels}")
    if labels not in ("inferred", None) and class_names:
        raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: '
                         f"labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels = label_mode = None
    _check_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(directory, labels, formats, class_names,
                                                 shuffle, seed, follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    n_classes = len(class_names) if class_names else 0

    def build(part, lab, shuffled, what=""):
        if not part:
            raise ValueError(f"No {what}{kind}s found in directory {directory}. Allowed "
                             f"formats: {formats}")
        return _from_files(part, lab, label_mode, n_classes, load, batch_size, shuffled, seed,
                           class_names=class_names, file_paths=list(part))
    if subset == "both":
        train = _split(paths, labels, validation_split, "training")
        val = _split(paths, labels, validation_split, "validation")
        return [build(*train, shuffle, "training "), build(*val, False, "validation ")]
    return build(*_split(paths, labels, validation_split, subset), shuffle)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf",
                                 verbose=True):
    """Batches of float32 images ``(batch, h, w, c)`` and labels from one folder per class."""
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. Received: '
                         f"color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    if interpolation not in ("bilinear", "nearest", "bicubic", "lanczos"):
        raise ValueError(f"Argument `interpolation` should be one of ('bilinear', 'nearest', "
                         f"'bicubic', 'lanczos'). Received: interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be "
                         "set to `True`.")
    data_format = data_format or backend.image_data_format()

    def load(path):
        x = img_to_array(load_img(path, color_mode=color_mode), data_format="channels_last")
        x = _fit_aspect(x, image_size, crop_to_aspect_ratio, pad_to_aspect_ratio)
        x = resize_images(x, image_size, interpolation)
        return np.moveaxis(x, -1, 0) if data_format == "channels_first" else x
    return _directory_dataset("image", directory, labels, label_mode, class_names, batch_size,
                              shuffle, seed, validation_split, subset, follow_links, verbose,
                              IMAGE_FORMATS, load)


def _fit_aspect(x, size, crop, pad):
    h, w = x.shape[:2]
    th, tw = size
    if crop:
        ch = max(min(h, int(float(w * th) / tw)), 1)
        cw = max(min(w, int(float(h * tw) / th)), 1)
        top, left = int(float(h - ch) / 2), int(float(w - cw) / 2)
        return x[top:top + ch, left:left + cw]
    if pad:
        ph = max(h, int(float(w * th) / tw))
        pw = max(w, int(float(h * tw) / th))
        out = np.zeros((ph, pw, x.shape[2]), dtype=x.dtype)
        top, left = (ph - h) // 2, (pw - w) // 2
        out[top:top + h, left:left + w] = x
        return out
    return x


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """Batches of texts (object arrays of ``str``) and labels from one folder per class."""
    def load(path):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        return text[:max_length] if max_length is not None else text
    return _directory_dataset("text file", directory, labels, label_mode, class_names,
                              batch_size, shuffle, seed, validation_split, subset, follow_links,
                              verbose, (".txt",), load)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split arrays (or a tuple of arrays, or a list of samples) into two unbatched datasets.

    Sizes are fractions (float) or counts (int), as in Keras; each side is a ``Batches`` of
    single samples (``batch_size=None``); ``.batch(32)`` batches it, as with tf.data, and
    ``.data`` holds its arrays.
    """
    arrays = dataset if isinstance(dataset, tuple) else (dataset,)
    if isinstance(dataset, dict):
        raise TypeError("split_dataset takes arrays or a tuple of arrays here. Received a dict.")
    arrays = tuple(np.asarray(a) for a in arrays)
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"All arrays must have the same length. Received lengths "
                         f"{[len(a) for a in arrays]}")
    left, right = _split_sizes(left_size, right_size, n)
    order = np.arange(n)
    if shuffle:
        np.random.RandomState(seed if seed is not None else np.random.randint(1e6)).shuffle(order)
    parts = []
    for rows in (order[:left], order[left:left + right]):
        picked = tuple(a[rows] for a in arrays)
        picked = picked if isinstance(dataset, tuple) else picked[0]
        parts.append(Batches.from_arrays(picked, batch_size=None, data=picked))
    return tuple(parts)


def _split_sizes(left, right, n):
    """Keras's ``_rescale_dataset_split_sizes``: floats are fractions, ints are counts."""
    if left is None and right is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    for name, v in (("left_size", left), ("right_size", right)):
        if v is not None and type(v) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, Received: "
                            f"type({name})={type(v)}.")
        if (type(v) is int and (v <= 0 or v >= n)) or (type(v) is float and not 0 < v < 1):
            raise ValueError(f"`{name}` should be either a positive integer smaller than {n}, "
                             f"or a float within the range `[0, 1]`. Received: {name}={v}")
    if type(left) is float and type(right) is float and left + right > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be "
                         "less than or equal to 1.")
    lsz = round(left * n) if type(left) is float else left
    rsz = round(right * n) if type(right) is float else right
    lsz = n - rsz if lsz is None else lsz
    rsz = n - lsz if rsz is None else rsz
    if lsz + rsz > n:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the "
                         f"{n}. Received: left_size + right_size = {lsz + rsz}and total_length "
                         f"= {n}")
    for size, side in ((lsz, "left"), (rsz, "right")):
        if size == 0:
            raise ValueError(f"With `dataset` of length={n}, `left_size`={lsz} and "
                             f"`right_size`={rsz}.Resulting {side} side dataset split will be "
                             "empty. Adjust any of the aforementioned parameters")
    return int(lsz), int(rsz)
