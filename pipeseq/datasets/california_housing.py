"""California housing prices: ``load_data(version, path, test_split, seed)``, as
``keras.datasets.california_housing`` (``version="small"`` keeps the first 600 rows)."""
import numpy as np

from .boston_housing import check_split, shuffle_split
from .cache import KERAS_DATASETS_URL, get_file

ORIGIN = KERAS_DATASETS_URL + "california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``: 8 features, median house value."""
    check_split(test_split)
    if version not in ("small", "large"):
        raise ValueError("Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffle_split(x, y, test_split, seed)
