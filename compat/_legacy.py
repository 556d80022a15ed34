"""One mechanism for Keras 1/2 spellings: a table per owner + a generic translator.

A :class:`Spec` lists, for one class or method, the legacy argument names and
their modern names (``renames``), value conversions for legacy values
(``values``), arguments the engine still accepts but Keras deprecated
(``warn_only``), arguments Keras dropped (``removed``) and an optional
preprocessor for legacy *positional* forms (``Convolution2D(32, 3, 3)``).

:func:`translate` turns ``(args, kwargs)`` into keyword arguments for the
engine callable, and

* warns once per spelling per process (``DeprecationWarning`` naming the
  modern spelling, attributed to the user's line of code);
* raises ``TypeError`` when a legacy and a modern spelling of the same
  argument are both given (``nb_epoch`` and ``epochs``), rather than picking one;
* raises ``TypeError`` for an unknown argument, naming it and listing the
  accepted modern arguments and legacy spellings.

Example
-------
>>> spec = Spec(renames={"p": "rate"})
>>> def dropout(rate, seed=None):
...     return rate
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     translate("Dropout", spec, dropout, (), {"p": 0.5})
((), {'rate': 0.5})
"""
import inspect
import os
import sys
import warnings
from dataclasses import dataclass, field
from pipeseq.utils import did_you_mean

_COMPAT_DIR = os.path.dirname(os.path.abspath(__file__))
_WARNED = set()
DROP = object()   # a value conversion target meaning "leave the argument out"


class _AnyValue(tuple):
    """``Spec.removed`` allowed-values stand-in meaning "any value"."""

    def __contains__(self, item):
        return True


ANY_VALUE = _AnyValue()


@dataclass
class Spec:
    """Legacy spellings accepted by one callable (a layer class, ``fit``, an optimizer).

    Parameters
    ----------
    renames : dict
        ``{legacy_name: modern_name}``.
    values : dict
        ``{legacy_name: {legacy_value: modern_value}}``; applied to values
        given under the legacy name. ``DROP`` removes the argument.
    warn_only : dict
        ``{name: hint}``: still accepted by the engine as is, but deprecated.
    removed : dict
        ``{name: (allowed_values, message)}``: Keras dropped the argument; it is
        accepted (and left out) only with one of ``allowed_values``.
    positional : tuple, optional
        Names of the positional arguments (default: the engine signature's).
    pre : callable, optional
        ``pre(owner, args, kwargs) -> (args, kwargs)`` for legacy positional forms.
    era : str
        ``"Keras 1"`` or ``"Keras 2"``, used in messages.
    """

    renames: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    warn_only: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    positional: tuple = None
    pre: object = None
    era: str = "Keras 1"

    def legacy_names(self):
        return sorted(set(self.renames) | set(self.removed) | set(self.warn_only))

    def merged(self, **changes):
        """A copy with dict fields updated (``renames={...}`` adds to the renames)."""
        out = Spec(dict(self.renames), dict(self.values), dict(self.warn_only),
                   dict(self.removed), self.positional, self.pre, self.era)
        for k, v in changes.items():
            if isinstance(getattr(out, k), dict):
                getattr(out, k).update(v)
            else:
                setattr(out, k, v)
        return out


# ---------------------------------------------------------------- warnings
def _stacklevel():
    """Stack level of the first frame outside ``compat`` (the user's code)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_COMPAT_DIR):
        frame, level = frame.f_back, level + 1
    return level


def warn_once(key, message):
    """Emit ``message`` as a DeprecationWarning the first time ``key`` is seen in this process."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    warnings.warn(message, DeprecationWarning, stacklevel=_stacklevel())


def reset_warnings():
    """Forget which spellings were already warned about (for tests)."""
    _WARNED.clear()


def _fmt(v):
    return repr(v) if not isinstance(v, type) else v.__name__


# -------------------------------------------------------------- signatures
_SIGNATURES = {}


def _signature(fn):
    """(positional names, accepts *args, accepted keyword names) of an engine callable."""
    if isinstance(fn, type):
        if fn not in _SIGNATURES:
            _SIGNATURES[fn] = _compute_signature(fn)
        pos, var_pos, accepted = _SIGNATURES[fn]
        return pos, var_pos, set(accepted)
    return _compute_signature(fn)


def _compute_signature(fn):
    target = fn.__init__ if isinstance(fn, type) else fn
    params = list(inspect.signature(target).parameters.values())
    if isinstance(fn, type) or (params and params[0].name == "self"):
        params = [p for p in params if p.name != "self"]
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind == p.VAR_POSITIONAL for p in params)
    if isinstance(fn, type) and hasattr(fn, "_accepted_kwargs"):
        accepted = set(fn._accepted_kwargs())
    elif isinstance(fn, type) and hasattr(fn, "_accepted"):
        accepted = set(fn._accepted())
    else:
        accepted = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if any(p.kind == p.VAR_KEYWORD for p in params) and isinstance(fn, type):
            for klass in fn.__mro__[1:]:
                if "__init__" in klass.__dict__ and klass is not object:
                    accepted |= {p for p in inspect.signature(klass.__init__).parameters
                                 if p not in ("self", "args", "kwargs")}
    return positional, var_pos, accepted


def translate(owner, spec, engine, args, kwargs, extra_accepted=()):
    """Translate legacy ``(args, kwargs)`` for ``engine``; return ``(args, kwargs)`` to call it with.

    Positional arguments become keywords (except the surplus of a ``*args``
    engine, returned as ``args``), so that a legacy keyword conflicting with
    a positional value is caught.
    """
    kwargs = dict(kwargs)
    args = tuple(args)
    if spec.pre is not None:
        args, kwargs = spec.pre(owner, args, kwargs)
    eng_pos, var_pos, accepted = _signature(engine)
    accepted |= set(extra_accepted)
    names = list(spec.positional) if spec.positional is not None else eng_pos
    rest = ()
    if len(args) > len(names):
        if not var_pos:
            raise TypeError(
                f"{owner} takes at most {len(names)} positional argument(s) "
                f"({', '.join(names) or 'none'}), but {len(args)} were given: "
                f"{', '.join(_fmt(a) for a in args)}. Pass the others by keyword.")
        args, rest = args[:len(names)], args[len(names):]
    for name, value in zip(names, args):
        if name in kwargs:
            raise TypeError(f"{owner} got multiple values for argument '{name}'.")
        kwargs[name] = value

    out = {}
    # Modern names first, so that a legacy spelling can be checked against them.
    for k, v in kwargs.items():
        if k not in spec.renames and k not in spec.removed:
            out[k] = v
    for old, v in kwargs.items():
        if old in spec.removed:
            allowed, message = spec.removed[old]
            if v not in allowed:
                raise ValueError(f"{owner}: the {spec.era} argument `{old}` is not supported any "
                                 f"more: {message} Received: {old}={v!r}")
            warn_once((owner, old), f"{owner}: the {spec.era} argument `{old}` is ignored: {message}")
            continue
        if old not in spec.renames:
            continue
        new = spec.renames[old]
        if new in out or new in kwargs:
            given = out.get(new, kwargs.get(new))
            raise TypeError(
                f"{owner}: got both `{old}` ({spec.era} spelling) and `{new}`, which name the "
                f"same argument. Pass only `{new}`. Received: {old}={v!r}, {new}={given!r}")
        conv = spec.values.get(old, {})
        try:
            new_v = conv.get(v, v) if conv else v
        except TypeError:       # unhashable value
            new_v = v
        detail = "" if new_v is v or new_v is DROP else f" (`{old}={v!r}` means `{new}={new_v!r}`)"
        warn_once((old, new), f"{owner}: `{old}` is the {spec.era} spelling; use `{new}` "
                              f"instead{detail}.")
        if new_v is not DROP:
            out[new] = new_v
    for k, hint in spec.warn_only.items():
        if k in out:
            warn_once((owner, k), f"{owner}: `{k}` is deprecated in Keras; use {hint}.")
    unknown = [k for k in out if k not in accepted]
    if unknown:
        bad = unknown[0]
        legacy = spec.legacy_names()
        raise TypeError(
            f"{owner}: unknown argument `{bad}`.{did_you_mean(bad, sorted(accepted) + legacy)} "
            f"Accepted arguments: {', '.join(sorted(accepted))}."
            + (f" Accepted {spec.era} spellings: {', '.join(legacy)}." if legacy else "")
            + f" Received: {bad}={out[bad]!r:.80}")
    return rest, out


# ------------------------------------------------------- wrapper classes
class EngineAliasMeta(type):
    """``isinstance``/``issubclass`` against a compat class answer for its engine class
    (``_compat_engine``), so engine objects count as instances of the compat names."""

    def __instancecheck__(cls, obj):
        engine = cls.__dict__.get("_compat_engine")
        if engine is not None:
            return isinstance(obj, engine)
        return super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub):
        engine = cls.__dict__.get("_compat_engine")
        if engine is not None:
            return issubclass(sub, engine)
        return super().__subclasscheck__(sub)


class WrapperMeta(EngineAliasMeta):
    """Metaclass of the thin compat wrappers around engine classes.

    Calling the wrapper translates legacy arguments and returns an instance of
    the *engine* class; ``isinstance(engine_obj, Wrapper)`` holds. A user class
    derived from a wrapper is an ordinary class (no translation).
    """

    def __call__(cls, *args, **kwargs):
        engine = cls.__dict__.get("_compat_engine")
        if engine is None:
            return super().__call__(*args, **kwargs)
        rest, kw = translate(cls.__name__, cls._compat_spec, engine, args, kwargs)
        return engine(*rest, **kw)

    def __repr__(cls):
        engine = cls.__dict__.get("_compat_engine")
        if engine is not None:
            return f"<compat wrapper {cls.__module__}.{cls.__name__} -> {engine.__module__}.{engine.__name__}>"
        return super().__repr__()


def make_wrapper(name, engine, spec, module, doc=None):
    """Build the wrapper class ``name`` around ``engine`` with legacy table ``spec``."""
    ns = {"_compat_engine": engine, "_compat_spec": spec, "__module__": module,
          "__qualname__": name,
          "__doc__": doc or (f"``{module}.{name}``: :class:`{engine.__module__}.{engine.__name__}` "
                             f"accepting the {spec.era} spellings "
                             f"{', '.join(spec.legacy_names()) or '(none)'}.\n\n"
                             f"Calling it returns a ``{engine.__name__}`` instance.")}
    return WrapperMeta(name, (engine,), ns)
