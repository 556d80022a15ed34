"""UpSampling, ZeroPadding and Cropping layers through the shared checker."""
import numpy as np
import pytest

from pipeseq.layers import (Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D,
                            ZeroPadding2D)
from tests.layer_check import check_layer


@pytest.mark.parametrize("cls,kwargs,shape,out", [
    (UpSampling1D, {}, (2, 3, 2), (2, 6, 2)),
    (UpSampling1D, {"size": 3}, (2, 2, 2), (2, 6, 2)),
    (UpSampling2D, {}, (2, 2, 3, 2), (2, 4, 6, 2)),
    (UpSampling2D, {"size": (1, 3), "data_format": "channels_first"}, (2, 2, 2, 3), (2, 2, 2, 9)),
    (UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 2, 2), (2, 6, 6, 2)),
    (ZeroPadding1D, {}, (2, 3, 2), (2, 5, 2)),
    (ZeroPadding1D, {"padding": (0, 2)}, (2, 3, 2), (2, 5, 2)),
    (ZeroPadding2D, {}, (2, 2, 3, 2), (2, 4, 5, 2)),
    (ZeroPadding2D, {"padding": ((1, 0), (2, 3))}, (2, 2, 3, 2), (2, 3, 8, 2)),
    (ZeroPadding2D, {"padding": (1, 2), "data_format": "channels_first"}, (2, 2, 2, 3), (2, 2, 4, 7)),
    (Cropping1D, {}, (2, 5, 2), (2, 3, 2)),
    (Cropping1D, {"cropping": (0, 2)}, (2, 5, 2), (2, 3, 2)),
    (Cropping2D, {"cropping": ((1, 0), (2, 1))}, (2, 4, 5, 2), (2, 3, 2, 2)),
    (Cropping2D, {"cropping": 1, "data_format": "channels_first"}, (2, 2, 4, 5), (2, 2, 2, 3)),
])
def test_reshaping_layers(cls, kwargs, shape, out):
    check_layer(cls, kwargs, shape, expected_output_shape=out, expected_num_weights=0)


def test_values():
    x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    np.testing.assert_array_equal(UpSampling2D()(x)[0, :, :, 0],
                                  [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]])
    np.testing.assert_array_equal(ZeroPadding2D(((1, 0), (0, 1)))(x)[0, :, :, 0],
                                  [[0, 0, 0], [0, 1, 0], [2, 3, 0]])
    np.testing.assert_array_equal(Cropping2D(((1, 0), (0, 1)))(x)[0, :, :, 0], [[2]])
    # bilinear with half-pixel centres (TF resize): corners keep their values
    y = UpSampling2D(2, interpolation="bilinear")(x)[0, :, :, 0]
    np.testing.assert_allclose(y[0], [0, 0.25, 0.75, 1])


def test_errors():
    with pytest.raises(ValueError, match=r"Cropping1D 'cropping1d'.*not positive"):
        Cropping1D((2, 2))(np.ones((1, 4, 1), "float32"))
    with pytest.raises(ValueError, match="interpolation"):
        UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"ZeroPadding2D .*padding"):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="expected ndim=4"):
        ZeroPadding2D()(np.ones((1, 3, 3), "float32"))
