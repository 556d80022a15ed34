"""Weight layouts: Keras 3 (``layers/<key>/vars/<i>``) and legacy Keras 2 (``layer_names``).

Readers never touch the model: they return a list of ``(Variable, new_array)``
pairs, checked for shape and dtype, which :func:`assign_all` applies in one go
once every read has succeeded -- a failed load leaves the weights unchanged.

Example
-------
>>> import os, tempfile
>>> from pipeseq import Sequential
>>> from pipeseq.layers import Dense
>>> from pipeseq.saving import h5io
>>> m = Sequential([Dense(2, input_shape=(3,))])
>>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
>>> with h5io.atomic_h5(path) as f:
...     write_keras3(m, f)
>>> with h5io.open_h5(path) as f:
...     len(read_keras3(m, f))
2
"""
import warnings

import numpy as np

from . import h5io
from .h5io import WeightMismatchError, get_attr
from .tree import keras3_nodes, legacy_layers

KERAS_VERSION = "3.15.1"   # the Keras file-format version pipeseq writes
BACKEND = "tensorflow"


def detect_layout(f):
    """``"keras3"``, ``"legacy"`` (weights at the root) or ``"legacy_model"`` (``model_weights``)."""
    if "layer_names" in f.attrs or "layer_names0" in f.attrs:
        return "legacy"
    if "model_weights" in f:
        return "legacy_model"
    if "layers" in f or "vars" in f:
        return "keras3"
    raise h5io.FileFormatError(
        f"'{f.filename}' is an HDF5 file but not a Keras weights file: it has neither the Keras 3 "
        "layout (a 'layers' group) nor the Keras 2 layout (a 'layer_names' attribute). "
        f"Top-level members: {sorted(f.keys())[:10]}")


def assign_all(pending):
    """Apply ``[(Variable, array)]``: every array was checked already, so this cannot fail."""
    for var, arr in pending:
        var.value = np.array(arr, dtype=var.value.dtype, copy=True)


def _where(layer_name, cls=None):
    return f"Layer '{layer_name}'" + (f" ({cls})" if cls else "")


# ------------------------------------------------------------------ Keras 3
def write_keras3(model, f, optimizer=None):
    """Write the Keras 3 layout of ``model`` (and ``optimizer`` state) into the open file ``f``."""
    f.create_group("layers")
    for node in keras3_nodes(model):
        g = f.create_group(f"{node.path}/vars" if node.path else "vars")
        g.attrs["name"] = node.name
        for i, v in enumerate(node.variables):
            h5io.write_array(g, str(i), v.value)
    if optimizer is not None:
        values = optimizer_state(model, optimizer)
        if values is not None:
            g = f.create_group("optimizer/vars")
            g.attrs["name"] = optimizer.name
            for i, a in enumerate(values):
                h5io.write_array(g, str(i), a)


def _vars_group(f, path):
    key = f"{path}/vars" if path else "vars"
    return f[key] if key in f else None


def read_keras3(model, f, skip_mismatch=False, by_name=False):
    """Checked ``[(Variable, array)]`` for the Keras 3 layout in ``f``."""
    nodes = keras3_nodes(model)
    remap = _by_name_map(model, f) if by_name else {}
    pending, used = [], set()
    for node in nodes:
        if not node.variables:
            continue
        path = node.path
        if by_name:
            top = "/".join(path.split("/")[:2])
            if top not in remap:
                continue                      # by_name: layers missing from the file are kept
            path = remap[top] + path[len(top):]
        owner = node.layer.name if node.layer is not None else node.name
        where = f"Layer '{owner}' (weights at '{path}/vars')"
        g = _vars_group(f, path)
        try:
            if g is None:
                raise WeightMismatchError(
                    f"{where}: the file has no weights for it, but the model's layer has "
                    f"{len(node.variables)} ({', '.join(v.name for v in node.variables)}). "
                    "The file was saved from a different architecture.")
            keys = [k for k in g.keys()]
            if len(keys) != len(node.variables):
                raise WeightMismatchError(
                    f"{where}: expected {len(node.variables)} variable(s) "
                    f"({', '.join(f'{v.name} {v.shape}' for v in node.variables)}), but the file "
                    f"has {len(keys)}.")
            out = []
            for i, v in enumerate(node.variables):
                if str(i) not in g:
                    raise WeightMismatchError(f"{where}: variable #{i} ('{v.name}') is missing "
                                              f"from the file (found {sorted(keys)}).")
                out.append((v, h5io.read_checked(g[str(i)], v.shape, v.dtype, where, v.name)))
        except WeightMismatchError as e:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {e}", stacklevel=3)
                used.add(path)
                continue
            raise
        used.add(path)
        pending.extend(out)
    if not by_name and not skip_mismatch:
        extra = [p for p in _keras3_weight_paths(f) if p not in used]
        if extra:
            raise WeightMismatchError(
                f"The file has weights for {len(extra)} layer(s) that the model does not have "
                f"(at {', '.join(repr(p) for p in extra[:5])}). The file was saved from a "
                "different architecture; pass skip_mismatch=True to load the matching layers only.")
    return pending


def _keras3_weight_paths(f):
    """Paths (without ``/vars``) of every non-empty ``vars`` group outside ``optimizer``."""
    h5py = h5io._h5py()
    out = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and name.split("/")[-1] == "vars" and len(obj) and \
                not name.startswith("optimizer"):
            out.append(name[:-len("/vars")] if "/" in name else "")
    f.visititems(visit)
    return out


def _by_name_map(model, f):
    """Model top-level keys (``layers/dense``) -> file keys whose ``vars@name`` matches."""
    file_names = {}
    if "layers" in f:
        for key in f["layers"]:
            g = f[f"layers/{key}"]
            name = get_attr(g["vars"], "name") if "vars" in g else None
            if name is not None:
                file_names[name] = f"layers/{key}"
    out = {}
    for node in keras3_nodes(model):
        if node.layer is not None and node.path.count("/") == 1 and node.layer.name in file_names:
            out[node.path] = file_names[node.layer.name]
    return out


# ------------------------------------------------------------------ optimizer
def optimizer_state(model, optimizer):
    """Keras 3 order: iteration, learning_rate (unless a schedule), EMA averages, gradient
    accumulators, then each trainable variable's slots."""
    if optimizer is None:
        return None
    return optimizer.state_values(model.trainable_weights)


def read_optimizer_keras3(model, optimizer, f):
    """Restore optimizer state from ``optimizer/vars`` when it fits; else warn and skip."""
    if optimizer is None or "optimizer/vars" not in f:
        return None
    g = f["optimizer/vars"]
    train = model.trainable_weights
    layout = optimizer.state_layout(train)
    head = 2 if optimizer.has_learning_rate_variable else 1
    expected = head + len(layout)
    if len(g) != expected:
        warnings.warn(f"Skipping optimizer state: the file has {len(g)} optimizer variables, "
                      f"the model's {type(optimizer).__name__} needs {expected}.", stacklevel=3)
        return None
    try:
        it = h5io.read_checked(g["0"], (), "int64", "Optimizer", "iteration")
        arrays = [h5io.read_checked(g[str(head + i)], shape,
                                    "float32" if v is None else v.dtype, "Optimizer",
                                    group if v is None else f"{v.path}_{group}")
                  for i, (v, group, shape) in enumerate(layout)]
    except (WeightMismatchError, KeyError) as e:
        warnings.warn(f"Skipping optimizer state: {e}", stacklevel=3)
        return None

    def apply():
        optimizer.set_state_values(train, int(it), arrays)
    return apply


# ------------------------------------------------------------------ legacy Keras 2
def write_legacy(model, g):
    """Write the Keras 2 layout (``layer_names``, ``weight_names``) into group ``g``."""
    layers = legacy_layers(model)
    g.attrs["backend"] = BACKEND
    g.attrs["keras_version"] = KERAS_VERSION
    g.attrs["layer_names"] = h5io.str_list([name for name, _ in layers])
    for name, pairs in layers:
        lg = g.create_group(name)
        lg.attrs["weight_names"] = h5io.str_list([n for n, _ in pairs])
        for n, v in pairs:
            h5io.write_array(lg, n, v.value)
    tg = g.create_group("top_level_model_weights")
    tg.attrs["weight_names"] = h5io.str_list([])


def _legacy_file_layers(g):
    if "layer_names" not in g.attrs and "layer_names0" not in g.attrs:
        raise h5io.FileFormatError(f"'{g.file.filename}': missing the 'layer_names' attribute.")
    names = h5io.get_list_attr(g, "layer_names")
    out = []
    for name in names:
        if name not in g:
            raise h5io.FileFormatError(f"'{g.file.filename}': layer '{name}' is listed in "
                                       "layer_names but has no group.")
        out.append((name, h5io.get_list_attr(g[name], "weight_names")))
    return out


def _read_legacy_layer(g, fname, wnames, layer, skip_mismatch):
    params = layer.weights
    where = f"Layer '{layer.name}' ({type(layer).__name__})"
    if len(params) != len(wnames):
        raise WeightMismatchError(
            f"{where}: weight count mismatch: the model's layer has {len(params)} weight(s) "
            f"({', '.join(f'{v.name} {v.shape}' for v in params) or 'none'}), the file's layer "
            f"'{fname}' has {len(wnames)} ({', '.join(wnames) or 'none'}).")
    out = []
    for v, wn in zip(params, wnames):
        if wn not in g[fname]:
            raise h5io.FileFormatError(f"'{g.file.filename}': weight '{wn}' of layer '{fname}' "
                                       "is listed in weight_names but missing.")
        out.append((v, h5io.read_checked(g[fname][wn], v.shape, v.dtype, where, v.name)))
    return out


def read_legacy(model, g, by_name=False, skip_mismatch=False):
    """Checked ``[(Variable, array)]`` for the Keras 2 layout in group ``g`` (Keras semantics)."""
    file_layers = _legacy_file_layers(g)
    pending = []
    if by_name:
        index = {}
        for layer in model.layers:
            index.setdefault(layer.name, []).append(layer)
        for fname, wnames in file_layers:
            for layer in index.get(fname, []):
                try:
                    pending.extend(_read_legacy_layer(g, fname, wnames, layer, skip_mismatch))
                except WeightMismatchError as e:
                    if not skip_mismatch:
                        raise
                    warnings.warn(f"Skipping loading weights: {e}", stacklevel=3)
        return pending
    if skip_mismatch:
        raise ValueError("load_weights(): skip_mismatch=True needs by_name=True for a Keras 2 "
                         ".h5 weights file (layers are otherwise matched by position).")
    with_weights = [(n, w) for n, w in file_layers if w]
    model_layers = [l for l in model.layers if l.weights]
    if len(with_weights) != len(model_layers):
        raise WeightMismatchError(
            f"Layer count mismatch when loading weights from '{g.file.filename}': the model has "
            f"{len(model_layers)} layer(s) with weights ({', '.join(l.name for l in model_layers)}), "
            f"the file has {len(with_weights)} ({', '.join(n for n, _ in with_weights)}).")
    for (fname, wnames), layer in zip(with_weights, model_layers):
        pending.extend(_read_legacy_layer(g, fname, wnames, layer, False))
    return pending
