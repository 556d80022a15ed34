"""R keras's ``dataset_mnist()`` ... ``dataset_california_housing()`` and ``get_file()``.

Each returns R's structure as an :class:`~pipeseq.r.rlist.RList`: ``mnist$train$x`` is
``mnist["train"]["x"]`` or ``mnist.train.x``, and the result unpacks like Python Keras's
``(x_train, y_train), (x_test, y_test)``. The files are Keras's, in Keras's cache
(``~/.keras/datasets`` or ``$KERAS_HOME/datasets``).

Example
-------
>>> from pipeseq import dataset_boston_housing       # doctest: +SKIP
>>> boston = dataset_boston_housing()                  # doctest: +SKIP
>>> boston.train.x.shape                               # doctest: +SKIP
(404, 13)
"""
import numpy as np

from .. import datasets as _ds
from ..datasets.cache import get_file as _get_file
from .rlist import RList

__all__ = ["dataset_mnist", "dataset_fashion_mnist", "dataset_cifar10", "dataset_cifar100",
           "dataset_imdb", "dataset_imdb_word_index", "dataset_reuters",
           "dataset_reuters_word_index", "dataset_boston_housing", "dataset_california_housing",
           "get_file"]


def _as_dataset_list(data):
    (x_train, y_train), (x_test, y_test) = data
    return RList(train=RList(x=x_train, y=y_train), test=RList(x=x_test, y=y_test))


def _as_sequences_list(data, convert):
    if not convert:
        return _as_dataset_list(data)
    (x_train, y_train), (x_test, y_test) = data
    return RList(train=RList(x=[list(s) for s in x_train], y=np.asarray(y_train, "int32")),
                 test=RList(x=[list(s) for s in x_test], y=np.asarray(y_test, "int32")))


def _int_or_none(v, what):
    if v is None:
        return None
    if float(v) != int(v):
        raise ValueError(f"{what} must be a whole number. Received: {what}={v!r}")
    return int(v)


def dataset_mnist(path="mnist.npz", convert=True):
    """MNIST digits: ``train$x`` uint8 (60000, 28, 28), ``train$y`` (60000,); ``test`` likewise.

    Example
    -------
    >>> mnist = dataset_mnist()                       # doctest: +SKIP
    >>> mnist.train.x.shape, mnist.train.y.dtype      # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    return _as_dataset_list(_ds.mnist.load_data(path=path))


def dataset_fashion_mnist(convert=True):
    """Fashion-MNIST: same structure as :func:`dataset_mnist`.

    Example
    -------
    >>> fashion = dataset_fashion_mnist()             # doctest: +SKIP
    >>> fashion.test.x.shape                          # doctest: +SKIP
    (10000, 28, 28)
    """
    return _as_dataset_list(_ds.fashion_mnist.load_data())


def dataset_cifar10(convert=True):
    """CIFAR-10: ``train$x`` uint8 (50000, 32, 32, 3), ``train$y`` (50000, 1).

    Example
    -------
    >>> cifar = dataset_cifar10()                     # doctest: +SKIP
    >>> cifar.train.x.shape, cifar.train.y.shape      # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1))
    """
    return _as_dataset_list(_ds.cifar10.load_data())


def dataset_cifar100(label_mode=("fine", "coarse"), convert=True):
    """CIFAR-100 with ``label_mode`` ``"fine"`` (the default, 100 classes) or ``"coarse"``.

    Example
    -------
    >>> cifar = dataset_cifar100(label_mode="coarse")  # doctest: +SKIP
    >>> int(cifar.train.y.max())                      # doctest: +SKIP
    19
    """
    if isinstance(label_mode, (tuple, list)):     # R's match.arg default: the first choice
        label_mode = label_mode[0]
    return _as_dataset_list(_ds.cifar100.load_data(label_mode=label_mode))


def dataset_imdb(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
                 start_char=1, oov_char=2, index_from=3, convert=True):
    """IMDB reviews: ``train$x`` a list of integer vectors, ``train$y`` integers (0/1).

    Example
    -------
    >>> imdb = dataset_imdb(num_words=10000)          # doctest: +SKIP
    >>> (x_train, y_train), (x_test, y_test) = imdb    # doctest: +SKIP
    >>> x_train[0][:3]                                 # doctest: +SKIP
    [1, 14, 22]
    """
    data = _ds.imdb.load_data(path=path, num_words=_int_or_none(num_words, "num_words"),
                              skip_top=int(skip_top), maxlen=_int_or_none(maxlen, "maxlen"),
                              seed=int(seed), start_char=_int_or_none(start_char, "start_char"),
                              oov_char=_int_or_none(oov_char, "oov_char"),
                              index_from=int(index_from))
    return _as_sequences_list(data, convert)


def dataset_imdb_word_index(path="imdb_word_index.json"):
    """``{word: index}`` of the IMDB vocabulary.

    Example
    -------
    >>> index = dataset_imdb_word_index()            # doctest: +SKIP
    >>> index["good"]                                 # doctest: +SKIP
    49
    """
    return _ds.imdb.get_word_index(path)


def dataset_reuters(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
                    seed=113, start_char=1, oov_char=2, index_from=3, convert=True):
    """Reuters newswires: ``train$x`` a list of integer vectors, ``train$y`` topic ids (0-45).

    Example
    -------
    >>> reuters = dataset_reuters(num_words=1000)     # doctest: +SKIP
    >>> len(reuters.train.x), len(reuters.test.x)     # doctest: +SKIP
    (8982, 2246)
    """
    data = _ds.reuters.load_data(path=path, num_words=_int_or_none(num_words, "num_words"),
                                 skip_top=int(skip_top), maxlen=_int_or_none(maxlen, "maxlen"),
                                 test_split=test_split, seed=int(seed),
                                 start_char=_int_or_none(start_char, "start_char"),
                                 oov_char=_int_or_none(oov_char, "oov_char"),
                                 index_from=int(index_from))
    return _as_sequences_list(data, convert)


def dataset_reuters_word_index(path="reuters_word_index.pkl"):
    """``{word: index}`` of the Reuters vocabulary (R keras's default file name, JSON inside).

    Example
    -------
    >>> index = dataset_reuters_word_index()         # doctest: +SKIP
    >>> len(index)                                    # doctest: +SKIP
    30979
    """
    return _ds.reuters.get_word_index(path)


def dataset_boston_housing(path="boston_housing.npz", test_split=0.2, seed=113, convert=True):
    """Boston housing: ``train$x`` (404, 13) float64, ``train$y`` prices.

    Example
    -------
    >>> boston = dataset_boston_housing()            # doctest: +SKIP
    >>> boston.train.x.shape                          # doctest: +SKIP
    (404, 13)
    """
    return _as_dataset_list(_ds.boston_housing.load_data(path=path, test_split=test_split,
                                                         seed=int(seed)))


def dataset_california_housing(version="large", path="california_housing.npz", test_split=0.2,
                               seed=113, convert=True):
    """California housing: ``train$x`` 8 features, ``train$y`` median values.

    Example
    -------
    >>> housing = dataset_california_housing(version="small")  # doctest: +SKIP
    >>> housing.train.x.shape                         # doctest: +SKIP
    (480, 8)
    """
    return _as_dataset_list(_ds.california_housing.load_data(
        version=version, path=path, test_split=test_split, seed=int(seed)))


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """R's ``get_file()``: the path of ``fname`` in Keras's cache, downloaded from ``origin``
    if missing (same rules as ``keras.utils.get_file``).

    Example
    -------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "a.txt"), "w") as fh:
    ...     _ = fh.write("cached")
    >>> path = get_file("a.txt", "http://127.0.0.1:9/a.txt", cache_dir=folder, cache_subdir="")
    >>> path == os.path.join(folder, "a.txt")             # found in the cache: no download
    True
    """
    return _get_file(fname=fname, origin=origin, untar=untar, md5_hash=md5_hash,
                     file_hash=file_hash, cache_subdir=cache_subdir,
                     hash_algorithm=hash_algorithm, extract=extract,
                     archive_format=archive_format, cache_dir=cache_dir,
                     force_download=force_download)
