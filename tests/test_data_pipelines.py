"""What the loaders and preprocessing utilities return, fit reads: the same batches give the
same weights as the arrays they hold."""
import os

import numpy as np

import compat as keras
from compat.preprocessing.image import ImageDataGenerator
from compat.preprocessing.sequence import TimeseriesGenerator
from compat.utils import image_dataset_from_directory, timeseries_dataset_from_array

FILES = os.path.join(os.path.dirname(__file__), "fixtures", "data", "files")


def _model(input_shape, seed=3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.layers.Flatten(input_shape=input_shape),
                              keras.layers.Dense(2, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


def _same_training(make, data, x, y, batch_size, epochs=2):
    a, b = make(), make()
    a.fit(data, epochs=epochs, shuffle=False, verbose=0)   # fit shuffles batch order by default
    b.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(a.predict(data, verbose=0), b.predict(x, verbose=0), rtol=1e-5)


def test_fit_reads_image_dataset_from_directory():
    ds = image_dataset_from_directory(FILES + "/img", image_size=(4, 4), batch_size=2,
                                      shuffle=False, verbose=False).map(lambda x, y: (x / 255, y))
    x = np.concatenate([b[0] for b in ds])
    y = np.concatenate([b[1] for b in ds]).astype("float32")
    _same_training(lambda: _model((4, 4, 3)), ds, x, y, batch_size=2)


def test_fit_reads_image_data_generator_flow():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(7, 4, 4, 3)).astype("float32"), rng.uniform(size=7)
    flow = ImageDataGenerator().flow(x, y, batch_size=3, shuffle=False)
    _same_training(lambda: _model((4, 4, 3)), flow, x, y, batch_size=3)


def test_fit_reads_timeseries_datasets():
    rng = np.random.default_rng(1)
    series, target = rng.uniform(size=(30, 2)).astype("float32"), rng.uniform(size=30)
    ds = timeseries_dataset_from_array(series, target, sequence_length=4, batch_size=5)
    x = np.stack([series[i:i + 4] for i in range(27)])
    _same_training(lambda: _model((4, 2)), ds, x, target[:27], batch_size=5)
    gen = TimeseriesGenerator(series, target, length=4, batch_size=5)
    x = np.stack([series[i - 4:i] for i in range(4, 30)])
    _same_training(lambda: _model((4, 2)), gen, x, target[4:30], batch_size=5)


def test_pipe_fit_reads_a_dataset():
    from pipeseq import fit
    ds = timeseries_dataset_from_array(np.arange(40, dtype="float32").reshape(20, 2) / 40,
                                       np.arange(20) / 20, sequence_length=3, batch_size=4)
    model = _model((3, 2))
    history = model | fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
