"""Optimizers and learning-rate schedules against real Keras (fixtures from
tools/make_toolbox_fixtures.py): 2-epoch training parity within 1e-4, schedule values
at chosen steps exactly (float32), state saved/restored in .keras files; MultiOptimizer
and OptimizerMap routing, configs and saved state."""
import json
import os
import warnings

import numpy as np
import pytest

from pipeseq.training import optimizers as O
from pipeseq.training.optimizers import schedules as S

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "toolbox")
OPT = json.load(open(os.path.join(HERE, "optimizers.json")))
# ScheduleFreeAdamW's runs come from Keras's JAX backend (see tools/make_toolbox_fixtures.py)
OPT["runs"] += json.load(open(os.path.join(HERE, "optimizers_jax.json")))["runs"]
SCH = json.load(open(os.path.join(HERE, "schedules.json")))


def _model():
    from pipeseq import keras_model_sequential, layer_dense
    from pipeseq.layers.base import reset_uids
    reset_uids()            # layers named dense, dense_1 as in the fixture (MultiOptimizer patterns)
    m = keras_model_sequential(input_shape=(3,))
    layer_dense(m, units=5, activation="tanh")
    layer_dense(m, units=2)
    m.set_weights([np.array(w, "float32") for w in OPT["initial_weights"]])
    return m


@pytest.mark.parametrize("run", OPT["runs"], ids=[r["name"] for r in OPT["runs"]])
def test_two_epochs_match_keras(run):
    model = _model()
    opt = O.get(run["optimizer"])
    model.compile(optimizer=opt, loss="mse")
    x, y = np.array(OPT["x"], "float32"), np.array(OPT["y"], "float32")
    hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), run["weights"]):
        np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)
    np.testing.assert_allclose(hist.history["loss"], run["loss"], atol=1e-4, rtol=1e-4)
    if run["name"] != "loss_scale_adam":      # Keras's wrapper adds its own scale variables
        assert [list(np.shape(v)) for v in opt.variables] == run["optimizer_variable_shapes"]


@pytest.mark.parametrize("case", SCH["cases"],
                         ids=[f"{c['serialized']['class_name']}-{i}" for i, c in enumerate(SCH["cases"])])
def test_schedule_values_equal_keras(case):
    sch = S.deserialize(case["serialized"])
    got = [float(np.float32(sch(s))) for s in case["steps"]]
    assert got == case["values"]
    assert S.serialize(sch) == case["serialized"]


def test_schedule_in_optimizer_config_round_trips():
    opt = O.Adam(learning_rate=S.CosineDecay(0.01, 100, warmup_target=0.1, warmup_steps=5))
    cfg = O.serialize(opt)
    back = O.get(json.loads(json.dumps(cfg)))
    assert isinstance(back._learning_rate, S.CosineDecay)
    assert back._learning_rate.get_config() == opt._learning_rate.get_config()
    with pytest.raises(TypeError, match="not settable"):
        back.learning_rate = 0.5


def test_custom_schedule_subclass():
    class Halving(S.LearningRateSchedule):
        def __init__(self, start):
            self.start = start

        def __call__(self, step):
            return self.start / (2 ** (step // 2))

        def get_config(self):
            return {"start": self.start}

    opt = O.SGD(learning_rate=Halving(0.8))
    model = _model()
    model.compile(optimizer=opt, loss="mse")
    model.fit(np.array(OPT["x"], "float32"), np.array(OPT["y"], "float32"), batch_size=8,
              epochs=1, shuffle=False, verbose=0)
    assert opt.iterations == 3 and opt.learning_rate == pytest.approx(0.4)
    with pytest.raises(ValueError, match="Unknown learning-rate schedule"):
        S.deserialize(S.serialize(Halving(1.0)))
    assert isinstance(S.deserialize(S.serialize(Halving(1.0)), {"Halving": Halving}), Halving)


@pytest.mark.parametrize("name", ["adamw", "adafactor", "adam_ema", "adam_accumulation", "muon",
                                  "nadam_polynomial", "ftrl"])
def test_state_saved_and_restored_in_keras_file(tmp_path, name):
    run = next(r for r in OPT["runs"] if r["name"] == name)
    x, y = np.array(OPT["x"], "float32"), np.array(OPT["y"], "float32")
    model = _model()
    model.compile(optimizer=O.get(run["optimizer"]), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    from pipeseq.saving.api import load_model
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no "Skipping optimizer state"
        loaded = load_model(path)
    assert loaded.optimizer.iterations == model.optimizer.iterations
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a, b)
    # continuing from the file gives the same second epoch as continuing in memory
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    if not model.optimizer.use_ema:     # with EMA, each fit() ends by writing the averages
        for got, want in zip(loaded.get_weights(), run["weights"]):
            np.testing.assert_allclose(got, want, atol=1e-4)


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        O.SGD(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="ema_momentum"):
        O.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        O.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        O.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="decay_steps"):
        S.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="boundaries"):
        S.PiecewiseConstantDecay([1, 2], [0.1])


def test_exclude_from_weight_decay():
    from pipeseq.layers.base import Variable
    a, b = Variable(np.ones(2, "float32"), "kernel"), Variable(np.ones(2, "float32"), "bias")
    opt = O.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(2, "float32")] * 2, [a, b])
    np.testing.assert_allclose(a.value, [0.95, 0.95])
    assert b.value.tolist() == [1.0, 1.0]


def _multi():
    return O.MultiOptimizer(O.OptimizerMap(O.SGD(learning_rate=0.05, momentum=0.9),
                                           {".*dense_1/.*": O.Adam(learning_rate=0.01)}))


def test_multi_optimizer_routes_and_round_trips(tmp_path):
    model = _model()
    opt = _multi()
    model.compile(optimizer=opt, loss="mse")
    x, y = np.array(OPT["x"], "float32"), np.array(OPT["y"], "float32")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    adam, sgd = opt.optimizers
    assert (type(adam).__name__, adam.iterations, type(sgd).__name__, sgd.iterations) == \
        ("Adam", 3, "SGD", 3)
    with pytest.raises(AttributeError, match="sub-optimizers"):
        opt.learning_rate
    back = O.get(json.loads(json.dumps(O.serialize(opt))))
    assert [type(o).__name__ for o in back.optimizers] == ["Adam", "SGD"]
    # state saved and restored in a .keras file: training on continues identically
    path = str(tmp_path / "m.keras")
    model.save(path)
    import h5py, io, zipfile
    with zipfile.ZipFile(path) as z, h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
        # Keras's layout: every variable in optimizer/vars, each inner optimizer's again apart
        assert len(f["optimizer/vars"]) == len(opt.variables) == 12
        assert sorted(f["optimizer/optimizers"]) == ["adam", "sgd"]
        assert len(f["optimizer/optimizers/adam/vars"]) == 6
    from pipeseq.saving.api import load_model
    again = load_model(path)
    assert [np.asarray(v).tolist() for v in again.optimizer.variables] == \
        [np.asarray(v).tolist() for v in opt.variables]
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    again.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_optimizer_map_lookup_rules():
    sgd, adam, rms = O.SGD(), O.Adam(), O.RMSprop()
    m = O.OptimizerMap(default_optimizer=rms)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    assert m["encoder/layer_0/dense"] is adam and m["encoder/layer_0/attention/query"] is sgd
    assert m["decoder/dense"] is rms
    m["enc.*"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        m["encoder/x"]
    with pytest.raises(ValueError, match="already exists"):
        m["enc.*"] = sgd
    with pytest.raises(ValueError, match="MultiOptimizer"):
        m["other"] = O.MultiOptimizer(O.OptimizerMap(O.SGD()))
    with pytest.raises(TypeError, match="selector function is code"):
        O.serialize(O.MultiOptimizer(lambda v: sgd))
