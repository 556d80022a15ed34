"""``pipeseq inspect FILE``: describe a Keras/pipeseq file without the model's code.

* ``.keras`` archives and full-model ``.h5`` files: the model summary (built
  from the file's config, never executing code from it) plus version info.
* weights files (Keras 3 ``.weights.h5`` or Keras 2 ``.h5``): a table of
  layer, weight, shape, dtype read straight from the HDF5 structure.

Every file goes through the same checks as loading it: anything pipeseq would
refuse (HDF5 links, external storage, virtual datasets, unknown filters, zip
tricks, configs beyond the limits...) is printed as an error together with
"NOT SAFE", and the exit status is 1 -- never a clean listing.

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

from ..errors import FILE_ERRORS, FileFormatError, short_repr
from . import h5io, h5safe, keras_zip

UNSAFE = "NOT SAFE: pipeseq refuses to load this file"


def weight_table(path):
    """``(layout, [(layer, weight, shape, dtype)])`` of a weights (or full-model ``.h5``) file.
    Raises :class:`FileFormatError` listing what is unsafe in the file, if anything."""
    from .weights import _legacy_file_layers, check_file, detect_layout
    rows = []
    with h5io.open_h5(path) as f:
        scan = check_file(f, f"'{path}'")
        layout = detect_layout(f)
        if layout == "keras3":
            for name, ds in scan.datasets:
                if "/vars/" not in "/" + name:
                    continue
                group = name.rsplit("/", 1)[0]
                owner = h5safe.attr(h5safe.get(f, group, "group"), "name", group)
                where = group[:-len("/vars")] if group.endswith("/vars") else group
                rows.append((f"{short_repr(owner, 60)[1:-1]} ({where or '/'})",
                             f"#{name.rsplit('/', 1)[1]}", tuple(ds.shape), str(ds.dtype)))
        else:
            g = h5safe.get(f, "model_weights", "group") if layout == "legacy_model" else f
            for lname, wnames in _legacy_file_layers(g):
                lg = h5safe.get(g, lname, "group")
                for w in wnames:
                    d = h5safe.get(lg, w, "dataset")
                    if d is None:
                        raise FileFormatError(f"'{path}': weight {short_repr(w)} of layer "
                                              f"{short_repr(lname)} is listed but missing.")
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
    """Print what ``path`` holds; return 0 when it is a clean, loadable file, else 1 after
    printing ``error: ...`` (and, for unsafe content, that pipeseq refuses the file)."""
    try:
        code = _inspect(os.fspath(path), print_fn)
    except FILE_ERRORS as e:
        print_fn(f"error: {e}")
        if "Not allowed" in str(e) or "Refusing" in str(e) or type(e).__name__ in (
                "UnsafeConfigError",):
            print_fn(UNSAFE)
        return 1
    print_fn("checks passed: no links, external storage, virtual datasets, unknown filters "
             "or sizes beyond pipeseq's limits")
    return code


def _inspect(path, print_fn):
    from .api import load_model
    h5io.check_regular_file(path)
    if keras_zip.is_zip(path):
        meta = keras_zip.read_members(path)["metadata"]
        meta = meta if isinstance(meta, dict) else {}
        print_fn(f"{path}: Keras 3 model archive (.keras), keras_version "
                 f"{short_repr(meta.get('keras_version', '?'), 40)}, saved "
                 f"{short_repr(meta.get('date_saved', '?'), 40)}")
        model = load_model(path, compile=False)
        model.summary(print_fn=print_fn)
        return 0
    if not h5io.is_hdf5(path):
        raise FileFormatError(f"'{path}' is neither a .keras archive nor an HDF5 file.")
    with h5io.open_h5(path) as f:
        has_model = "model_config" in f.attrs
        version = h5io.get_attr(f, "keras_version")
        if version is None and h5safe.has(f, "model_weights"):
            mw = h5safe.get(f, "model_weights")
            version = h5io.get_attr(mw, "keras_version") if hasattr(mw, "attrs") else None
    version = short_repr(version, 40)[1:-1] if isinstance(version, str) else version
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
