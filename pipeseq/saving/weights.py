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

from . import cudnn, h5io, h5safe
from ..errors import FileFormatError, WeightMismatchError, short_repr
from .tree import keras3_nodes, legacy_layers

KERAS_VERSION = "3.15.1"   # the Keras file-format version pipeseq writes
BACKEND = "tensorflow"


def detect_layout(f):
    """``"keras3"``, ``"legacy"`` (weights at the root) or ``"legacy_model"`` (``model_weights``)."""
    if "layer_names" in f.attrs or "layer_names0" in f.attrs:
        return "legacy"
    if h5safe.has(f, "model_weights"):
        return "legacy_model"
    if h5safe.has(f, "layers") or h5safe.has(f, "vars"):
        return "keras3"
    raise FileFormatError(
        f"'{f.filename}' is an HDF5 file but not a Keras weights file: it has neither the Keras 3 "
        "layout (a 'layers' group) nor the Keras 2 layout (a 'layer_names' attribute). "
        f"Top-level members: {short_repr(sorted(h5safe.members(f))[:10], 300)}")


def check_file(f, label, skip=()):
    """Scan the whole file safely (see :func:`h5safe.scan`); refuse it if anything is unsafe.
    Returns the scan (its ``credit`` is the weight bytes the file can fill)."""
    result = h5safe.scan(f, skip)
    if result.problems:
        more = len(result.problems) - 3
        raise FileFormatError(f"Not allowed: {label} holds "
                              + "; ".join(result.problems[:3])
                              + (f" (and {more} more problem(s))" if more > 0 else "")
                              + ". Refusing to read it (pipeseq, like Keras 3, reads only "
                              "plain datasets inside the file).")
    return result


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
    return h5safe.get(f, f"{path}/vars" if path else "vars", "group")


def read_keras3(model, f, skip_mismatch=False, by_name=False, scan=None):
    """Checked ``[(Variable, array)]`` for the Keras 3 layout in ``f`` (``scan``: the result
    of :func:`check_file` on ``f``, if already done)."""
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
            keys = h5safe.members(g)
            if len(keys) != len(node.variables):
                raise WeightMismatchError(
                    f"{where}: expected {len(node.variables)} variable(s) "
                    f"({', '.join(f'{v.name} {v.shape}' for v in node.variables)}), but the file "
                    f"has {len(keys)}.")
            out = []
            for i, v in enumerate(node.variables):
                ds = h5safe.get(g, str(i))
                if ds is None:
                    raise WeightMismatchError(f"{where}: variable #{i} ('{v.name}') is missing "
                                              f"from the file (found {short_repr(sorted(keys))}).")
                out.append((v, h5io.read_checked(ds, v.shape, v.dtype, where, v.name)))
        except WeightMismatchError as e:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {e}", stacklevel=3)
                used.add(path)
                continue
            raise
        used.add(path)
        pending.extend(out)
    if not by_name and not skip_mismatch:
        extra = [p for p in _keras3_weight_paths(f, scan) if p not in used]
        if extra:
            raise WeightMismatchError(
                f"The file has weights for {len(extra)} layer(s) that the model does not have "
                f"(at {', '.join(repr(p) for p in extra[:5])}). The file was saved from a "
                "different architecture; pass skip_mismatch=True to load the matching layers only.")
    return pending


def _keras3_weight_paths(f, scan=None):
    """Paths (without ``/vars``) of every ``vars`` group holding datasets, outside ``optimizer``."""
    out = set()
    for path, _ in (scan or h5safe.scan(f)).datasets:
        if path.startswith("optimizer/"):
            continue
        group = path.rsplit("/", 1)[0] if "/" in path else ""
        if group == "vars" or group.endswith("/vars"):
            out.add(group[:-len("/vars")] if "/" in group else "")
    return sorted(out)


def _by_name_map(model, f):
    """Model top-level keys (``layers/dense``) -> file keys whose ``vars@name`` matches."""
    file_names = {}
    layers = h5safe.get(f, "layers", "group")
    if layers is not None:
        for key in h5safe.members(layers):
            g = h5safe.get(layers, key, "group")
            vars_group = h5safe.get(g, "vars", "group")
            name = h5safe.attr(vars_group, "name") if vars_group is not None else None
            if isinstance(name, str):
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
    g = h5safe.get(f, "optimizer/vars", "group") if optimizer is not None else None
    if g is None:
        return None
    train = model.trainable_weights
    layout = optimizer.state_layout(train)
    head = 2 if optimizer.has_learning_rate_variable else 1
    expected = head + len(layout)
    n_file = len(h5safe.members(g))
    if n_file != expected:
        warnings.warn(f"Skipping optimizer state: the file has {n_file} optimizer variables, "
                      f"the model's {type(optimizer).__name__} needs {expected}.", stacklevel=3)
        return None
    try:
        def dataset(i):
            ds = h5safe.get(g, str(i))
            if ds is None:
                raise WeightMismatchError(f"optimizer variable #{i} is missing")
            return ds
        it = h5io.read_checked(dataset(0), (), "int64", "Optimizer", "iteration")
        arrays = [h5io.read_checked(dataset(head + i), shape,
                                    "float32" if v is None else v.dtype, "Optimizer",
                                    group if v is None else f"{v.path}_{group}")
                  for i, (v, group, shape) in enumerate(layout)]
    except WeightMismatchError as e:
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
        raise FileFormatError(f"'{g.file.filename}': missing the 'layer_names' attribute.")
    out = []
    for name in h5safe.names_attr(g, "layer_names", paths=True):   # Keras 2 allowed "a/b"
        lg = h5safe.get(g, name, "group")
        if lg is None:
            raise FileFormatError(f"'{g.file.filename}': layer {short_repr(name)} is listed in "
                                  "layer_names but has no group.")
        out.append((name, h5safe.names_attr(lg, "weight_names", paths=True)))
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
    lg = h5safe.get(g, fname, "group")
    datasets = []
    for wn in wnames:
        ds = h5safe.get(lg, wn)
        if ds is None:
            raise FileFormatError(f"'{g.file.filename}': weight {short_repr(wn)} of layer "
                                  f"{short_repr(fname)} is listed in weight_names but missing.")
        datasets.append(ds)
    if cudnn.is_cudnn(layer, [getattr(ds, "shape", None) for ds in datasets]):
        # CuDNNLSTM / CuDNNGRU weights (tf.keras): converted into the layer's layout
        raw = [h5io.read_checked(ds, tuple(ds.shape), v.dtype, where, v.name)
               for v, ds in zip(params, datasets)]
        return list(zip(params, (a.astype(v.dtype) for a, v in
                                 zip(cudnn.from_cudnn(type(layer).__name__, raw), params))))
    for v, ds in zip(params, datasets):
        out.append((v, h5io.read_checked(ds, v.shape, v.dtype, where, v.name)))
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
