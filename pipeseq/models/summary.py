"""``model.summary()``: the Keras 3 layer table, drawn with tabulate.

Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 4)              │            16 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 16 (64.00 B)
"""
from ..layers.base import format_shape

_WIDTHS = (31, 22, 13)   # text widths of Keras 3's default 88-column table
_GRAPH_WIDTHS = (30, 26, 17, 26)   # with the "Connected to" column (108 columns)


def readable_size(nbytes):
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes < 1024 or unit == "TB":
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024.0


def _table_format():
    """Keras 3's box style, registered with tabulate by name so cells may span lines."""
    import tabulate as tab
    if "pipeseq_keras" not in tab._table_formats:
        tab._table_formats["pipeseq_keras"] = _make_format()
        tab.multiline_formats["pipeseq_keras"] = "pipeseq_keras"
    return "pipeseq_keras"


def _make_format():
    from tabulate import DataRow, Line, TableFormat
    return TableFormat(
        lineabove=Line("┏━", "━", "━┳━", "━┓"), linebelowheader=Line("┡━", "━", "━╇━", "━┩"),
        linebetweenrows=Line("├─", "─", "─┼─", "─┤"), linebelow=Line("└─", "─", "─┴─", "─┘"),
        headerrow=DataRow("┃ ", " ┃ ", " ┃"), datarow=DataRow("│ ", " │ ", " │"),
        padding=0, with_header_hide=None)


def _layer_rows(model):
    """(label, output shape text, params text, trainable flag) for each layer."""
    rows = []
    shapes = model._layer_output_shapes()
    for layer, shape in zip(model.layers, shapes):
        label = f"{layer.name} ({type(layer).__name__})"
        if layer.built:
            params = f"{layer.count_params():,}"
        else:
            params = "0 (unbuilt)"
        has_weights = layer.built and bool(layer.weights)
        if not has_weights:
            flag = "-"
        else:
            flag = "Y" if layer.trainable and all(
                id(v) in {id(t) for t in layer.trainable_weights} for v in layer.gradient_variables) else "N"
        rows.append((label, format_shape(shape), params, flag))
    return rows


def _connections(model):
    """For a functional model: each layer's inputs as Keras prints them, e.g. ``dense[0][0]``."""
    if not hasattr(model, "_nodes") or not hasattr(model, "_node_keys"):
        return None
    keys = model._node_keys()
    out = []
    for layer in model.layers:
        cells = []
        for node in (n for n in model._nodes if n.layer is layer):
            tensors = node.inputs if isinstance(node.inputs, list) else [node.inputs]
            for t in tensors:
                name, k = keys[id(t.node)]
                cells.append(f"{name}[{k}][{t.index}]")
        out.append(",\n".join(cells) if cells else "-")
    return out


def _count(weights):
    return sum(int(v.value.size) for v in weights), sum(int(v.value.nbytes) for v in weights)


def format_summary(model, line_length=None, show_trainable=None, expand_nested=False):
    from tabulate import tabulate
    rows = _layer_rows(model)
    built = model.built or all(l.built for l in model.layers) and bool(model.layers)
    weights = [v for l in model.layers if l.built for v in l.weights]
    trainable_ids = {id(v) for l in model.layers if l.built for v in l.trainable_weights} \
        if model.trainable else set()
    if show_trainable is None:
        show_trainable = built and any(id(v) not in trainable_ids for l in model.layers if l.built
                                       for v in l.gradient_variables)
    connections = _connections(model)
    widths = list(_WIDTHS if connections is None else _GRAPH_WIDTHS) + ([9] if show_trainable else [])
    if line_length:
        scale = line_length / 88.0
        widths = [max(8, int(w * scale)) for w in widths]
    headers = ["Layer (type)", "Output Shape", "Param #"] + \
        (["Connected to"] if connections is not None else []) + (["Trainable"] if show_trainable else [])
    body = []
    for i, (label, shape, params, flag) in enumerate(rows):
        row = [label, shape, params] + ([connections[i]] if connections is not None else []) + \
            ([flag] if show_trainable else [])
        body.append(row)
    # Pad the first row so columns keep Keras's widths even for short content.
    headers = [h.ljust(w) if i != 2 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths))]
    colalign = ["left", "left", "right"] + (["left"] if connections is not None else []) + \
        (["center"] if show_trainable else [])
    import tabulate as _tab
    saved, _tab.MIN_PADDING = _tab.MIN_PADDING, 0
    try:
        table = tabulate(body, headers=headers, tablefmt=_table_format(), colalign=colalign,
                         disable_numparse=True) if body else _empty_table(headers)
    finally:
        _tab.MIN_PADDING = saved
    total, total_bytes = _count(weights)
    tr = [v for v in weights if id(v) in trainable_ids]
    trn, trb = _count(tr)
    lines = [f'Model: "{model.name}"', table,
             f" Total params: {total:,} ({readable_size(total_bytes)})",
             f" Trainable params: {trn:,} ({readable_size(trb)})",
             f" Non-trainable params: {total - trn:,} ({readable_size(total_bytes - trb)})"]
    return "\n".join(lines)


def _empty_table(headers):
    from tabulate import tabulate
    return tabulate([], headers=headers, tablefmt=_table_format())
