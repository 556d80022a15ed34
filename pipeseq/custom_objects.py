"""Your own classes and functions by name: Keras's custom-object registry and scopes.

``register_keras_serializable(package="my_pkg")`` files a class or function
under ``"my_pkg>Name"`` (the ``registered_name`` Keras writes in files);
``custom_object_scope({...})`` makes objects visible while loading;
``get_custom_objects()`` is the global dict. Loading resolves names in an
explicit ``custom_objects=`` first, then the innermost scope, then the global
dict, then the registry. Nothing is ever imported or executed from a file: a
name only finds an object that your code provided.

Example
-------
>>> @register_keras_serializable(package="demo")
... def double(x):
...     return 2 * x
>>> get_registered_name(double)
'demo>double'
>>> lookup("demo>double") is double
True
>>> with custom_object_scope({"twice": double}):
...     lookup("twice") is double
True
"""
import contextlib

_GLOBAL = {}          # get_custom_objects()
_REGISTERED = {}      # "package>name" -> object
_NAMES = {}           # id(object) -> "package>name"
_SCOPES = []


def register_keras_serializable(package="Custom", name=None):
    """Decorator: register a class or function under ``"package>name"`` (name: its own)."""
    def deco(obj):
        key = f"{package}>{name or obj.__name__}"
        if "get_config" not in dir(obj) and isinstance(obj, type):
            raise ValueError(f"Cannot register {obj.__name__}: a class needs get_config().")
        _REGISTERED[key] = obj
        _NAMES[id(obj)] = key
        _GLOBAL[key] = obj
        return obj
    return deco


def get_registered_name(obj):
    """``"package>name"`` for a registered object, else its ``__name__``."""
    return _NAMES.get(id(obj), getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or in scope / in ``custom_objects``) under ``name``, or None."""
    found = lookup(name, custom_objects)
    if found is None and module_objects:
        found = module_objects.get(name)
    return found


def get_custom_objects():
    """The global dict of custom objects (add to it to make names loadable everywhere)."""
    return _GLOBAL


@contextlib.contextmanager
def custom_object_scope(*scopes):
    """``with custom_object_scope({"name": obj}, ...):`` names resolve to these objects."""
    merged = {}
    for s in scopes:
        if s:
            merged.update(s)
    _SCOPES.append(merged)
    try:
        yield merged
    finally:
        _SCOPES.pop()


CustomObjectScope = custom_object_scope


def visible(custom_objects=None):
    """Every name visible now: registry < global < scopes (inner wins) < ``custom_objects``."""
    out = dict(_REGISTERED)
    out.update(_GLOBAL)
    for s in _SCOPES:
        out.update(s)
    if custom_objects:
        out.update(custom_objects)
    return out


def lookup(name, custom_objects=None):
    """Resolve ``name`` (or the plain name of a ``"package>name"``) among the visible objects."""
    if not isinstance(name, str):
        return None
    objs = visible(custom_objects)
    if name in objs:
        return objs[name]
    if ">" in name:
        return objs.get(name.split(">", 1)[1])
    return None
