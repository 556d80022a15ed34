"""R's argument matching for every function of the R front end.

R matches a call's named arguments to a function's formals in three passes
(R Language Definition, "Argument matching"):

1. **exact** names;
2. **partial**: a supplied name that is a unique prefix of one remaining formal
   (``layer_conv_2d(filter = 32)`` means ``filters``); a prefix of several is an
   error, and so is one formal matched by several prefixes;
3. **positional** for the rest (Python does this part itself).

And as R's pipe puts the piped value first (``x |> f(a)`` is ``f(x, a)``), a function called
without its required first argument returns a pipe stage: ``x | k_argmax()`` is
``k_argmax(x)``, ``preds | k_argmax(axis=2)`` is ``k_argmax(preds, axis=2)``.

Formals after R's ``...`` match only exactly. In R keras those are the common
layer arguments (``input_shape``, ``name``, ``trainable``, ...), which R forwards
through ``...``; the layer's own Keras arguments come before ``...`` and match by
prefix. For a pipe function that forwards ``**kwargs`` to a Keras class, the
class's arguments are its formals.

A name that matches nothing is an error listing the candidates, as R's
``unused argument`` error is — unless the function forwards ``**kwargs``, in which
case the name is passed on unchanged and the receiver reports it (a layer class
names itself, the argument and the closest accepted name).

Example
-------
>>> def f(object=None, filters=None, kernel_size=None, **kwargs):
...     return filters, kernel_size, kwargs
>>> g = r_function(f)
>>> g(filter=32, kernel=3)
(32, 3, {})
>>> match_arguments("f", {"ker": 3}, ["kernel_size", "kernel_initializer"])
Traceback (most recent call last):
...
TypeError: f(): argument 'ker' matches several formal arguments: kernel_size, kernel_initializer. Give more of the name.
"""
import functools
import inspect
import types

__all__ = ["match_arguments", "r_function"]


def match_arguments(fn_name, kwargs, formals, exact_only=(), open_ended=False):
    """Rename ``kwargs`` keys to the formals they match, the way R does.

    Parameters
    ----------
    fn_name : str
        Used in error messages.
    kwargs : dict
        Supplied named arguments.
    formals : sequence of str
        Names that may be matched by a unique prefix (R's formals before ``...``).
    exact_only : sequence of str
        Names that match only exactly (R's formals after ``...``).
    open_ended : bool
        The function takes more names than pipeseq can list (``**kwargs`` passed on):
        unmatched names are kept as they are instead of raising.

    Returns
    -------
    dict
        A new dict with full names as keys.

    Raises
    ------
    TypeError
        For an ambiguous prefix, one formal matched twice, or (unless ``open_ended``)
        a name that matches nothing.
    """
    formals = list(dict.fromkeys(formals))
    known = set(formals) | set(exact_only)
    out, pending = {}, []
    for name, value in kwargs.items():
        if name in known:
            out[name] = value
        else:
            pending.append(name)
    exact_matched = set(out)
    for name in pending:
        hits = [f for f in formals if f.startswith(name) and f not in exact_matched]
        if len(hits) == 1:
            if hits[0] in out:
                raise TypeError(f"{fn_name}(): formal argument '{hits[0]}' matched by multiple "
                                f"actual arguments. Received: {name}={kwargs[name]!r:.60}")
            out[hits[0]] = kwargs[name]
        elif len(hits) > 1:
            raise TypeError(f"{fn_name}(): argument '{name}' matches several formal arguments: "
                            f"{', '.join(hits)}. Give more of the name.")
        elif open_ended:
            out[name] = kwargs[name]
        else:
            from ..utils import did_you_mean
            choices = ", ".join(sorted(known)) or "none"
            raise TypeError(f"{fn_name}(): unused argument '{name}' (it matches no argument "
                            f"name, exactly or as a prefix).{did_you_mean(name, known)} "
                            f"Arguments: {choices}. Received: {name}={kwargs[name]!r:.60}")
    return out


def _signature_names(fn):
    """(named formals, takes **kwargs) of ``fn``."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [], True
    names = [p.name for p in params
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return names, any(p.kind == p.VAR_KEYWORD for p in params)


def _class_formals(cls):
    """(prefix-matchable, exact-only) argument names of a layer-style class.

    The class's own Keras arguments match by prefix; those of the root class that
    defines ``_accepted_kwargs`` (the base ``Layer``: name, input_shape, ...) only
    exactly, as R passes them through ``...``.
    """
    accepted = getattr(cls, "_accepted_kwargs", None)
    if accepted is None:
        names, _ = _signature_names(cls)
        return names, []
    root = [k for k in cls.__mro__ if "_accepted_kwargs" in k.__dict__][-1]
    base, _ = _signature_names(root.__init__)
    base = set(base) - {"self"}
    everything = accepted()
    return [n for n in everything if n not in base], [n for n in everything if n in base]


def r_function(fn, target=None):
    """Wrap ``fn`` so that its named arguments are matched the way R matches them.

    Parameters
    ----------
    fn : function
    target : callable returning a class, optional
        For functions that pass ``**kwargs`` to a class (``layer_*`` do): the class
        whose ``__init__`` arguments are matched too. Functions with a
        ``keras_class_name`` attribute find their layer class themselves.

    Returns
    -------
    function
        Same name, docstring, signature and attributes as ``fn``.
    """
    if target is None and getattr(fn, "keras_class_name", None):
        target = functools.partial(_layer_class_or_none, fn.keras_class_name)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        names, var_kw, first = _formals(fn)
        if kwargs:
            formals, exact, open_ended = list(names), ["object"], var_kw
            cls = target() if (var_kw and target is not None) else None
            if cls is not None:
                own, base = _class_formals(cls)
                formals += [n for n in own if n not in formals]
                exact += base
                open_ended = True    # the class names an unknown argument itself
            kwargs = match_arguments(fn.__name__, kwargs, formals, exact, open_ended)
        if first is not None and not args and first not in kwargs:
            # R's `x |> f(...)` is f(x, ...): called without its first argument, the function
            # waits for the piped value (`x | k_argmax()`).
            from .verbs.base import PipeVerb
            return PipeVerb(fn, (), kwargs)
        return fn(*args, **kwargs)
    wrapper._r_matching = True
    return wrapper


@functools.lru_cache(maxsize=None)
def _formals(fn):
    """(named formals but ``object``, takes ``**kwargs``, required first parameter or None) of
    ``fn``; read on its first call, not when it is wrapped (most are never called)."""
    names, var_kw = _signature_names(fn)
    # verbs (compile, fit, ...) already wait for their object themselves
    first = None if hasattr(fn, "_pipeseq_verb_fn") else _required_first(fn)
    return [n for n in names if n != "object"], var_kw, first


def _required_first(fn):
    """Name of ``fn``'s first parameter if it is positional and has no default, else None."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD) \
            and params[0].default is params[0].empty:
        return params[0].name
    return None


def _layer_class_or_none(class_name):
    from ..layers.base import get_layer_class
    return get_layer_class(class_name)


def r_callable(obj):
    """``obj`` wrapped by :func:`r_function` if it is a plain function not yet wrapped, else ``obj``."""
    if isinstance(obj, types.FunctionType) and not getattr(obj, "_r_matching", False):
        return r_function(obj)
    return obj
