"""Layers whose ``call`` takes several tensors by name: ``mha(query, value, key=k)``,
``lstm(x, initial_state=[h, c])``.

A layer using :class:`MultiTensorCall` lists those argument names in ``call_args``
(the first is the main input). A call is *bound* into

* ``flat``: the tensors, in argument order (a list argument contributes each item);
* ``slots``: per tensor, ``[name, index]`` (``index`` None for a plain argument);
* ``npos``: how many leading arguments a saved config lists positionally
  (``positional_call_args``; the rest are keyword arguments, as tf.keras writes them);
* the other keyword arguments (``return_attention_scores=True`` ...), kept as they are.

``forward`` then receives ``flat`` as a list and ``call_slots=slots`` (its backward returns
one gradient per entry of ``flat``). On symbolic tensors the layer is built from the named
shapes and a graph node with ``call_slots``/``call_npos`` is recorded; the functional
model's config writes such a node the way Keras does (``args`` and tensor ``kwargs``).

Example
-------
>>> class Pair(MultiTensorCall, Layer):
...     call_args = ("a", "b")
>>> Pair()._bind_call((1,), {"b": 2, "flag": True})
([1, 2], [['a', None], ['b', None]], 1, {'flag': True})
"""
from ..graph import call_symbolic, is_symbolic
from .base import Layer  # noqa: F401  (used by the example)


def group_slots(flat, slots):
    """``{name: value or list}`` from a bound call."""
    out = {}
    for value, (name, index) in zip(flat, slots):
        if index is None:
            out[name] = value
        else:
            out.setdefault(name, []).append(value)
    return out


class MultiTensorCall:
    """Mixin: bind ``call(*args, **kwargs)`` with several tensor arguments (see module doc)."""

    call_args = ()
    positional_call_args = 1      # how many leading arguments a config writes positionally
    accepts_mask = True

    def _bind_call(self, args, kwargs):
        names = self.call_args
        if len(args) > len(names):
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) takes at most "
                            f"{len(names)} positional tensor arguments ({', '.join(names)}). "
                            f"Received: {len(args)} positional arguments")
        given = dict(zip(names, args))
        static = {}
        for k, v in kwargs.items():
            if k in names:
                if k in given:
                    raise TypeError(f"Layer '{self.name}': got multiple values for argument "
                                    f"{k!r}.")
                given[k] = v
            else:
                static[k] = v
        flat, slots = [], []
        for name in names:
            v = given.get(name)
            if v is None:
                continue
            if isinstance(v, (list, tuple)) and name != names[0]:
                for i, item in enumerate(v):
                    flat.append(item)
                    slots.append([name, i])
            else:
                flat.append(v)
                slots.append([name, None])
        if not flat or slots[0][0] != names[0]:
            raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) needs its "
                            f"`{names[0]}` argument. Received: arguments "
                            f"{sorted(given) or 'none'}")
        npos = 0                  # written positionally: the leading required arguments
        while npos < self.positional_call_args and names[npos] in given \
                and given[names[npos]] is not None:
            npos += 1
        return flat, slots, npos, static

    def __call__(self, *args, training=False, mask=None, **kwargs):
        if "call_slots" in kwargs:                  # already bound (graph rebuilding)
            flat = list(args[0])
            slots = kwargs.pop("call_slots")
            npos = kwargs.pop("call_npos", 1)
            static = kwargs
        else:
            flat, slots, npos, static = self._bind_call(args, kwargs)
        if is_symbolic(flat):
            self._build_for_call([tuple(t.shape) for t in flat], slots)
            return call_symbolic(self, flat, call_slots=slots, call_npos=npos, **static)
        flat = self._convert_input(flat)
        self._build_for_call([a.shape for a in flat], slots)
        kw = {"mask": mask} if mask is not None else {}
        return self.forward(flat, training=training, call_slots=slots, **kw, **static)[0]

    def _build_for_call(self, shapes, slots):
        if not self.built:
            self._maybe_build(shapes)

    def output_shape_for_call(self, shapes, call_slots=None, **static):
        """Output shape(s) of one call (``call_symbolic`` asks this instead of
        ``compute_output_shape`` when a layer has it)."""
        return self.compute_output_shape(shapes)
