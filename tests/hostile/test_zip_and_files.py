"""Zip tricks (members read differently by different tools, encryption, unknown compression,
absurd member counts) and paths that are not regular files."""
import json
import os
import struct
import zipfile

import pytest

from pipeseq.errors import FileFormatError
from pipeseq.saving import api
from pipeseq.saving.inspect import UNSAFE, main_inspect

from .helpers import (assert_refused, craft, hang_guard, make_model, model_config, read_zip,
                      write_zip)


def _keras_members(tmp_path):
    return read_zip(craft("keras", tmp_path))


def _zip_entries(path, items):
    """A zip whose members are written as given (duplicates allowed)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in items:
                zf.writestr(name, data)
    return path


def test_duplicate_config_member(tmp_path):
    m = _keras_members(tmp_path)
    other = model_config()
    other["config"]["layers"][1]["config"]["units"] = 7       # what a scanner would not see
    path = _zip_entries(str(tmp_path / "dup.keras"), [
        ("metadata.json", m["metadata.json"]), ("config.json", m["config.json"]),
        ("model.weights.h5", m["model.weights.h5"]), ("config.json", json.dumps(other))])
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="twice")


def test_duplicate_weights_member(tmp_path):
    m = _keras_members(tmp_path)
    path = _zip_entries(str(tmp_path / "dup.keras"), [
        ("config.json", m["config.json"]), ("model.weights.h5", m["model.weights.h5"]),
        ("model.weights.h5", m["model.weights.h5"])])
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError,
                   match="twice")


def test_duplicate_after_normalising_names(tmp_path):
    m = _keras_members(tmp_path)
    path = _zip_entries(str(tmp_path / "dup.keras"), [
        ("config.json", m["config.json"]), ("./config.json", m["config.json"]),
        ("model.weights.h5", m["model.weights.h5"])])
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="twice")


def _patch_member(path, name, flag_bits=None, method=None):
    """Rewrite a member's general-purpose flags / compression method in both of its headers."""
    data = bytearray(open(path, "rb").read())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    local = info.header_offset
    pos = 0                                  # the central directory entry for this name
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        n = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if data[pos + 46:pos + 46 + n] == name.encode():
            central = pos
            break
        pos += 4
    if flag_bits is not None:
        struct.pack_into("<H", data, local + 6, flag_bits)
        struct.pack_into("<H", data, central + 8, flag_bits)
    if method is not None:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    open(path, "wb").write(bytes(data))
    return path


def test_encrypted_member(tmp_path):
    path = _patch_member(craft("keras", tmp_path), "config.json", flag_bits=0x1)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="encrypted")


def test_unknown_compression_method(tmp_path):
    path = _patch_member(craft("keras", tmp_path), "model.weights.h5", method=99)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError,
                   match="compression method 99")


def test_too_many_members(tmp_path):
    m = _keras_members(tmp_path)
    items = list(m.items()) + [(f"junk/{i}", b"") for i in range(1500)]
    path = write_zip(str(tmp_path / "junk.keras"), items)
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="members")


def test_end_record_declaring_a_million_members(tmp_path):
    path = craft("keras", tmp_path)
    data = bytearray(open(path, "rb").read())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 65535, 65535)     # entries on disk / in total
    open(path, "wb").write(bytes(data))
    assert_refused(lambda: api.load_model(path), errors=FileFormatError)


def test_missing_config_member(tmp_path):
    m = _keras_members(tmp_path)
    path = write_zip(str(tmp_path / "m.keras"), [("model.weights.h5", m["model.weights.h5"])])
    assert_refused(lambda: api.load_model(path), errors=FileFormatError, match="missing")


def test_weights_member_not_hdf5(tmp_path):
    m = _keras_members(tmp_path)
    m["model.weights.h5"] = b"not an hdf5 file" * 10
    path = write_zip(str(tmp_path / "m.keras"), list(m.items()))
    target = make_model()
    assert_refused(lambda: target.load_weights(path), target, errors=FileFormatError)


@pytest.mark.parametrize("cut", [10, 100, -30])
def test_truncated_archive(tmp_path, cut):
    path = craft("keras", tmp_path)
    data = open(path, "rb").read()
    open(path, "wb").write(data[:cut])
    assert_refused(lambda: api.load_model(path), errors=FileFormatError)


def test_inspect_refuses_zip_tricks(tmp_path):
    path = _patch_member(craft("keras", tmp_path), "config.json", flag_bits=0x1)
    lines = []
    assert main_inspect(path, print_fn=lines.append) == 1
    assert UNSAFE in "\n".join(lines)


# ------------------------------------------------------------------ not regular files
@pytest.mark.parametrize("entry", ["load_model", "load_weights", "inspect"])
def test_fifo_path_does_not_hang(tmp_path, entry):
    fifo = str(tmp_path / "m.keras")
    os.mkfifo(fifo)
    target = make_model()
    calls = {"load_model": lambda: api.load_model(fifo),
             "load_weights": lambda: target.load_weights(fifo)}
    if entry == "inspect":
        lines = []
        with hang_guard(30):
            assert main_inspect(fifo, print_fn=lines.append) == 1
        assert "FIFO" in lines[0]
        return
    assert_refused(calls[entry], target if entry == "load_weights" else None,
                   errors=FileFormatError, match="FIFO")


def test_device_path_is_refused():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert_refused(lambda: api.load_model("/dev/zero"), errors=FileFormatError, match="device")
    target = make_model()
    assert_refused(lambda: target.load_weights("/dev/zero"), target, errors=FileFormatError)


def test_directory_is_refused(tmp_path):
    assert_refused(lambda: api.load_model(str(tmp_path)), errors=FileFormatError,
                   match="directory")
    target = make_model()
    assert_refused(lambda: target.load_weights(str(tmp_path)), target, errors=OSError)
