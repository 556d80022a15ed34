"""Boston housing prices: ``load_data(path, test_split, seed)``, as ``keras.datasets.boston_housing``."""
import numpy as np

from .cache import KERAS_DATASETS_URL, get_file

ORIGIN = KERAS_DATASETS_URL + "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def check_split(test_split):
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")


def shuffle_split(x, y, test_split, seed):
    """Keras's housing split: shuffle with ``RandomState(seed)``, the first ``1 - test_split`` trains."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``: 13 float64 features, price in k$ (float64)."""
    check_split(test_split)
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed)
