"""Outward reads: every HDF5 mechanism that pulls bytes from outside the file, through every
entry point. Each crafted file keeps the kernel's shape and dtype, so only the link/storage
checks stand between the outside bytes and the model's weights."""
import os

import h5py
import numpy as np
import pytest

from pipeseq.errors import FileFormatError
from pipeseq.saving import api

from .helpers import (SECRET, assert_refused, craft, make_model, other_h5, secret_file,
                      weights_bytes)

# (file kind, entry point): load_weights into a model, or load_model.
ENTRY_POINTS = [("weights_h5", "load_weights"), ("legacy_weights", "load_weights"),
                ("legacy_model", "load_model"), ("keras", "load_model"),
                ("legacy_model", "load_weights"), ("keras", "load_weights")]


def _replace(f, k, **kwargs):
    del f[k]
    return f.create_dataset(k, shape=(3, 4), dtype="float32", **kwargs)


def external_absolute(f, k, d):
    _replace(f, k, external=[(secret_file(d), 0, 48)])


def external_relative(f, k, d):
    secret_file(d, "id_rsa")                     # found relative to the working directory
    _replace(f, k, external=[("id_rsa", 0, 48)])


def external_fifo(f, k, d):
    fifo = os.path.join(str(d), "pipe")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    _replace(f, k, external=[(fifo, 0, 48)])


def external_link_dataset(f, k, d):
    del f[k]
    f[k] = h5py.ExternalLink(other_h5(d), "/data")


def external_link_group(f, k, d):
    parent = k.rsplit("/", 1)[0]
    del f[parent]
    f[parent] = h5py.ExternalLink(other_h5(d), "/g")


def dangling_external_link(f, k, d):
    del f[k]
    f[k] = h5py.ExternalLink(os.path.join(str(d), "missing.h5"), "/data")


def soft_link(f, k, d):
    f["stash"] = np.frombuffer(SECRET, dtype="float32").reshape(3, 4)
    del f[k]
    f[k] = h5py.SoftLink("/stash")


def virtual_dataset(f, k, d):
    layout = h5py.VirtualLayout(shape=(3, 4), dtype="float32")
    layout[:] = h5py.VirtualSource(other_h5(d), "data", shape=(3, 4))
    del f[k]
    f.create_virtual_dataset(k, layout, fillvalue=0)


def virtual_fill_only(f, k, d):
    layout = h5py.VirtualLayout(shape=(3, 4), dtype="float32")   # no sources: fill values
    del f[k]
    f.create_virtual_dataset(k, layout, fillvalue=1234.5)


def external_unused_member(f, k, d):
    # Not a weight the model reads: still refused (a scanner and the loader must agree).
    f.create_dataset("extra_notes", shape=(12,), dtype="float32",
                     external=[(secret_file(d), 0, 48)])


MECHANISMS = [external_absolute, external_relative, external_fifo, external_link_dataset,
              external_link_group, dangling_external_link, soft_link, virtual_dataset,
              virtual_fill_only, external_unused_member]


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("kind,entry", ENTRY_POINTS, ids=lambda v: v)
def test_outward_read_is_refused(tmp_path, monkeypatch, mechanism, kind, entry):
    monkeypatch.chdir(tmp_path)
    path = craft(kind, tmp_path, lambda f, k: mechanism(f, k, tmp_path))
    if entry == "load_weights":
        target = make_model()
        err = assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)
    else:
        err = assert_refused(lambda: api.load_model(path), errors=FileFormatError)
    assert "Not allowed" in str(err), str(err)


def test_without_the_checks_the_secret_would_come_through(tmp_path):
    # The crafted file really does carry the secret: h5py itself reads it back.
    path = craft("weights_h5", tmp_path, lambda f, k: external_absolute(f, k, tmp_path))
    with h5py.File(path, "r") as f:
        assert f["layers/dense/vars/0"][()].tobytes() == SECRET
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target)
    assert SECRET[:16] not in weights_bytes(target)


@pytest.mark.parametrize("kind", ["weights_h5", "legacy_model"])
def test_inspect_refuses_to_call_outward_files_clean(tmp_path, kind):
    from pipeseq.saving.inspect import UNSAFE, main_inspect
    path = craft(kind, tmp_path, lambda f, k: external_absolute(f, k, tmp_path))
    lines = []
    assert main_inspect(path, print_fn=lines.append) == 1
    text = "\n".join(lines)
    assert "external storage" in text and UNSAFE in text
    assert "checks passed" not in text
