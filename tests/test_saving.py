"""Round trips through every file format (for every layer class the Keras fixtures use),
JSON configs, ModelCheckpoint files and the inspect command."""
import json
import os

import numpy as np
import pytest

from pipeseq import Sequential
from pipeseq.layers import Dense
from pipeseq.saving import api
from pipeseq.saving.inspect import main_inspect

from .test_keras_files import FIX, MODELS, inputs_of, require_classes

FORMATS = {"keras": ("m.keras", "model"), "legacy_model": ("m.h5", "model"),
           "keras3_weights": ("w.weights.h5", "weights"), "legacy_weights": ("w.h5", "weights")}
ROUND = [(m, f) for m in sorted(MODELS) for f in FORMATS]


def _outputs(model, x):
    y = model.predict(x, verbose=0)
    return y if isinstance(y, list) else [y]


@pytest.mark.parametrize("model_name,fmt", ROUND, ids=[f"{m}-{f}" for m, f in ROUND])
def test_round_trip_identical_outputs(model_name, fmt, tmp_path):
    require_classes(model_name)
    src = api.load_model(os.path.join(FIX, model_name + ".keras"))
    x, _ = inputs_of(model_name)
    fname, kind = FORMATS[fmt]
    p = str(tmp_path / fname)
    if kind == "model":
        src.save(p)
        back = api.load_model(p)
        assert [type(l).__name__ for l in back.layers] == [type(l).__name__ for l in src.layers]
        assert back.get_config() == src.get_config()
    else:
        src.save_weights(p)
        back = api.model_from_json(src.to_json())      # fresh random weights
        back.load_weights(p)
    for a, b in zip(_outputs(back, x), _outputs(src, x)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(back.get_weights(), src.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_to_json_is_keras3_and_model_from_json_rebuilds():
    m = Sequential([Dense(3, activation="tanh", input_shape=(4,)), Dense(1)])
    cfg = json.loads(m.to_json())
    assert list(cfg) == ["module", "class_name", "config", "registered_name", "build_config",
                         "compile_config"]
    assert cfg["config"]["layers"][0]["class_name"] == "InputLayer"
    assert cfg["config"]["layers"][1]["config"]["dtype"] == {
        "module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
        "registered_name": None}
    assert "batch_input_shape" not in cfg["config"]["layers"][1]["config"]
    m2 = api.model_from_json(m.to_json())
    assert m2.get_config() == m.get_config()


def test_keras1_and_keras2_json_configs():
    keras2 = {"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow",
              "config": {"name": "s", "layers": [
                  {"class_name": "Dense", "config": {"name": "d", "units": 3, "dtype": "float32",
                                                     "batch_input_shape": [None, 4],
                                                     "activation": "hard_sigmoid"}}]}}
    m = api.model_from_json(json.dumps(keras2))
    assert m.layers[0].activation.name == "legacy_hard_sigmoid"
    assert m.input_shape == (None, 4)
    keras1 = {"class_name": "Sequential", "keras_version": "1.2.2", "config": [
        {"class_name": "Dense", "config": {"name": "d1", "output_dim": 5, "input_dim": 4,
                                           "init": "glorot_uniform", "activation": "relu",
                                           "batch_input_shape": [None, 4]}},
        {"class_name": "Dense", "config": {"name": "d2", "output_dim": 2}}]}
    m = api.model_from_json(json.dumps(keras1))
    assert [l.units for l in m.layers] == [5, 2]


def test_compiled_model_keeps_compile_and_optimizer_state(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    m = Sequential([Dense(3, activation="tanh", input_shape=(4,)), Dense(1)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for name in ("m.keras", "m.h5"):
        p = str(tmp_path / name)
        m.save(p)
        back = api.load_model(p)
        assert back.compiled and type(back.optimizer).__name__ == "Adam"
        np.testing.assert_array_equal(back.predict(x, verbose=0), m.predict(x, verbose=0))
    back = api.load_model(str(tmp_path / "m.keras"))
    assert back.optimizer.iterations == m.optimizer.iterations
    h1 = m.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False).history["loss"]
    h2 = back.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(h1, h2, rtol=1e-6)          # Adam moments were restored


def test_model_checkpoint_writes_loadable_files(tmp_path):
    from pipeseq.training.callbacks import ModelCheckpoint
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")
    m = Sequential([Dense(2, input_shape=(4,)), Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    pm, pw = str(tmp_path / "ck.keras"), str(tmp_path / "ck.weights.h5")
    m.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(pm, monitor="loss"),
                                                ModelCheckpoint(pw, monitor="loss",
                                                                save_weights_only=True)])
    np.testing.assert_array_equal(api.load_model(pm).predict(x, verbose=0), m.predict(x, verbose=0))
    fresh = Sequential([Dense(2, input_shape=(4,)), Dense(1)])
    fresh.load_weights(pw)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), m.predict(x, verbose=0))


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "w.weights.h5", "w.h5"])
def test_inspect_prints_summary_or_weight_table(tmp_path, name):
    m = Sequential([Dense(3, input_shape=(4,), name="first"), Dense(1, name="second")])
    p = str(tmp_path / name)
    (m.save if name.startswith("m") else m.save_weights)(p)
    lines = []
    assert main_inspect(p, print_fn=lines.append) == 0
    text = "\n".join(lines)
    assert "first" in text and "second" in text
    if name.startswith("w"):
        assert "(4, 3)" in text and "float32" in text
    else:
        assert "Total params: 19" in text


def test_inspect_reports_errors(tmp_path):
    p = str(tmp_path / "junk.h5")
    open(p, "wb").write(b"junk")
    lines = []
    assert main_inspect(p, print_fn=lines.append) == 1
    assert "error" in lines[0]
