"""The Keras 3 ``.keras`` zip: ``metadata.json``, ``config.json``, ``model.weights.h5`` and
``assets/<layer path>/<file>`` (a lookup layer's ``vocabulary.txt``).

Reading never uses member names as paths on disk (everything is read into memory by
name; a layer's asset files are handed to its ``load_assets`` in a fresh temporary folder,
under their base name only), refuses archives tools could read differently (duplicate
members, encryption, unknown compression, absurd member counts) and bounds
every member's size before decompressing it with fixed limits
(:mod:`pipeseq.limits`): JSON members to 16 MB, the weights to 20x the bytes
stored above 64 MB -- a zip bomb is refused before it is inflated.

Example
-------
>>> import os, tempfile
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> m = Sequential([Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> write_keras_zip(m, path)
>>> sorted(read_members(path))
['assets', 'config', 'metadata', 'weights']
"""
import datetime
import json
import lzma
import os
import tempfile
import zipfile
import zlib

from .. import limits
from ..errors import FileFormatError, short_repr
from ..layers.serialization import serialize_layer
from . import configcheck, h5io

ZIP_SIGNATURE = b"PK\x03\x04"


def is_zip(path):
    """True if ``path`` is a regular file starting with the zip signature."""
    return h5io.signature(path, 4) == ZIP_SIGNATURE


def write_keras_zip(model, path, overwrite=True, include_optimizer=True):
    """Write ``model`` as a ``.keras`` archive (atomically)."""
    from . import weights as wmod
    from .weights import KERAS_VERSION
    config = serialize_layer(model)
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    optimizer = model.optimizer if include_optimizer and getattr(model, "compiled", False) else None
    if not include_optimizer:
        config["compile_config"] = {}
    with h5io.atomic_path(path, overwrite) as tmp:
        fd, wtmp = tempfile.mkstemp(suffix=".weights.h5", dir=os.path.dirname(tmp))
        os.close(fd)
        try:
            import h5py
            with h5py.File(wtmp, "w") as f:
                wmod.write_keras3(model, f, optimizer=optimizer)
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                zf.writestr("metadata.json", json.dumps(metadata))
                zf.writestr("config.json", json.dumps(config))
                zf.write(wtmp, "model.weights.h5")
                for name, data in _asset_members(model):
                    zf.writestr(name, data)
        finally:
            if os.path.exists(wtmp):
                os.remove(wtmp)


def _asset_nodes(model):
    """``(path, layer)`` for each layer with Keras's ``save_assets``/``load_assets``."""
    from .tree import keras3_nodes
    seen = set()
    for node in keras3_nodes(model):
        layer = node.layer
        if layer is not None and id(layer) not in seen and callable(getattr(layer, "save_assets",
                                                                           None)):
            seen.add(id(layer))
            yield node.path, layer


def _asset_members(model):
    """``(zip member name, bytes)`` of every asset file (``assets/<path>/<file>``)."""
    out = []
    for path, layer in _asset_nodes(model):
        with tempfile.TemporaryDirectory() as d:
            layer.save_assets(d)
            for fname in sorted(os.listdir(d)):
                with open(os.path.join(d, fname), "rb") as fh:
                    out.append((f"assets/{path}/{fname}" if path else f"assets/{fname}",
                                fh.read()))
    return out


def load_assets(model, assets):
    """Give each layer with ``load_assets`` the files saved under its path (``assets``:
    member name -> bytes, as :func:`read_members` returns them)."""
    for path, layer in _asset_nodes(model):
        prefix = f"assets/{path}/" if path else "assets/"
        files = {name[len(prefix):]: data for name, data in assets.items()
                 if name.startswith(prefix) and "/" not in name[len(prefix):]}
        if not files or not callable(getattr(layer, "load_assets", None)):
            continue
        with tempfile.TemporaryDirectory() as d:
            for fname, data in files.items():
                if fname in ("", ".", ".."):
                    continue
                with open(os.path.join(d, fname), "wb") as fh:
                    fh.write(data)
            layer.load_assets(d)


_COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                 zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}


def _read_bounded(zf, info, limit, what):
    if info.file_size > limit:
        raise FileFormatError(f"Refusing to read '{info.filename}' from '{zf.filename}': it declares "
                              f"{limits.human(info.file_size)}, more than the "
                              f"{limits.human(limit)} {what} may take (possible zip bomb).")
    if info.file_size > limits.ZIP_EXPANSION_FLOOR and \
            info.file_size > limits.MAX_ZIP_EXPANSION * info.compress_size:
        raise FileFormatError(f"Refusing to read '{info.filename}' from '{zf.filename}': it "
                              f"declares {limits.human(info.file_size)} but stores only "
                              f"{limits.human(info.compress_size)} (more than "
                              f"{limits.MAX_ZIP_EXPANSION}x expansion: a zip bomb).")
    with zf.open(info) as fh:   # zipfile stops at the declared size and checks the CRC
        return fh.read(info.file_size + 1)


def _normal(name):
    return name.replace("\\", "/").lstrip("./") if isinstance(name, str) else name


def _entry_count(path):
    """Members the archive's end record declares, read before zipfile parses them all."""
    try:
        with open(path, "rb") as fh:
            end = zipfile._EndRecData(fh)
        return None if not end else int(end[zipfile._ECD_ENTRIES_TOTAL])
    except (AttributeError, IndexError, OSError, ValueError, TypeError):   # pragma: no cover
        return None


def check_members(zf, path):
    """Refuse archives a scanner could read differently from pipeseq: duplicate (or
    duplicate-after-normalising) member names, encrypted members, compression zipfile cannot
    read, more than ``limits.MAX_ZIP_MEMBERS`` members. Returns ``{name: ZipInfo}``."""
    infos = zf.infolist()
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise FileFormatError(f"Refusing '{path}': the archive has {len(infos):,} members (a "
                              f".keras file has a handful; the limit is {limits.MAX_ZIP_MEMBERS}).")
    out, normal = {}, {}
    for info in infos:
        name = info.filename
        key = _normal(name)
        if name in out or key in normal:
            raise FileFormatError(f"Refusing '{path}': the archive holds member "
                                  f"{short_repr(name)} twice (as {short_repr(normal.get(key, name))}"
                                  f" and {short_repr(name)}); tools disagree on which copy counts.")
        if info.flag_bits & 0x1:
            raise FileFormatError(f"Refusing '{path}': member {short_repr(name)} is encrypted.")
        if info.compress_type not in _COMPRESSIONS:
            raise FileFormatError(f"Refusing '{path}': member {short_repr(name)} uses compression "
                                  f"method {info.compress_type}; only "
                                  f"{', '.join(_COMPRESSIONS.values())} are read.")
        out[name], normal[key] = info, name
    return out


def read_members(path):
    """``{"config": dict, "metadata": dict, "weights": bytes}`` from a ``.keras`` file.

    Every size is bounded by the fixed limits in :mod:`pipeseq.limits` and the bytes
    the archive actually stores -- never by anything the archive's config says.
    """
    path = os.fspath(path)
    if h5io.check_regular_file(path, "model file") == 0:
        raise FileFormatError(f"Cannot read '{path}': the file is empty.")
    count = _entry_count(path)
    if count is not None and count > limits.MAX_ZIP_MEMBERS:
        raise FileFormatError(f"Refusing '{path}': the archive declares {count:,} members (a "
                              f".keras file has a handful; the limit is {limits.MAX_ZIP_MEMBERS}).")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, OverflowError) as e:
        raise FileFormatError(f"Cannot read '{path}' as a .keras archive: {e}. The file is "
                              "damaged, truncated, or not a .keras file.") from None
    try:
        with zf:
            infos = check_members(zf, path)
            for needed in ("config.json", "model.weights.h5"):
                if needed not in infos:
                    raise FileFormatError(f"'{path}' is not a Keras 3 model archive: member "
                                          f"'{needed}' is missing (found "
                                          f"{short_repr(sorted(infos)[:10], 300)}).")
            out = {"metadata": {}}
            if "metadata.json" in infos:
                out["metadata"] = configcheck.parse_json(
                    _read_bounded(zf, infos["metadata.json"], limits.MAX_CONFIG_BYTES, "metadata"),
                    f"'metadata.json' in '{path}'")
            out["config"] = configcheck.parse_json(
                _read_bounded(zf, infos["config.json"], limits.MAX_CONFIG_BYTES, "a config"),
                f"'config.json' in '{path}'")
            out["weights"] = _read_bounded(zf, infos["model.weights.h5"],
                                           limits.MAX_WEIGHTS_BYTES, "the weights")
            out["assets"], total = {}, 0
            for name, info in infos.items():
                if name.startswith("assets/") and not name.endswith("/"):
                    data = _read_bounded(zf, info, limits.MAX_WEIGHTS_BYTES - total, "assets")
                    total += len(data)
                    out["assets"][name] = data
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError,
            RuntimeError, OverflowError, zlib.error, lzma.LZMAError) as e:
        raise FileFormatError(f"Cannot read '{path}': the archive is damaged ({type(e).__name__}: "
                              f"{short_repr(str(e), 200)}).") from None
