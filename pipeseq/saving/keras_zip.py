"""The Keras 3 ``.keras`` zip: ``metadata.json``, ``config.json``, ``model.weights.h5``.

Reading never uses member names as paths on disk (everything is read into
memory by name) and bounds every member's size before decompressing it:
JSON members to 16 MB, the weights to twice the model's parameter bytes plus
64 MB -- a zip bomb is refused before it is inflated.

Example
-------
>>> import os, tempfile
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> m = Sequential([Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
>>> write_keras_zip(m, path)
>>> sorted(read_members(path, weights_bound=lambda cfg: 10**6))[:2]
['config', 'metadata']
"""
import datetime
import io
import json
import os
import tempfile
import zipfile

from . import h5io
from ..layers.serialization import serialize_layer
from .h5io import FileFormatError

JSON_LIMIT = 16 * 1024 * 1024
WEIGHTS_SLACK = 64 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"


def is_zip(path):
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == ZIP_SIGNATURE
    except OSError:
        return False


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
        finally:
            if os.path.exists(wtmp):
                os.remove(wtmp)


def _read_bounded(zf, info, limit, what):
    if info.file_size > limit:
        raise FileFormatError(f"Refusing to read '{info.filename}' from '{zf.filename}': it declares "
                              f"{info.file_size} bytes, more than the {limit} bytes {what} can need "
                              "(possible zip bomb).")
    out = io.BytesIO()
    with zf.open(info) as fh:           # stream with a cap: never trust the declared size alone
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
            if out.tell() > limit:
                raise FileFormatError(f"Refusing to read '{info.filename}' from '{zf.filename}': "
                                      f"it inflates beyond {limit} bytes (possible zip bomb).")
    return out.getvalue()


def read_members(path, weights_bound):
    """``{"config": dict, "metadata": dict, "weights": bytes}`` from a ``.keras`` file.

    ``weights_bound(config) -> int`` gives the largest acceptable size of
    ``model.weights.h5`` (computed from the architecture the config describes).
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such model file: '{path}'.")
    if os.path.getsize(path) == 0:
        raise FileFormatError(f"Cannot read '{path}': the file is empty.")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise FileFormatError(f"Cannot read '{path}' as a .keras archive: {e}. The file is "
                              "damaged, truncated, or not a .keras file.") from None
    try:
        with zf:
            infos = {i.filename: i for i in zf.infolist()}
            for needed in ("config.json", "model.weights.h5"):
                if needed not in infos:
                    raise FileFormatError(f"'{path}' is not a Keras 3 model archive: member "
                                          f"'{needed}' is missing (found {sorted(infos)[:10]}).")
            out = {"metadata": {}}
            if "metadata.json" in infos:
                out["metadata"] = _json(_read_bounded(zf, infos["metadata.json"], JSON_LIMIT,
                                                      "metadata"), path, "metadata.json")
            out["config"] = _json(_read_bounded(zf, infos["config.json"], JSON_LIMIT, "a config"),
                                  path, "config.json")
            bound = int(weights_bound(out["config"]))
            out["weights"] = _read_bounded(zf, infos["model.weights.h5"], bound,
                                           "the weights of this architecture")
            return out
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as e:
        raise FileFormatError(f"Cannot read '{path}': the archive is damaged ({type(e).__name__}: "
                              f"{e}).") from None
    except Exception as e:
        if type(e).__name__ == "error" and "zlib" in type(e).__module__:
            raise FileFormatError(f"Cannot read '{path}': the archive is damaged ({e}).") from None
        raise


def _json(data, path, member):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FileFormatError(f"Cannot read '{member}' in '{path}': not valid JSON ({e}).") from None


def weights_bound_for(model):
    """Twice the model's parameter bytes plus 64 MB."""
    total = sum(v.value.nbytes for v in model.weights) if model.built else 0
    return 2 * total + WEIGHTS_SLACK
