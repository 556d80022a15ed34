"""``Function``: the computation between symbolic inputs and outputs, callable on arrays
(Keras 3's ``keras.Function``; a functional :class:`~pipeseq.models.Model` is a
``Function`` that is also a layer with weights, training and saving).

Example
-------
>>> import numpy as np
>>> from pipeseq import ops
>>> from pipeseq.models import Input
>>> x = Input((3,))
>>> fn = Function(x, ops.sum(x * 2.0, axis=-1))
>>> fn(np.ones((2, 3), "float32"))
array([6., 6.], dtype=float32)
"""
from .functional import Functional


class Function:
    """``Function(inputs, outputs, name=None)``: run the graph from ``inputs`` to ``outputs``.

    Calling it on arrays computes the outputs (inference: no training behaviour);
    ``operations`` lists the graph's layers and op nodes in execution order.
    """

    def __init__(self, inputs, outputs, name=None):
        self._graph = Functional(inputs=inputs, outputs=outputs, name=name)
        self.name = self._graph.name
        self.inputs, self.outputs = inputs, outputs

    @property
    def operations(self):
        return list(self._graph.layers)

    def __call__(self, inputs):
        return self._graph.predict_on_batch(inputs)

    def compute_output_spec(self, inputs):
        """The symbolic outputs when called on symbolic ``inputs`` (shapes as the graph's)."""
        return self._graph(inputs)

    def __repr__(self):
        return f"<Function name={self.name}>"
