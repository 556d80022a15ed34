"""``model_to_dot`` / ``plot_model``: a model's layer graph drawn as Keras 3 draws it
(black title cell per layer, shape / dtype / trainable cells), through pydot and Graphviz.

Needs the ``pydot`` package and Graphviz's ``dot`` program (``pip install
pipeseq[plot]``; Graphviz from your system's packages: ``apt-get install graphviz``,
``brew install graphviz``, ``conda install graphviz``). Without them ``plot_model``
raises an ``ImportError`` that says which one is missing.

Example
-------
>>> from pipeseq.models import Sequential
>>> from pipeseq.layers import Dense
>>> model = Sequential([Dense(4, input_shape=(3,), name="hidden"), Dense(1, name="out")])
>>> dot = model_to_dot(model, show_shapes=True)               # doctest: +SKIP
>>> plot_model(model, "model.png", show_shapes=True)          # doctest: +SKIP
"""
import os

_GRAPHVIZ_HINT = ("Install Graphviz (the `dot` program) from your system's packages: "
                  "`apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
                  "`conda install graphviz`, or https://graphviz.org/download/.")


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError("plot_model / model_to_dot need the `pydot` package: "
                          "`pip install pydot` (or `pip install pipeseq[plot]`). "
                          + _GRAPHVIZ_HINT) from None
    return pydot


def check_graphviz():
    """Raise an ``ImportError`` naming what is missing when pydot or Graphviz is absent."""
    pydot = _pydot()
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, FileNotFoundError, AssertionError, Exception) as e:
        raise ImportError("plot_model needs Graphviz's `dot` program, which was not found "
                          f"({type(e).__name__}: {e}). " + _GRAPHVIZ_HINT) from None
    return pydot


def _fmt(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_fmt(s) for s in shape)
    return str(tuple(shape))


def _layer_graph(model):
    """``[(layer, input shape, output shape)]`` and ``[(src layer, dst layer)]`` edges."""
    layers = list(model.layers)
    shapes = model._layer_output_shapes()
    out_shape = {id(l): s for l, s in zip(layers, shapes)}
    edges, in_shape = [], {}
    nodes = getattr(model, "_nodes", None)
    if nodes is not None:                                       # functional
        for node in nodes:
            ins = node.inputs if isinstance(node.inputs, list) else [node.inputs]
            ins = [t for t in ins if t is not None]
            for t in ins:
                if t.node is not None:
                    edges.append((t.node.layer, node.layer))
            sh = [t.shape for t in ins]
            in_shape[id(node.layer)] = sh[0] if len(sh) == 1 else sh
        rows = [(l, in_shape.get(id(l)), out_shape[id(l)]) for l in layers]
        return rows, edges
    rows = []                                                   # sequential: a chain
    from ..layers.input_layer import InputLayer
    first = getattr(model, "_input_layer", None)
    prev_shape = getattr(first, "batch_shape", None)
    if first is not None and not any(isinstance(l, InputLayer) for l in layers):
        layers = [first] + layers
        out_shape[id(first)] = prev_shape
    for i, layer in enumerate(layers):
        rows.append((layer, prev_shape if i else None, out_shape.get(id(layer))))
        if i:
            edges.append((layers[i - 1], layer))
        prev_shape = out_shape.get(id(layer))
    return rows, edges


def _activation_name(layer):
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    return getattr(act, "__name__", None) or getattr(act, "name", None) or str(act)


def _label(layer, in_shape, out_shape, show_shapes, show_dtype, show_layer_names,
           show_layer_activations, show_trainable):
    cls = type(layer).__name__
    colspan = max(1, int(show_dtype) + int(show_trainable) + (2 if show_shapes else 0))
    title = f"<b>{layer.name}</b> ({cls})" if show_layer_names else f"<b>{cls}</b>"
    table = ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
             f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" '
             f'color="white">{title}</font></td></tr>')
    act = _activation_name(layer) if show_layer_activations else None
    if act:
        table += (f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                  f'Activation: <b>{act}</b></font></td></tr>')
    cols = []
    if show_shapes:
        if cls != "InputLayer":
            cols.append('<td bgcolor="white"><font point-size="14">Input shape: '
                        f'<b>{_fmt(in_shape)}</b></font></td>')
        cols.append('<td bgcolor="white"><font point-size="14">Output shape: '
                    f'<b>{_fmt(out_shape)}</b></font></td>')
    if show_dtype:
        cols.append('<td bgcolor="white"><font point-size="14">Output dtype: '
                    f'<b>{getattr(layer, "dtype", None) or "float32"}</b></font></td>')
    if show_trainable and getattr(layer, "weights", None):
        cols.append('<td bgcolor="forestgreen"><font point-size="14" color="white"><b>Trainable'
                    '</b></font></td>' if layer.trainable else
                    '<td bgcolor="firebrick"><font point-size="14" color="white"><b>'
                    'Non-trainable</b></font></td>')
    if cols:
        table += f"<tr>{''.join(cols)}</tr>"
    return table + "</table>>"


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs):
    """The model's layer graph as a ``pydot.Dot`` (Keras's arguments and look)."""
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    pydot = _pydot()
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    rows, edges = _layer_graph(model)
    for layer, in_shape, out_shape in rows:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(
            layer, in_shape, out_shape, show_shapes, show_dtype, show_layer_names,
            show_layer_activations, show_trainable)))
    seen = set()
    for src, dst in edges:
        key = (id(src), id(dst))
        if key not in seen:
            seen.add(key)
            dot.add_edge(pydot.Edge(str(id(src)), str(id(dst))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs):
    """Draw the model to ``to_file`` (``.png``, ``.svg``, ``.pdf``, ``.dot``…, from the
    extension); returns an IPython ``Image`` in a notebook for ``.png``, else None.

    As in Keras, an unbuilt model is reported before a missing Graphviz."""
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines, **kwargs)
    check_graphviz()
    to_file = os.fspath(to_file)
    ext = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=ext)
    if ext == "png":
        try:
            from IPython import display
            return display.Image(filename=to_file)
        except ImportError:
            pass
    return None
