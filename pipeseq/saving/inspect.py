"""``pipeseq inspect FILE``: describe a Keras/pipeseq file without the model's code.

* ``.keras`` archives and full-model ``.h5`` files: the model summary (built
  from the file's config, never executing code from it) plus version info.
* weights files (Keras 3 ``.weights.h5`` or Keras 2 ``.h5``): a table of
  layer, weight, shape, dtype read straight from the HDF5 structure.

Example
-------
>>> import os, tempfile
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> p = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
>>> Sequential([Dense(2, input_shape=(3,), name="d")]).save_weights(p)
>>> main_inspect(p, print_fn=lambda s: None)
0
"""
import os

from . import h5io, keras_zip
from .h5io import FileFormatError, get_attr


def weight_table(path):
    """``(layout, [(layer, weight, shape, dtype)])`` of a weights (or full-model ``.h5``) file."""
    from .weights import detect_layout
    import h5py
    rows = []
    with h5io.open_h5(path) as f:
        layout = detect_layout(f)
        if layout == "keras3":
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and "/vars/" in "/" + name:
                    group = name.rsplit("/", 1)[0]
                    owner = get_attr(f[group], "name", group)
                    where = group[:-len("/vars")] if group.endswith("/vars") else group
                    rows.append((f"{owner} ({where or '/'})", f"#{name.rsplit('/', 1)[1]}",
                                 tuple(obj.shape), str(obj.dtype)))
            f.visititems(visit)
        else:
            g = f["model_weights"] if layout == "legacy_model" else f
            from .weights import _legacy_file_layers
            for lname, wnames in _legacy_file_layers(g):
                for w in wnames:
                    d = g[lname][w]
                    rows.append((lname, w, tuple(d.shape), str(d.dtype)))
    return layout, rows


def _print_table(rows, headers, print_fn):
    try:
        from tabulate import tabulate
        text = tabulate(rows, headers=headers)
    except ImportError:   # pragma: no cover
        text = "\n".join("  ".join(str(c) for c in r) for r in [headers] + list(rows))
    for line in text.split("\n"):
        print_fn(line)


def main_inspect(path, print_fn=print):
    """Print what ``path`` holds; return 0 on success, 1 (with a message) on error."""
    try:
        return _inspect(os.fspath(path), print_fn)
    except (FileFormatError, FileNotFoundError, ValueError) as e:
        print_fn(f"error: {e}")
        return 1


def _inspect(path, print_fn):
    from .api import load_model
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: '{path}'.")
    if keras_zip.is_zip(path):
        import zipfile
        import json
        with zipfile.ZipFile(path) as zf:
            meta = {}
            if "metadata.json" in zf.namelist():
                info = zf.getinfo("metadata.json")
                if info.file_size < keras_zip.JSON_LIMIT:
                    meta = json.loads(zf.read(info))
        print_fn(f"{path}: Keras 3 model archive (.keras), keras_version "
                 f"{meta.get('keras_version', '?')}, saved {meta.get('date_saved', '?')}")
        model = load_model(path, compile=False)
        model.summary(print_fn=print_fn)
        return 0
    if not h5io.is_hdf5(path):
        raise FileFormatError(f"'{path}' is neither a .keras archive nor an HDF5 file.")
    with h5io.open_h5(path) as f:
        has_model = "model_config" in f.attrs
        version = get_attr(f, "keras_version")
        if version is None and "model_weights" in f:
            version = get_attr(f["model_weights"], "keras_version")
    if has_model:
        print_fn(f"{path}: legacy full-model HDF5, keras_version {version or '?'}")
        model = load_model(path, compile=False)
        model.summary(print_fn=print_fn)
        return 0
    layout, rows = weight_table(path)
    kind = "Keras 3 weights (layers/<key>/vars)" if layout == "keras3" else \
        f"Keras 2 weights (layer_names), keras_version {version or '?'}"
    print_fn(f"{path}: {kind}")
    _print_table([(l, w, str(s), d) for l, w, s, d in rows], ["layer", "weight", "shape", "dtype"],
                 print_fn)
    n = 0
    for _, _, s, _ in rows:
        size = 1
        for d in s:
            size *= d
        n += size
    print_fn(f"{len(rows)} arrays, {n:,} values")
    return 0
