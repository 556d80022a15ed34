"""Building the attention layers called as ``layer(query, value[, key])``
(MultiHeadAttention, GroupQueryAttention): from the call's shapes, and from Keras 3's
``build_config`` (``{"shapes_dict": {"query_shape": ..., "value_shape": ..., "key_shape": ...}}``).
"""
from ..graph import format_shape

_SLOTS = [["query", None], ["value", None], ["key", None]]


class QueryValueKeyBuild:
    """Mixin for a :class:`~pipeseq.layers.call_args.MultiTensorCall` layer taking query,
    value and an optional key."""

    def _maybe_build(self, input_shape):
        if self.built:
            return
        if not (isinstance(input_shape, list) and 2 <= len(input_shape) <= 3):
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the shapes of query and "
                             "value (and key): it is built by calling it, layer(query, value). "
                             f"Received: input_shape={format_shape(input_shape)}")
        self._build_for_call([tuple(s) for s in input_shape], _SLOTS[:len(input_shape)])

    def keras_build_config(self):
        """Keras 3's ``build_config``: the shapes ``build(query_shape, value_shape, key_shape)``
        was called with."""
        return {"shapes_dict": {k: list(v) for k, v in self._call_shapes.items()}}

    def build_from_shapes_dict(self, shapes):
        names = [n for n in ("query", "value", "key") if shapes.get(f"{n}_shape") is not None]
        self._build_for_call([tuple(shapes[f"{n}_shape"]) for n in names],
                             [[n, None] for n in names])
