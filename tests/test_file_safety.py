"""Loading is safe: damaged files, wrong architectures, code in configs, zip bombs and
failed writes give clear errors and leave models and files unchanged."""
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from pipeseq import Sequential
from pipeseq.layers import Dense
from pipeseq.saving import api, h5io, weights as wmod
from pipeseq.saving.h5io import FileFormatError, WeightMismatchError
from pipeseq.saving.serialization import UnsafeConfigError


def mlp(hidden=4, n_out=2, extra=False):
    layers = [Dense(hidden, activation="relu", input_shape=(3,)), Dense(n_out)]
    if extra:
        layers.append(Dense(2))
    return Sequential(layers)


def snapshot(model):
    return [w.copy() for w in model.get_weights()]


def unchanged(model, snap):
    return all(np.array_equal(a, b) for a, b in zip(model.get_weights(), snap))


WEIGHT_FILES = ["w.weights.h5", "w.h5"]


@pytest.fixture
def saved(tmp_path):
    m = mlp()
    paths = {}
    for name in WEIGHT_FILES:
        p = str(tmp_path / name)
        m.save_weights(p)
        paths[name] = p
    for name in ("m.keras", "m.model.h5"):
        p = str(tmp_path / name)
        m.save(p)
        paths[name] = p
    return m, paths


# ------------------------------------------------------------------ damaged files
@pytest.mark.parametrize("name", WEIGHT_FILES + ["m.keras", "m.model.h5"])
@pytest.mark.parametrize("damage", ["empty", "truncate_half", "truncate_header", "not_hdf5",
                                    "flip_bytes"])
def test_damaged_files_give_clear_errors(saved, name, damage):
    src, paths = saved
    p = paths[name]
    data = open(p, "rb").read()
    if damage == "empty":
        data = b""
    elif damage == "truncate_half":
        data = data[: len(data) // 2]
    elif damage == "truncate_header":
        data = data[:40]
    elif damage == "not_hdf5":
        data = b"this is a text file, not weights\n" * 20
    elif damage == "flip_bytes":
        arr = bytearray(data)
        rng = np.random.default_rng(0)
        start = 0 if name.endswith(".keras") else 512
        for i in rng.choice(np.arange(start, len(arr)), size=64, replace=False):
            arr[i] ^= 0xFF
        data = bytes(arr)
    with open(p, "wb") as fh:
        fh.write(data)
    target = mlp()
    snap = snapshot(target)
    with pytest.raises((FileFormatError, WeightMismatchError, ValueError)) as ei:
        if name in ("m.keras", "m.model.h5"):
            api.load_model(p)
            target.load_weights(p)
        else:
            target.load_weights(p)
    msg = str(ei.value)
    assert p in msg or "'<json>'" in msg or os.path.basename(p) in msg, msg
    assert "Traceback" not in msg
    assert unchanged(target, snap)


def test_flipped_data_bytes_either_load_or_fail_cleanly(saved):
    # Flipping bytes inside the float data is undetectable (HDF5 has no checksums here):
    # the load must then succeed with different numbers, never crash.
    _, paths = saved
    p = paths["w.weights.h5"]
    with h5py.File(p, "r") as f:
        offset = f["layers/dense/vars/0"].id.get_offset()
    arr = bytearray(open(p, "rb").read())
    arr[offset] ^= 0x01
    open(p, "wb").write(bytes(arr))
    m = mlp()
    m.load_weights(p)


def test_missing_file_and_directory(tmp_path):
    m = mlp()
    with pytest.raises(FileNotFoundError, match="No such"):
        m.load_weights(str(tmp_path / "nope.h5"))
    with pytest.raises(FileNotFoundError, match="No such"):
        api.load_model(str(tmp_path / "nope.keras"))
    with pytest.raises(FileFormatError, match="directory"):
        api.load_model(str(tmp_path))


def test_weights_file_given_to_load_model(saved):
    _, paths = saved
    with pytest.raises(FileFormatError, match="weights only"):
        api.load_model(paths["w.h5"])


def test_hdf5_that_is_not_keras(tmp_path):
    p = str(tmp_path / "other.h5")
    with h5py.File(p, "w") as f:
        f.create_dataset("data", data=np.zeros(3))
    with pytest.raises(FileFormatError, match="not a Keras weights file"):
        mlp().load_weights(p)


# ------------------------------------------------------------------ wrong architecture
@pytest.mark.parametrize("name", WEIGHT_FILES + ["m.keras"])
def test_shape_mismatch_names_layer_variable_and_shapes(saved, name):
    _, paths = saved
    target = mlp(hidden=5)
    snap = snapshot(target)
    with pytest.raises(WeightMismatchError) as ei:
        target.load_weights(paths[name])
    msg = str(ei.value)
    assert "dense" in msg and "kernel" in msg
    assert "(3, 5)" in msg and "(3, 4)" in msg
    assert unchanged(target, snap)


@pytest.mark.parametrize("name", WEIGHT_FILES)
def test_extra_and_missing_layers(saved, name):
    _, paths = saved
    bigger = mlp(extra=True)
    snap = snapshot(bigger)
    with pytest.raises(WeightMismatchError, match="dense_4|layer count|no weights"):
        bigger.load_weights(paths[name])
    assert unchanged(bigger, snap)
    smaller = Sequential([Dense(4, activation="relu", input_shape=(3,))])
    snap = snapshot(smaller)
    with pytest.raises(WeightMismatchError, match="does not have|count mismatch"):
        smaller.load_weights(paths[name])
    assert unchanged(smaller, snap)


def test_failed_load_leaves_weights_unchanged_even_when_last_layer_fails(tmp_path):
    src = mlp()
    p = str(tmp_path / "w.weights.h5")
    src.save_weights(p)
    with h5py.File(p, "a") as f:              # damage only the LAST variable's dtype
        del f["layers/dense_1/vars/1"]
        f["layers/dense_1/vars"].create_dataset("1", data=np.array(["a", "b"], dtype="S1"))
    target = mlp()
    snap = snapshot(target)
    with pytest.raises(WeightMismatchError, match="numeric"):
        target.load_weights(p)
    assert unchanged(target, snap)             # the first layer was not assigned either


def test_skip_mismatch_and_by_name(tmp_path):
    src = mlp()
    p = str(tmp_path / "w.h5")
    src.save_weights(p)
    other = Sequential([Dense(4, activation="relu", input_shape=(3,), name=src.layers[0].name),
                        Dense(7, name=src.layers[1].name)])
    with pytest.raises(WeightMismatchError):
        other.load_weights(p, by_name=True)
    before = other.layers[1].get_weights()
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(p, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], src.layers[0].get_weights()[0])
    np.testing.assert_array_equal(other.layers[1].get_weights()[0], before[0])
    with pytest.raises(ValueError, match="by_name"):
        other.load_weights(p, skip_mismatch=True)
    # by_name: unknown names in the file are ignored, model layers absent from it are kept
    renamed = Sequential([Dense(4, activation="relu", input_shape=(3,), name="zzz"), Dense(2)])
    keep = snapshot(renamed)
    renamed.load_weights(p, by_name=True)
    assert unchanged(renamed, keep)


def test_keras3_skip_mismatch(tmp_path):
    src = mlp()
    p = str(tmp_path / "w.weights.h5")
    src.save_weights(p)
    other = mlp(n_out=3)
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(p, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], src.layers[0].get_weights()[0])


# ------------------------------------------------------------------ code in configs
def _rewrite_keras_config(path, edit):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    cfg = json.loads(members["config.json"])
    edit(cfg)
    members["config.json"] = json.dumps(cfg).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)


def test_lambda_layer_is_refused_with_its_name(saved):
    _, paths = saved
    p = paths["m.keras"]

    def add_lambda(cfg):
        cfg["config"]["layers"].insert(2, {
            "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": "evil_lambda", "function": {"class_name": "__lambda__", "config": {
                "code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}}})
    _rewrite_keras_config(p, add_lambda)
    with pytest.raises(UnsafeConfigError, match="evil_lambda|Lambda"):
        api.load_model(p)


def test_lambda_in_legacy_h5_and_json_refused(saved):
    _, paths = saved
    p = paths["m.model.h5"]
    with h5py.File(p, "a") as f:
        cfg = json.loads(f.attrs["model_config"])
        cfg["config"]["layers"].append({"class_name": "Lambda", "config": {
            "name": "lam", "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda"}})
        f.attrs["model_config"] = json.dumps(cfg)
    with pytest.raises(UnsafeConfigError, match="Lambda"):
        api.load_model(p)
    with pytest.raises(UnsafeConfigError, match="Lambda"):
        api.model_from_json(json.dumps(cfg))


def test_unknown_class_refused_unless_custom_objects(saved):
    _, paths = saved
    p = paths["m.model.h5"]
    with h5py.File(p, "a") as f:
        cfg = json.loads(f.attrs["model_config"])
        cfg["config"]["layers"][1]["class_name"] = "MyDense"
        f.attrs["model_config"] = json.dumps(cfg)
    with pytest.raises(UnsafeConfigError, match="MyDense"):
        api.load_model(p)

    class MyDense(Dense):
        pass
    m = api.load_model(p, custom_objects={"MyDense": MyDense})
    assert type(m.layers[0]) is MyDense


def test_custom_function_in_config_refused(saved):
    _, paths = saved
    p = paths["m.keras"]

    def custom_act(cfg):
        cfg["config"]["layers"][1]["config"]["activation"] = {
            "module": "builtins", "class_name": "function", "config": "os.system",
            "registered_name": "function"}
    _rewrite_keras_config(p, custom_act)
    with pytest.raises(UnsafeConfigError, match="never executes code"):
        api.load_model(p)


# ------------------------------------------------------------------ zip archives
def test_zip_bomb_refused_before_inflating(saved, tmp_path):
    _, paths = saved
    p = paths["m.keras"]
    with zipfile.ZipFile(p) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    bomb = str(tmp_path / "bomb.keras")
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", members["metadata.json"])
        zf.writestr("config.json", members["config.json"])
        zf.writestr("model.weights.h5", b"\0" * (70 * 1024 * 1024))    # ~70 KB compressed
    assert os.path.getsize(bomb) < 1024 * 1024
    with pytest.raises(FileFormatError, match="zip bomb"):
        api.load_model(bomb)
    with pytest.raises(FileFormatError, match="zip bomb"):
        mlp().load_weights(bomb)


def test_zip_member_names_are_never_paths(saved, tmp_path):
    _, paths = saved
    p = paths["m.keras"]
    with zipfile.ZipFile(p, "a") as zf:
        zf.writestr("../../escaped.txt", b"x")
        zf.writestr("/tmp/abs_escaped.txt", b"x")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        m = api.load_model(p)
    finally:
        os.chdir(cwd)
    assert m.layers
    assert not os.path.exists(tmp_path.parent.parent / "escaped.txt")
    assert not os.path.exists("/tmp/abs_escaped.txt")


def test_keras_zip_missing_member(tmp_path):
    p = str(tmp_path / "x.keras")
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("config.json", "{}")
    with pytest.raises(FileFormatError, match="model.weights.h5"):
        api.load_model(p)


# ------------------------------------------------------------------ atomic writes
@pytest.mark.parametrize("name", ["w.weights.h5", "w.h5", "m.keras", "m.model.h5"])
def test_failed_write_keeps_old_file(tmp_path, monkeypatch, name):
    m = mlp()
    p = str(tmp_path / name)
    save = m.save if name.startswith("m.") else m.save_weights
    save(p)
    before = open(p, "rb").read()

    def boom(*a, **k):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(h5io, "write_array", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save(p)
    assert open(p, "rb").read() == before
    assert sorted(os.listdir(tmp_path)) == [name]        # no temp file left behind


def test_overwrite_false(tmp_path):
    m = mlp()
    p = str(tmp_path / "w.weights.h5")
    m.save_weights(p)
    with pytest.raises(FileExistsError):
        m.save_weights(p, overwrite=False)


def test_bad_suffixes_are_explained(tmp_path):
    m = mlp()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        m.save_weights(str(tmp_path / "w.ckpt"))
    with pytest.raises(ValueError, match=r"\.keras"):
        m.save(str(tmp_path / "model.pb"))


def test_unbuilt_model(tmp_path):
    m = Sequential([Dense(2)])
    with pytest.raises(ValueError, match="not been built"):
        m.save_weights(str(tmp_path / "w.weights.h5"))


def test_saved_files_get_normal_permissions(tmp_path):
    import os
    from pipeseq.layers import Dense
    from pipeseq.models import Sequential
    model = Sequential([Dense(2, input_shape=(3,))])
    umask = os.umask(0o022)
    try:
        for name in ("m.weights.h5", "m.h5", "m.keras"):
            path = tmp_path / name
            (model.save_weights if "weights" in name else model.save)(str(path))
            assert oct(path.stat().st_mode & 0o777) == oct(0o644), name
    finally:
        os.umask(umask)
