"""Re-export an engine module's public names (classes and functions) under a compat module."""
import types


def public_names(module, exclude=()):
    """Public classes/functions/objects of ``module`` (no submodules, no ALL_CAPS tables)."""
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_") or name in exclude or isinstance(obj, types.ModuleType):
            continue
        if name.isupper() and isinstance(obj, (dict, list, tuple, set, float, int, str)):
            continue    # internal tables such as ALIASES, CLASS_NAMES, EPS
        out.append(name)
    return sorted(out)


def module_getattr(compat_name, engine_module, exclude=()):
    """A module ``__getattr__`` that resolves public names of ``engine_module`` on first use.

    Names that the engine adds later appear without changing compat.
    """
    def __getattr__(name):
        if not name.startswith("_") and name in public_names(engine_module, exclude):
            return getattr(engine_module, name)
        raise AttributeError(f"module {compat_name!r} has no attribute {name!r}")
    return __getattr__
