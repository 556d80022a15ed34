"""``keras.applications``: the flat names (``compat.applications.Xception``) and the module
tree (``compat.applications.xception.Xception``, ``.preprocess_input``,
``.decode_predictions``), all pipeseq's own (:mod:`pipeseq.applications`).

Example
-------
>>> from compat.applications.mobilenet_v2 import MobileNetV2, preprocess_input
>>> MobileNetV2 is __import__("compat").applications.MobileNetV2
True
"""
import importlib
import sys

from pipeseq import applications as _apps

# Keras's module names; resnet50 is Keras's alias module of ResNet50.
_MODULE_ALIASES = {m: m for m in _apps.MODULES}
_MODULE_ALIASES["resnet50"] = "resnet"


def _module(name):
    mod = importlib.import_module(f"pipeseq.applications.{_MODULE_ALIASES[name]}")
    sys.modules[f"{__name__}.{name}"] = mod        # ``import compat.applications.xception``
    return mod


for _name in _MODULE_ALIASES:
    try:
        globals()[_name] = _module(_name)
    except ModuleNotFoundError as _e:          # a family pipeseq does not have
        if not (_e.name or "").startswith("pipeseq.applications."):
            raise

__all__ = sorted(_apps.available()) + sorted(n for n in _MODULE_ALIASES if n in globals())


def __getattr__(name):
    if name in _apps.FUNCTIONS:
        if name not in _apps.available():
            raise AttributeError(f"compat.applications.{name}: Keras has this application but "
                                 "pipeseq does not (yet).")
        return getattr(_apps, name)
    raise AttributeError(f"module 'compat.applications' has no attribute {name!r}")
