"""The machinery of the R verbs: ``PipeVerb`` (a verb waiting for its model) and ``_verb``.

Example
-------
>>> from pipeseq.r.verbs import compile
>>> compile(optimizer="sgd", loss="mse")
<pipe verb compile(optimizer='sgd', loss='mse')>
"""
import functools

from ...layers.base import Layer
from ...models.model import Model

_MISSING = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()


# ------------------------------------------------------------ the machinery
class PipeVerb:
    """A verb waiting for its object: ``compile(optimizer="adam")`` before ``model |``.

    Applying it (``model | verb`` or ``verb(model)``) runs the verb on the model.

    Example
    -------
    >>> from pipeseq.r.verbs import compile
    >>> verb = compile(optimizer="sgd", loss="mse")
    >>> verb
    <pipe verb compile(optimizer='sgd', loss='mse')>
    >>> model | verb                                      # doctest: +SKIP
    """

    _pipeseq_verb = True
    __array_ufunc__ = None

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def __call__(self, object):
        return self.fn(object, *self.args, **self.kwargs)

    def __ror__(self, other):
        return self(other)

    def __repr__(self):
        parts = [f"{a!r:.40}" for a in self.args] + [f"{k}={v!r:.40}" for k, v in self.kwargs.items()]
        return f"<pipe verb {self.fn.__name__}({', '.join(parts)})>"


def _is_layer(x):
    return isinstance(x, Layer)


def _is_model(x):
    return isinstance(x, Model)


def _verb(accepts=_is_layer, what="a model"):
    """Decorator: run now if the first argument is the object, else return a PipeVerb."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if "object" in kwargs:
                return checked(kwargs.pop("object"), *args, **kwargs)
            if args and accepts(args[0]):
                return fn(*args, **kwargs)
            if args and _is_layer(args[0]):   # e.g. plot(model): wrong object, not a pipe stage
                return checked(*args, **kwargs)
            return PipeVerb(checked, args, kwargs)

        def checked(object, *args, **kwargs):
            if not accepts(object):
                raise TypeError(f"{fn.__name__}() applies to {what}; received "
                                f"{type(object).__name__} {object!r:.60}.")
            return fn(object, *args, **kwargs)
        checked.__name__ = fn.__name__
        wrapper._pipeseq_verb_fn = fn
        return wrapper
    return deco


def _require_model(object, verb):
    if not _is_model(object):
        raise TypeError(f"{verb}() needs a model; received the layer '{object.name}' "
                        f"({type(object).__name__}).")
