"""Crafting hostile files at test time, and the one assertion every hostile file must pass.

A valid file is saved from a small model, then changed with h5py/zipfile the way an
attacker would. :func:`assert_refused` runs a load and checks that it raises a documented
exception (and nothing else), within a memory bound (tracemalloc peak and RSS growth) and a
hang timeout, with a capped message, leaving the target model's weights unchanged and
free of any outside bytes.
"""
import contextlib
import json
import os
import shutil
import signal
import tempfile
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

from pipeseq import Input, Sequential
from pipeseq.errors import (MAX_MESSAGE, FileFormatError, UnsafeConfigError,
                            WeightMismatchError)
from pipeseq.layers import Dense
from pipeseq.saving import api

DOCUMENTED = (FileFormatError, WeightMismatchError, UnsafeConfigError, OSError)
# 48 bytes = the (3, 4) float32 kernel; a recognisable "private key" outside the model file.
SECRET = b"-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0"[:48]
MAX_PEAK = 64 * 1024 * 1024        # traced allocations while refusing a file
MAX_RSS_GROWTH = 256 * 1024 * 1024
HANG_SECONDS = 60

KINDS = ["weights_h5", "legacy_weights", "legacy_model", "keras"]
FILENAMES = {"weights_h5": "w.weights.h5", "legacy_weights": "w.h5", "legacy_model": "m.h5",
             "keras": "m.keras"}
KERNEL = {"weights_h5": "layers/dense/vars/0", "legacy_weights": "dense/dense/kernel:0",
          "legacy_model": "model_weights/dense/dense/kernel:0", "keras": "layers/dense/vars/0"}


def make_model():
    m = Sequential([Input((3,)), Dense(4, name="dense"), Dense(2, name="dense_1")])
    rng = np.random.default_rng(0)
    m.set_weights([rng.normal(size=w.shape).astype("float32") for w in m.get_weights()])
    return m


def save(kind, model, path):
    (model.save_weights if kind in ("weights_h5", "legacy_weights") else model.save)(str(path))
    return str(path)


def craft(kind, tmp_path, mutate=None, name=None):
    """A valid file of ``kind`` in ``tmp_path``, then ``mutate(h5file, kernel_path)`` on it
    (for ``.keras``, on the ``model.weights.h5`` member, re-zipped with the same config)."""
    path = save(kind, make_model(), tmp_path / (name or FILENAMES[kind]))
    if mutate is None:
        return path
    if kind != "keras":
        with h5py.File(path, "r+") as f:
            mutate(f, KERNEL[kind])
        return path
    members = read_zip(path)
    wpath = str(tmp_path / "_inner.weights.h5")
    with open(wpath, "wb") as fh:
        fh.write(members["model.weights.h5"])
    with h5py.File(wpath, "r+") as f:
        mutate(f, KERNEL[kind])
    members["model.weights.h5"] = open(wpath, "rb").read()
    os.remove(wpath)
    write_zip(path, list(members.items()))
    return path


def read_zip(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(path, items, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return path


def keras_with_config(tmp_path, config, name="m.keras"):
    """A valid ``.keras`` whose config.json is replaced by ``config`` (dict or raw text)."""
    path = craft("keras", tmp_path, name=name)
    members = read_zip(path)
    members["config.json"] = config if isinstance(config, (str, bytes)) else json.dumps(config)
    return write_zip(path, list(members.items()))


def legacy_with_config(tmp_path, config, name="m.h5"):
    path = craft("legacy_model", tmp_path, name=name)
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = config if isinstance(config, str) else json.dumps(config)
    return path


def model_config(model=None):
    """The Keras 3 config dict of the standard model (to edit)."""
    return json.loads(api.model_to_json(model or make_model()))


def load_any(kind, path, target=None):
    """The entry point for ``kind``: load_weights into ``target`` or load_model."""
    if target is not None:
        return target.load_weights(path)
    return api.load_model(path)


def secret_file(directory, name="id_rsa"):
    p = os.path.join(str(directory), name)
    with open(p, "wb") as fh:
        fh.write(SECRET + b"\n")
    return p


def other_h5(directory, name="other.h5"):
    """An outside HDF5 file holding the secret as a (3, 4) float32 array at /data and /g/0."""
    p = os.path.join(str(directory), name)
    arr = np.frombuffer(SECRET, dtype="float32").reshape(3, 4)
    with h5py.File(p, "w") as f:
        f["data"] = arr
        f["g/0"] = arr
        f["g/1"] = np.zeros(4, "float32")
    return p


def _rss():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:      # pragma: no cover - not Linux
        return 0


class Hang(Exception):
    pass


@contextlib.contextmanager
def hang_guard(seconds=HANG_SECONDS):
    """Fail (instead of blocking the suite) if the block runs longer than ``seconds``."""
    def on_alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def weights_bytes(model):
    return b"".join(np.ascontiguousarray(w).tobytes() for w in model.get_weights())


def assert_refused(call, target=None, errors=DOCUMENTED, match=None):
    """Run ``call``; it must raise one of ``errors`` (a documented type), bounded in memory
    and time, with a capped message; ``target``'s weights unchanged and secret-free."""
    before = [w.copy() for w in target.get_weights()] if target is not None else None
    rss0 = _rss()
    tracemalloc.start()
    try:
        with hang_guard():
            with pytest.raises(errors, match=match) as ei:
                call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    err = ei.value
    assert isinstance(err, DOCUMENTED), f"undocumented exception {type(err).__name__}: {err}"
    assert peak < MAX_PEAK, f"refusing the file allocated {peak:,} bytes (traced)"
    assert _rss() - rss0 < MAX_RSS_GROWTH, f"RSS grew by {_rss() - rss0:,} bytes"
    assert len(str(err)) <= MAX_MESSAGE, len(str(err))
    if target is not None:
        after = target.get_weights()
        assert all(np.array_equal(a, b) for a, b in zip(before, after)), "weights changed"
        assert SECRET[:16] not in weights_bytes(target), "outside bytes in the weights"
    return err


def assert_loads(call):
    """A valid-but-unusual file: loads, within the hang timeout."""
    with hang_guard():
        return call()


def fresh_dir():
    d = tempfile.mkdtemp()
    return d, lambda: shutil.rmtree(d, ignore_errors=True)
