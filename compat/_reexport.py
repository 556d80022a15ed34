"""Re-export an engine module's public names (classes and functions) under a compat module."""
import types
from pipeseq.utils import did_you_mean


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
        raise AttributeError(f"module {compat_name!r} has no attribute {name!r}."
                             + _suggest(compat_name, name, public_names(engine_module, exclude)))
    return __getattr__


def _suggest(compat_name, name, extra=()):
    """" Did you mean 'x'?" from the compat module's names (and ``extra``), or ""."""
    import sys
    module = sys.modules.get(compat_name)
    names = set(extra) | {n for n in (dir(module) if module else ()) if not n.startswith("_")}
    return did_you_mean(name, sorted(names))


def suggest_getattr(compat_name):
    """A module ``__getattr__`` that only reports a missing name, with a "Did you mean"."""
    def __getattr__(name):
        raise AttributeError(f"module {compat_name!r} has no attribute {name!r}."
                             + _suggest(compat_name, name))
    return __getattr__
