"""R keras3's verbs for preprocessing layers: ``adapt()``, ``get_vocabulary()``,
``set_vocabulary()``.

Example
-------
>>> import numpy as np
>>> from pipeseq import layer_string_lookup
>>> lookup = layer_string_lookup() | adapt(np.array(["b", "a", "b"]))
>>> get_vocabulary(lookup)
['[UNK]', 'b', 'a']
"""
import numpy as np

from .base import _verb

__all__ = ["adapt", "get_vocabulary", "set_vocabulary"]


def _needs(object, method, verb):
    if not callable(getattr(object, method, None)):
        raise TypeError(f"{verb}() applies to preprocessing layers that have {method}() "
                        "(StringLookup, IntegerLookup, TextVectorization, Normalization, "
                        f"Discretization). Received: {type(object).__name__} "
                        f"'{getattr(object, 'name', object)}'")


@_verb(what="a preprocessing layer")
def adapt(object, data, batch_size=None, steps=None):
    """Fit the layer's state (vocabulary, statistics) to ``data``; returns the layer (R
    returns it invisibly), so ``layer |> adapt(x)`` keeps piping.

    Example
    -------
    >>> from pipeseq import layer_normalization
    >>> norm = layer_normalization() | adapt(np.array([[1.0], [3.0]], "float32"))
    >>> norm(np.array([[3.0]], "float32")).tolist()
    [[1.0]]
    """
    _needs(object, "adapt", "adapt")
    kwargs = {"steps": steps} if steps is not None else {}
    if batch_size is not None and hasattr(data, "__len__") and not hasattr(data, "__next__"):
        whole = data
        data = (whole[i:i + batch_size] for i in range(0, len(whole), batch_size))
    object.adapt(data, **kwargs)
    return object


@_verb(what="a lookup or text layer")
def get_vocabulary(object, include_special_tokens=True):
    """The layer's vocabulary (a list; position ``i`` is the token of index ``i``).

    Example
    -------
    >>> from pipeseq import layer_integer_lookup
    >>> get_vocabulary(layer_integer_lookup(vocabulary=[7, 3]), include_special_tokens=False)
    [7, 3]
    """
    _needs(object, "get_vocabulary", "get_vocabulary")
    return object.get_vocabulary(include_special_tokens=include_special_tokens)


@_verb(what="a lookup or text layer")
def set_vocabulary(object, vocabulary, idf_weights=None):
    """Replace the layer's vocabulary (and IDF weights for ``tf_idf``); returns the layer.

    Example
    -------
    >>> from pipeseq import layer_string_lookup
    >>> lookup = layer_string_lookup() | set_vocabulary(["x", "y"])
    >>> lookup(np.array(["y", "z"])).tolist()
    [2, 0]
    """
    _needs(object, "set_vocabulary", "set_vocabulary")
    object.set_vocabulary(vocabulary, idf_weights=idf_weights)
    return object
