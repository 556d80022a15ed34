"""R keras's image and dataset functions: ``image_load``, ``image_to_array``,
``image_array_resize``, ``image_array_save``, ``image_data_generator`` with
``fit_image_data_generator`` and ``flow_images_from_*``, ``generator_next``, and keras3's
``image_dataset_from_directory``, ``text_dataset_from_directory``,
``timeseries_dataset_from_array``, ``split_dataset``. R's ``c(256, 256)`` is ``(256, 256)``.

Example
-------
>>> import numpy as np
>>> gen = image_data_generator(rescale=1 / 255)
>>> xb, yb = flow_images_from_data(np.ones((3, 4, 4, 3)), np.arange(3), generator=gen)[0]
>>> xb.shape
(3, 4, 4, 3)
"""
import numpy as np

from ..preprocessing import dataset_utils as _du
from ..preprocessing import image_utils as _iu
from ..preprocessing.image_generator import ImageDataGenerator
from .text_data import _choice, _int
from .verbs.base import _verb

__all__ = ["image_load", "image_to_array", "image_from_array", "image_array_resize",
           "image_array_save", "image_data_generator", "fit_image_data_generator",
           "flow_images_from_data", "flow_images_from_directory", "flow_images_from_dataframe",
           "generator_next", "image_dataset_from_directory", "text_dataset_from_directory",
           "timeseries_dataset_from_array", "split_dataset"]


def _size(v, what="target_size"):
    if v is None:
        return None
    v = tuple(v)
    if len(v) != 2:
        raise ValueError(f"{what} must be 2 element integer vector. Received: {what}={v!r}")
    return tuple(_int(d, what) for d in v)


def image_load(path, grayscale=False, color_mode="rgb", target_size=None,
               interpolation="nearest", keep_aspect_ratio=False):
    """Load an image file (a ``PIL.Image``; ``image_to_array`` turns it into an array).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "img.png")
    >>> image_array_save(np.zeros((4, 6, 3)), path)
    >>> image_load(path, target_size=(2, 3)).size      # PIL's (width, height)
    (3, 2)
    """
    return _iu.load_img(path, color_mode="grayscale" if grayscale else color_mode,
                        target_size=_size(target_size), interpolation=interpolation,
                        keep_aspect_ratio=keep_aspect_ratio)


def image_to_array(img, data_format=("channels_last", "channels_first"), dtype=None):
    """A float array ``(h, w, c)`` (or ``(c, h, w)``) of an image.

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "img.png")
    >>> image_array_save(np.zeros((4, 6, 3)), path)
    >>> image_to_array(image_load(path)).shape
    (4, 6, 3)
    """
    return _iu.img_to_array(img, data_format=_choice(data_format,
                                                     ("channels_last", "channels_first")),
                            dtype=dtype)


def image_from_array(x, data_format=None, scale=True, dtype=None):
    """A ``PIL.Image`` of an ``(h, w, c)`` array (``scale`` maps min..max to 0..255).

    Example
    -------
    >>> image_from_array(np.zeros((4, 6, 3))).size
    (6, 4)
    """
    return _iu.array_to_img(x, data_format=data_format, scale=scale, dtype=dtype)


def image_array_resize(img, height, width, data_format=("channels_last", "channels_first")):
    """Resize an image array (or a batch of one) with SciPy's linear zoom, as R keras does.

    Example
    -------
    >>> image_array_resize(np.zeros((4, 6, 3)), height=8, width=12).shape
    (8, 12, 3)
    """
    from scipy import ndimage
    data_format = _choice(data_format, ("channels_last", "channels_first"))
    img = np.array(img)
    batch = img.ndim == 4 and img.shape[0] == 1
    if batch:
        img = img[0]
    if data_format == "channels_last":
        factors = (height / img.shape[0], width / img.shape[1], 1)
    else:
        factors = (1, height / img.shape[1], width / img.shape[2])
    out = ndimage.zoom(img, factors, order=1)
    return out[None] if batch else out


def image_array_save(img, path, data_format=None, file_format=None, scale=True):
    """Save an image array as a file (format from the extension).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "img.png")
    >>> image_array_save(np.full((4, 6, 3), 200.0), path, scale=False)
    >>> image_to_array(image_load(path))[0, 0].tolist()
    [200.0, 200.0, 200.0]
    """
    _iu.save_img(path, img, data_format=data_format, file_format=file_format, scale=scale)


def image_data_generator(featurewise_center=False, samplewise_center=False,
                         featurewise_std_normalization=False, samplewise_std_normalization=False,
                         zca_whitening=False, zca_epsilon=1e-6, rotation_range=0.0,
                         width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                         shear_range=0.0, zoom_range=0.0, channel_shift_range=0.0,
                         fill_mode="nearest", cval=0.0, horizontal_flip=False,
                         vertical_flip=False, rescale=None, preprocessing_function=None,
                         data_format=None, validation_split=0.0):
    """R keras's ``image_data_generator()`` (an ``ImageDataGenerator``).

    Example
    -------
    >>> gen = image_data_generator(rescale=1 / 255, horizontal_flip=True)
    >>> gen.rescale, gen.horizontal_flip
    (0.00392156862745098, True)
    """
    return ImageDataGenerator(
        featurewise_center=featurewise_center, samplewise_center=samplewise_center,
        featurewise_std_normalization=featurewise_std_normalization,
        samplewise_std_normalization=samplewise_std_normalization, zca_whitening=zca_whitening,
        zca_epsilon=zca_epsilon, rotation_range=rotation_range,
        width_shift_range=width_shift_range, height_shift_range=height_shift_range,
        brightness_range=brightness_range, shear_range=shear_range, zoom_range=zoom_range,
        channel_shift_range=channel_shift_range, fill_mode=fill_mode, cval=cval,
        horizontal_flip=horizontal_flip, vertical_flip=vertical_flip, rescale=rescale,
        preprocessing_function=preprocessing_function, data_format=data_format,
        validation_split=validation_split)


@_verb(accepts=lambda o: isinstance(o, ImageDataGenerator), what="an image_data_generator()")
def fit_image_data_generator(object, x, augment=False, rounds=1, seed=None):
    """Compute the feature-wise statistics of a generator from sample images.

    Example
    -------
    >>> gen = image_data_generator(featurewise_center=True)
    >>> gen = gen | fit_image_data_generator(np.ones((2, 4, 4, 3)))
    >>> gen.mean.shape
    (1, 1, 3)
    """
    object.fit(np.asarray(x), augment=augment, rounds=int(rounds), seed=_int(seed, "seed"))
    return object


def flow_images_from_data(x, y=None, generator=None, batch_size=32, shuffle=True,
                          sample_weight=None, seed=None, save_to_dir=None, save_prefix="",
                          save_format="png", subset=None):
    """Batches of (augmented) images from arrays; ``generator`` defaults to
    ``image_data_generator()``.

    Example
    -------
    >>> it = flow_images_from_data(np.zeros((5, 4, 4, 3)), np.arange(5), batch_size=2,
    ...                            shuffle=False)
    >>> len(it), it[0][1].tolist()
    (3, [0, 1])
    """
    generator = generator if generator is not None else image_data_generator()
    return generator.flow(np.asarray(x), None if y is None else np.asarray(y),
                          batch_size=_int(batch_size, "batch_size"), shuffle=shuffle,
                          sample_weight=sample_weight, seed=_int(seed, "seed"),
                          save_to_dir=save_to_dir, save_prefix=save_prefix,
                          save_format=save_format, subset=subset)


def flow_images_from_directory(directory, generator=None, target_size=(256, 256),
                               color_mode="rgb", classes=None, class_mode="categorical",
                               batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                               save_prefix="", save_format="png", follow_links=False,
                               subset=None, interpolation="nearest"):
    """Batches of images from one sub-folder per class.

    Example
    -------
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for cls in ("a", "b"):
    ...     os.mkdir(os.path.join(root, cls))
    ...     image_array_save(np.zeros((4, 4, 3)), os.path.join(root, cls, "1.png"))
    >>> it = flow_images_from_directory(root, target_size=(4, 4), batch_size=2)
    Found 2 images belonging to 2 classes.
    >>> it[0][0].shape, it.class_indices
    ((2, 4, 4, 3), {'a': 0, 'b': 1})
    """
    generator = generator if generator is not None else image_data_generator()
    return generator.flow_from_directory(
        directory, target_size=_size(target_size), color_mode=color_mode, classes=classes,
        class_mode=class_mode, batch_size=_int(batch_size, "batch_size"), shuffle=shuffle,
        seed=_int(seed, "seed"), save_to_dir=save_to_dir, save_prefix=save_prefix,
        save_format=save_format, follow_links=follow_links, subset=subset,
        interpolation=interpolation)


def flow_images_from_dataframe(dataframe, directory=None, x_col="filename", y_col="class",
                               generator=None, target_size=(256, 256), color_mode="rgb",
                               classes=None, class_mode="categorical", batch_size=32,
                               shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                               save_format="png", subset=None, interpolation="nearest"):
    """Batches of images listed in a data frame column.

    Example
    -------
    >>> import os, tempfile, pandas as pd
    >>> root = tempfile.mkdtemp()
    >>> image_array_save(np.zeros((4, 4, 3)), os.path.join(root, "1.png"))
    >>> df = pd.DataFrame({"filename": ["1.png"], "class": ["cat"]})
    >>> it = flow_images_from_dataframe(df, directory=root, target_size=(4, 4))
    Found 1 validated image filenames belonging to 1 classes.
    >>> it[0][1].tolist()
    [[1.0]]
    """
    generator = generator if generator is not None else image_data_generator()
    return generator.flow_from_dataframe(
        dataframe, directory=directory, x_col=x_col, y_col=y_col,
        target_size=_size(target_size), color_mode=color_mode, classes=classes,
        class_mode=class_mode, batch_size=_int(batch_size, "batch_size"), shuffle=shuffle,
        seed=_int(seed, "seed"), save_to_dir=save_to_dir, save_prefix=save_prefix,
        save_format=save_format, subset=subset, interpolation=interpolation)


def generator_next(generator, completed=None):
    """The next batch of a generator or iterator (``completed`` when it is exhausted).

    Example
    -------
    >>> generator_next(iter([1, 2]))
    1
    >>> generator_next(iter([]), completed="done")
    'done'
    """
    try:
        return next(generator)
    except StopIteration:
        return completed


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A dataset of image batches from one folder per class (a ``PyDataset``).

    Example
    -------
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for cls in ("a", "b"):
    ...     os.mkdir(os.path.join(root, cls))
    ...     image_array_save(np.zeros((6, 6, 3)), os.path.join(root, cls, "1.png"))
    >>> ds = image_dataset_from_directory(root, image_size=(3, 3), verbose=False)
    >>> ds.class_names, ds[0][0].shape
    (['a', 'b'], (2, 3, 3, 3))
    """
    return _du.image_dataset_from_directory(
        directory, labels=labels, label_mode=label_mode, class_names=class_names,
        color_mode=color_mode, batch_size=_int(batch_size, "batch_size"),
        image_size=_size(image_size, "image_size"), shuffle=shuffle, seed=_int(seed, "seed"),
        validation_split=validation_split, subset=subset, interpolation=interpolation,
        follow_links=follow_links, crop_to_aspect_ratio=crop_to_aspect_ratio,
        pad_to_aspect_ratio=pad_to_aspect_ratio, data_format=data_format, verbose=verbose)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A dataset of text batches from one folder per class (a ``PyDataset``).

    Example
    -------
    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for cls in ("neg", "pos"):
    ...     os.mkdir(os.path.join(root, cls))
    ...     with open(os.path.join(root, cls, "1.txt"), "w") as fh:
    ...         _ = fh.write(cls + " review")
    >>> ds = text_dataset_from_directory(root, shuffle=False, verbose=False)
    >>> ds[0][0].tolist(), ds[0][1].tolist()
    (['neg review', 'pos review'], [0, 1])
    """
    return _du.text_dataset_from_directory(
        directory, labels=labels, label_mode=label_mode, class_names=class_names,
        batch_size=_int(batch_size, "batch_size"), max_length=_int(max_length, "max_length"),
        shuffle=shuffle, seed=_int(seed, "seed"), validation_split=validation_split,
        subset=subset, follow_links=follow_links, verbose=verbose)


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """keras3's ``timeseries_dataset_from_array()``; ``start_index``/``end_index`` are
    0-based positions, as Keras's (R keras3 passes them through unchanged).

    Example
    -------
    >>> ds = timeseries_dataset_from_array(np.arange(10), np.arange(10), sequence_length=3,
    ...                                    batch_size=4)
    >>> ds[0][0].tolist()
    [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    """
    return _du.timeseries_dataset_from_array(
        data, targets, int(sequence_length), sequence_stride=int(sequence_stride),
        sampling_rate=int(sampling_rate), batch_size=_int(batch_size, "batch_size"),
        shuffle=shuffle, seed=_int(seed, "seed"), start_index=_int(start_index, "start_index"),
        end_index=_int(end_index, "end_index"))


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split arrays into two datasets (fractions or counts).

    Example
    -------
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(left), len(right)
    (8, 2)
    """
    return _du.split_dataset(dataset, left_size=left_size, right_size=right_size,
                             shuffle=shuffle, seed=_int(seed, "seed"))
