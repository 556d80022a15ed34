import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with float32, a fixed seed and fresh layer names."""
    from pipeseq import backend
    from pipeseq.layers.base import reset_uids
    backend.set_floatx("float32")
    backend.set_random_seed(1234)
    backend.set_image_data_format("channels_last")
    reset_uids()
    yield
    backend.set_floatx("float32")
    backend.set_image_data_format("channels_last")
