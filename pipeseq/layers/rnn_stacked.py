"""``StackedRNNCells`` (several cells as one) and ``AbstractRNNCell`` (tf_keras's cell base).

Example
-------
>>> import numpy as np
>>> from pipeseq.layers import GRUCell, LSTMCell
>>> stack = StackedRNNCells([LSTMCell(3), GRUCell(2)])
>>> stack.state_size, stack.output_size
([[3, 3], 2], 2)
"""
import numpy as np

from .base import Layer, register
from .rnn_cells import _Cell, is_nested
from .serialization import deserialize_layer, serialize_layer


def check_cell(cell, where):
    """A cell needs ``call`` and ``state_size`` (Keras's test, Keras's words)."""
    if "call" not in dir(cell):
        raise ValueError(f"{where}: a cell must have a `call` method. Received: cell={cell!r}")
    if "state_size" not in dir(cell):
        raise ValueError(f"{where}: the RNN cell should have a `state_size` attribute (single "
                         f"integer or list of integers, one integer per RNN state). "
                         f"Received: cell={cell!r}")
    size = cell.state_size
    flat = size if isinstance(size, (list, tuple)) else [size]
    for s in flat:
        if isinstance(s, (list, tuple)):
            continue
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s <= 0:
            raise ValueError(f"{where}: state_size must be a positive integer or a list of them "
                             f"(one per state tensor). Received: state_size={size!r}")


def step(cell, inputs, states, training):
    """One step of any cell: built-in cells through ``__call__``, user cells through ``call``."""
    if isinstance(cell, (_Cell, StackedRNNCells)):
        return cell(inputs, states, training=training)
    import inspect
    try:
        params = inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        params = {}
    if "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return cell.call(inputs, states, training=training)
    return cell.call(inputs, states)


def cell_output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is not None:
        return int(size)
    s = cell.state_size
    return int(s[0] if isinstance(s, (list, tuple)) else s)


@register
class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of a cell to the next.

    ``state_size`` lists the cells' state sizes; the output is the last cell's.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq.layers import RNN, SimpleRNNCell
    >>> RNN(StackedRNNCells([SimpleRNNCell(4), SimpleRNNCell(2)]))(np.ones((3, 5, 6))).shape
    (3, 2)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(f"StackedRNNCells needs a non-empty list of cells. Received: "
                             f"cells={cells!r}")
        cells = [deserialize_layer(c) if isinstance(c, dict) else c for c in cells]
        for c in cells:
            check_cell(c, "StackedRNNCells")
        self.cells = list(cells)

    def _sublayers(self):
        return list(self.cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        out = []
        for c in self.cells:
            fn = getattr(c, "get_initial_state", None)
            if fn is not None:
                out.append(fn(batch_size=batch_size))
            elif is_nested(c.state_size):
                out.append([np.zeros((batch_size, d), self.dtype) for d in c.state_size])
            else:
                out.append(np.zeros((batch_size, c.state_size), self.dtype))
        return out

    def build(self, input_shape):
        for c in self.cells:
            if isinstance(c, Layer):
                c._maybe_build(tuple(input_shape))
            input_shape = (input_shape[0], cell_output_size(c))

    def __call__(self, inputs, states=None, training=False, **kwargs):
        if states is None:
            raise TypeError(f"StackedRNNCells '{self.name}' computes one step: call it as "
                            "cell(inputs, states).")
        from ..ops.dispatch import value
        self._maybe_build(tuple(np.shape(value(inputs))))
        return self.call(inputs, states, training=training)

    def call(self, inputs, states, training=False):
        new_states = []
        for c, s in zip(self.cells, states):
            was_list = is_nested(s)
            s = list(s) if was_list else [s]
            inputs, s = step(c, inputs, s, training)
            s = list(s) if is_nested(s) else [s]
            new_states.append(s[0] if len(s) == 1 and not was_list else s)
        return inputs, new_states

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_config(self):
        cells = []
        for c in self.cells:
            entry = serialize_layer(c)
            cells.append(entry)
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) if isinstance(c, dict) else c
                 for c in config.pop("cells")]
        return cls(cells, **config)


@register
class AbstractRNNCell(Layer):
    """tf_keras's base for user-written cells: define ``state_size``, ``output_size`` and
    ``call(inputs, states)`` returning ``(output, new_states)``.

    Example
    -------
    >>> import numpy as np
    >>> from pipeseq import ops
    >>> from pipeseq.layers import RNN
    >>> class MinimalCell(AbstractRNNCell):
    ...     def __init__(self, units, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.units = units
    ...     @property
    ...     def state_size(self):
    ...         return self.units
    ...     def build(self, input_shape):
    ...         self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
    ...     def call(self, inputs, states):
    ...         out = ops.tanh(ops.matmul(inputs, self.kernel) + states[0])
    ...         return out, [out]
    >>> RNN(MinimalCell(3))(np.ones((2, 4, 5), "float32")).shape
    (2, 3)
    """

    @property
    def state_size(self):
        raise NotImplementedError(f"{type(self).__name__} must define `state_size`.")

    @property
    def output_size(self):
        s = self.state_size
        return s[0] if isinstance(s, (list, tuple)) else s

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        s = self.state_size
        sizes = s if isinstance(s, (list, tuple)) else [s]
        zeros = [np.zeros((batch_size, d), dtype or self.dtype) for d in sizes]
        return zeros if isinstance(s, (list, tuple)) else zeros[0]

