"""R keras3's recurrent cells: ``rnn_cell_simple``, ``rnn_cell_lstm``, ``rnn_cell_gru`` and
``rnn_cells_stack``; give them to ``layer_rnn(cell = ...)``.

Each returns the cell (R keras3 never adds a cell to a model). ``rnn_cells_stack()`` takes
its cells as a list and/or as further unnamed arguments, as R's ``...``.

Example
-------
>>> import numpy as np
>>> from pipeseq import keras_model_sequential, layer_rnn, rnn_cell_lstm, rnn_cell_gru
>>> model = keras_model_sequential(input_shape=(5, 3)) | layer_rnn(
...     cell=rnn_cells_stack(rnn_cell_lstm(units=4), rnn_cell_gru(units=2)))
>>> model.output_shape
(None, 2)
"""
__all__ = ["rnn_cell_simple", "rnn_cell_lstm", "rnn_cell_gru", "rnn_cells_stack"]


def _cell(class_name, args, kwargs):
    from ..layers.base import get_layer_class
    return get_layer_class(class_name)(*args, **kwargs)


def rnn_cell_simple(units, *args, **kwargs):
    """Keras ``SimpleRNNCell(units, activation="tanh", use_bias=True, ...)``, as R keras3.

    >>> rnn_cell_simple(units=3).state_size
    3
    """
    return _cell("SimpleRNNCell", (units,) + args, kwargs)


def rnn_cell_lstm(units, *args, **kwargs):
    """Keras ``LSTMCell(units, activation="tanh", recurrent_activation="sigmoid", ...)``.

    >>> rnn_cell_lstm(units=3).state_size
    [3, 3]
    """
    return _cell("LSTMCell", (units,) + args, kwargs)


def rnn_cell_gru(units, *args, **kwargs):
    """Keras ``GRUCell(units, ..., reset_after=True)``, as R keras3.

    >>> rnn_cell_gru(units=3, reset_after=False).reset_after
    False
    """
    return _cell("GRUCell", (units,) + args, kwargs)


def rnn_cells_stack(cells=None, *more, **kwargs):
    """Keras ``StackedRNNCells``: ``rnn_cells_stack(list(c1, c2))`` or ``rnn_cells_stack(c1, c2)``.

    >>> rnn_cells_stack(rnn_cell_simple(units=3), rnn_cell_gru(units=2)).state_size
    [3, 2]
    """
    from ..layers.base import Layer
    given = [] if cells is None else (list(cells) if isinstance(cells, (list, tuple))
                                      else [cells])
    given += list(more)
    if not given or not all(isinstance(c, Layer) for c in given):
        raise TypeError("rnn_cells_stack(): needs cells, e.g. rnn_cells_stack(rnn_cell_lstm("
                        f"units=4), rnn_cell_gru(units=2)). Received: {given!r}")
    return _cell("StackedRNNCells", (given,), kwargs)
