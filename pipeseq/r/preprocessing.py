"""R keras's data-preparation functions: ``array_reshape``, ``pad_sequences``, the
``text_tokenizer`` family, the ``image_*`` helpers, ``image_data_generator`` with
``flow_images_from_*``, and keras3's ``image_dataset_from_directory``,
``text_dataset_from_directory``, ``timeseries_dataset_from_array``, ``split_dataset``.

R's habits are kept: ``tokenizer | fit_text_tokenizer(texts)`` (or
``fit_text_tokenizer(tokenizer, texts)``) fits in place and returns the tokenizer;
``texts_to_matrix(tokenizer, texts, mode="binary")``; ``target_size=(256, 256)`` for R's
``c(256, 256)``; ``skipgrams()`` returns a named list ``couples``/``labels``.

Example
-------
>>> from pipeseq import text_tokenizer, fit_text_tokenizer, texts_to_sequences
>>> tok = text_tokenizer(num_words=10) | fit_text_tokenizer(["the cat sat", "the dog"])
>>> texts_to_sequences(tok, ["the cat"])
[[1, 2]]
>>> array_reshape([[1, 2], [3, 4]], (4,)).tolist()        # row-major, as R keras's
[1, 2, 3, 4]
"""
import numpy as np

from ..preprocessing import dataset_utils as _du
from ..preprocessing import image_utils as _iu
from ..preprocessing import sequence as _seq
from ..preprocessing import text as _text
from ..preprocessing.image_generator import ImageDataGenerator
from .rlist import RList
from .verbs.base import _verb

__all__ = ["array_reshape", "pad_sequences", "skipgrams", "make_sampling_table",
           "text_to_word_sequence", "text_one_hot", "text_hashing_trick", "text_tokenizer",
           "fit_text_tokenizer", "save_text_tokenizer", "load_text_tokenizer",
           "texts_to_sequences", "texts_to_sequences_generator", "texts_to_matrix",
           "sequences_to_matrix", "sequences_to_texts", "image_load", "image_to_array",
           "image_from_array", "image_array_resize", "image_array_save", "image_data_generator",
           "fit_image_data_generator", "flow_images_from_data", "flow_images_from_directory",
           "flow_images_from_dataframe", "generator_next", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array", "split_dataset"]

FILTERS = _text.FILTERS
MODES = ("binary", "count", "tfidf", "freq")


def _int(v, what):
    if v is None:
        return None
    if float(v) != int(v):
        raise ValueError(f"{what} must be a whole number. Received: {what}={v!r}")
    return int(v)


def _choice(value, choices):
    return choices[0] if isinstance(value, (tuple, list)) and tuple(value) == choices else value


def array_reshape(x, dim, order=("C", "F")):
    """R keras's ``array_reshape()``: reshape in row-major ("C") order, as Keras/NumPy read
    arrays (R's own ``dim<-`` is column-major). ``order="F"`` gives R's order.

    Example
    -------
    >>> array_reshape(np.arange(6), (2, 3)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    order = _choice(order, ("C", "F"))
    if order not in ("C", "F"):
        raise ValueError(f'order must be "C" or "F". Received: order={order!r}')
    dim = (dim,) if np.isscalar(dim) else tuple(dim)
    return np.reshape(np.asarray(x), tuple(_int(d, "dim") for d in dim), order=order)


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pad a list of integer vectors to a matrix (``maxlen`` columns).

    Example
    -------
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2).tolist()
    [[2, 3], [0, 4]]
    """
    return _seq.pad_sequences(sequences, maxlen=_int(maxlen, "maxlen"), dtype=dtype,
                              padding=padding, truncating=truncating, value=value)


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """Skip-gram pairs as R's named list ``list(couples = ..., labels = ...)``.

    Example
    -------
    >>> sg = skipgrams([1, 2, 3], vocabulary_size=4, window_size=1, negative_samples=0,
    ...                shuffle=False)
    >>> sg.couples
    [[1, 2], [2, 1], [2, 3], [3, 2]]
    """
    couples, labels = _seq.skipgrams([int(v) for v in sequence], int(vocabulary_size),
                                     window_size=int(window_size),
                                     negative_samples=negative_samples, shuffle=shuffle,
                                     categorical=categorical, sampling_table=sampling_table,
                                     seed=_int(seed, "seed"))
    return RList(couples=couples, labels=labels)


def make_sampling_table(size, sampling_factor=1e-05):
    """Make sampling table (R keras's).

    Example
    -------
    >>> make_sampling_table(3).round(4).tolist()
    [0.0032, 0.0032, 0.0055]
    """
    return _seq.make_sampling_table(int(size), sampling_factor=sampling_factor)


def text_to_word_sequence(text, filters=FILTERS, lower=True, split=" "):
    """Text to word sequence (R keras's).

    Example
    -------
    >>> text_to_word_sequence("Hello, world!")
    ['hello', 'world']
    """
    return _text.text_to_word_sequence(text, filters=filters, lower=lower, split=split)


def text_one_hot(input_text, n, filters=FILTERS, lower=True, split=" "):
    """Text one hot (R keras's).

    Example
    -------
    >>> len(text_one_hot("the cat the", n=10))
    3
    """
    return _text.one_hot(input_text, int(n), filters=filters, lower=lower, split=split)


def text_hashing_trick(text, n, hash_function=None, filters=FILTERS, lower=True, split=" "):
    """Text hashing trick (R keras's).

    Example
    -------
    >>> text_hashing_trick("the cat", n=20, hash_function="md5")
    [17, 4]
    """
    return _text.hashing_trick(text, int(n), hash_function=hash_function, filters=filters,
                               lower=lower, split=split)


def text_tokenizer(num_words=None, filters=FILTERS, lower=True, split=" ", char_level=False,
                   oov_token=None):
    """A text tokenizer (fit it with ``fit_text_tokenizer``).

    Example
    -------
    >>> tok = text_tokenizer(num_words=100, oov_token="<OOV>")
    >>> tok.num_words, tok.oov_token
    (100, '<OOV>')
    """
    return _text.Tokenizer(num_words=_int(num_words, "num_words"), filters=filters, lower=lower,
                           split=split, char_level=char_level, oov_token=oov_token)


def _texts(texts):
    return [texts] if isinstance(texts, str) else list(texts)


_tokenizer_verb = _verb(accepts=lambda o: isinstance(o, _text.Tokenizer),
                        what="a text tokenizer (text_tokenizer())")


@_tokenizer_verb
def fit_text_tokenizer(object, x):
    """Fit in place on texts (a string vector) or on integer sequences (a list of lists).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> tok.word_index
    {'b': 1, 'a': 2, 'c': 3}
    """
    x = _texts(x)
    if x and all(isinstance(s, (list, tuple, np.ndarray)) and not isinstance(s, str) and
                 all(isinstance(v, (int, np.integer)) for v in s) for s in x):
        object.fit_on_sequences(x)
    else:
        object.fit_on_texts(x)
    return object


@_tokenizer_verb
def save_text_tokenizer(object, filename):
    """Save as Keras's tokenizer JSON (``load_text_tokenizer`` and Keras's
    ``tokenizer_from_json`` read it).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tok.json")
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b"])
    >>> _ = tok | save_text_tokenizer(path)
    >>> load_text_tokenizer(path).word_index
    {'b': 1, 'a': 2}
    """
    with open(filename, "w", encoding="utf-8") as fh:
        fh.write(object.to_json())
    return object


def load_text_tokenizer(filename):
    """Load text tokenizer (R keras's).

    Example
    -------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tok.json")
    >>> _ = save_text_tokenizer(fit_text_tokenizer(text_tokenizer(), ["x y"]), path)
    >>> load_text_tokenizer(path).word_index
    {'x': 1, 'y': 2}
    """
    with open(filename, encoding="utf-8") as fh:
        return _text.tokenizer_from_json(fh.read())


@_tokenizer_verb
def texts_to_sequences(object, texts):
    """Texts to sequences (R keras's).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> tok | texts_to_sequences(["c b a d"])
    [[3, 1, 2]]
    """
    return object.texts_to_sequences(_texts(texts))


@_tokenizer_verb
def texts_to_sequences_generator(object, texts):
    """Texts to sequences generator (R keras's).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> list(texts_to_sequences_generator(tok, ["b", "c a"]))
    [[1], [3, 2]]
    """
    return object.texts_to_sequences_generator(_texts(texts))


@_tokenizer_verb
def texts_to_matrix(object, texts, mode=MODES):
    """Texts to matrix (R keras's).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> texts_to_matrix(tok, ["b b c"], mode="count").tolist()
    [[0.0, 2.0, 0.0, 1.0]]
    """
    return object.texts_to_matrix(_texts(texts), mode=_choice(mode, MODES))


@_tokenizer_verb
def sequences_to_matrix(object, sequences, mode=MODES):
    """Sequences to matrix (R keras's).

    Example
    -------
    >>> tok = text_tokenizer(num_words=4)
    >>> sequences_to_matrix(tok, [[1, 3, 3]], mode="binary").tolist()
    [[0.0, 1.0, 0.0, 1.0]]
    """
    return object.sequences_to_matrix(list(sequences), mode=_choice(mode, MODES))


@_tokenizer_verb
def sequences_to_texts(object, sequences):
    """Sequences to texts (R keras's).

    Example
    -------
    >>> tok = text_tokenizer() | fit_text_tokenizer(["a b b", "b c"])
    >>> sequences_to_texts(tok, [[3, 1]])
    ['c b']
    """
    return object.sequences_to_texts(list(sequences))


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
    """Image to array (R keras's).

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
    """Image from array (R keras's).

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
    """Image array save (R keras's).

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
    """Fit image data generator (R keras's).

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
    """Flow images from dataframe (R keras's).

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
    """Image dataset from directory (R keras's).

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
    """Text dataset from directory (R keras's).

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
    """Split dataset (R keras's).

    Example
    -------
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(left), len(right)
    (8, 2)
    """
    return _du.split_dataset(dataset, left_size=left_size, right_size=right_size,
                             shuffle=shuffle, seed=_int(seed, "seed"))
