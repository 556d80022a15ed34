"""`import pipeseq` loads the backend only; every public name still works on first use.

pipeseq and pipeseq.r resolve their names lazily (pipeseq.utils.lazy_module_attributes) from
pipeseq/r/_exports.py, the ``__all__`` of each R module written by tools/gen_r_exports.py.
Speed itself is measured in benchmarks/ (W7), never asserted here.
"""
import importlib
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import pipeseq
import pipeseq.r
from pipeseq.r._exports import EXPORTS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ["pipeseq.r.layers", "pipeseq.r.verbs", "pipeseq.layers", "pipeseq.models",
         "pipeseq.training", "pipeseq.layers.augment_elastic",
         "pipeseq.preprocessing.image_iterators", "pipeseq.ops", "h5py", "scipy.ndimage",
         "scipy.signal", "autograd", "PIL", "tabulate", "matplotlib"]


def _fresh(code):
    """Run ``code`` in a new interpreter (the repository first on the path); its stdout."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT, env=env).stdout.strip()


def _r_module_exports():
    """``{name: value}`` re-exported by pipeseq.r, computed by importing every R module."""
    out = {}
    for module in pipeseq.r._MODULES:
        mod = importlib.import_module(f"pipeseq.r.{module}")
        out.update({name: getattr(mod, name) for name in mod.__all__})
    return out


def test_import_pipeseq_loads_no_heavy_module():
    code = (f"import sys, pipeseq; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert _fresh(code) == "[]"


def test_the_exports_table_is_what_the_r_modules_export():
    # stale after a change to an R module's __all__ or to pipeseq.r._MODULES:
    # run `python tools/gen_r_exports.py`
    assert list(EXPORTS) == pipeseq.r._MODULES
    for module, names in EXPORTS.items():
        assert names == list(importlib.import_module(f"pipeseq.r.{module}").__all__), module


def test_star_import_gives_the_engine_names_and_every_r_name():
    ns = {}
    exec("from pipeseq import *", ns)
    expected = {"Sequential", "Model", "Input", "backend", "floatx", "set_floatx",
                "set_random_seed", "normalize"} | set(_r_module_exports())
    assert set(ns) - {"__builtins__"} == expected
    assert sorted(pipeseq.__all__) == sorted(expected)
    assert ns["backend"] is sys.modules["pipeseq.backend"]


def test_every_public_name_resolves_to_the_r_modules_object():
    exported = _r_module_exports()
    for name in pipeseq.__all__:
        value = getattr(pipeseq, name)
        if name in exported and name != "backend":
            assert value is getattr(pipeseq.r, name)
            original = exported[name]
            if isinstance(original, types.FunctionType):
                # wrapped for R's argument matching, as the eager package did
                assert getattr(value, "_r_matching", False), name
                assert value.__wrapped__ is original, name
            else:
                assert value is original, name
    assert set(pipeseq.__all__) <= set(dir(pipeseq))
    assert set(pipeseq.r.__all__) <= set(dir(pipeseq.r))


def test_names_resolve_in_a_fresh_interpreter():
    code = ("import pipeseq\n"
            "m = pipeseq.keras_model_sequential()\n"
            "m | pipeseq.layer_dense(units=2, input_shape=3)\n"   # `input_shape=3`, R style
            "print(type(pipeseq.Sequential()).__name__, m.count_params(),\n"
            "      pipeseq.backend.floatx(), type(pipeseq.backend()).__name__,\n"
            "      pipeseq.layer_dense(unit=4).units)")            # R's partial matching
    assert _fresh(code) == "Sequential 8 float32 module 4"


def test_submodules_are_attributes_as_before():
    assert _fresh("import pipeseq; print(pipeseq.layers.Dense.__name__)") == "Dense"


def test_unknown_names_are_attribute_errors_with_a_suggestion():
    with pytest.raises(AttributeError, match=r"^module 'pipeseq' has no attribute "
                                             r"'layer_dens'. Did you mean 'layer_dense'\?$"):
        pipeseq.layer_dens
    with pytest.raises(AttributeError, match=r"^module 'pipeseq' has no attribute 'qqqzz'$"):
        pipeseq.qqqzz
    with pytest.raises(AttributeError, match="module 'pipeseq.r' has no attribute 'op_argmx'"):
        pipeseq.r.op_argmx
    assert not hasattr(pipeseq, "__wrapped__")


def test_a_small_keras_model_imports_only_the_layer_families_it_uses():
    code = ("import sys\n"
            "import compat as keras\n"
            "m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])\n"
            "from pipeseq.layers import Dense\n"
            "print([m for m in ['pipeseq.layers.augment_elastic', 'pipeseq.layers.conv_lstm',\n"
            "                   'pipeseq.preprocessing.image_iterators', 'pipeseq.saving',\n"
            "                   'pipeseq.training.optimizers', 'pipeseq.training.metrics',\n"
            "                   'pipeseq.training.callbacks', 'multiprocessing', 'h5py', 'PIL',\n"
            "                   'scipy.ndimage', 'matplotlib'] if m in sys.modules])")
    assert _fresh(code) == "[]"


def test_compile_fit_and_save_work_in_a_fresh_interpreter(tmp_path):
    # optimizers, metrics, callbacks and saving are imported by the methods that use them
    path = str(tmp_path / "m.keras")
    code = ("import numpy as np\n"
            "import compat as keras\n"
            "m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])\n"
            "m.compile(optimizer='adam', loss='mse', metrics=['mae'])\n"
            "h = m.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0,\n"
            "          callbacks=[keras.callbacks.EarlyStopping(monitor='loss')])\n"
            f"m.save({path!r})\n"
            f"again = keras.models.load_model({path!r})\n"
            "print(sorted(h.history), type(again.optimizer).__name__)")
    assert _fresh(code) == "['loss', 'mae'] Adam"


def test_a_layer_class_is_found_by_name_when_its_module_was_never_imported():
    code = ("import sys\n"
            "from pipeseq.layers.base import get_layer_class\n"
            "assert 'pipeseq.layers.augment_elastic' not in sys.modules\n"
            "print(get_layer_class('RandomElasticTransform').__name__, "
            "get_layer_class('RandomFlip').__name__, get_layer_class('Convolution2D').__name__,"
            "get_layer_class('Sequential').__name__, get_layer_class('Model').__name__)")
    assert _fresh(code) == "RandomElasticTransform RandomFlip Conv2D Sequential Functional"


def test_the_layer_families_table_lists_every_module_that_registers_a_class():
    # pipeseq/layers/families.py: a layer module missing there would be found by no look-up
    code = ("import importlib, pkgutil, pipeseq.layers as L\n"
            "from pipeseq.layers import base\n"
            "base._import_all_layers()\n"
            "known = set(base.LAYER_CLASSES)\n"
            "for info in pkgutil.iter_modules(L.__path__, 'pipeseq.layers.'):\n"
            "    importlib.import_module(info.name)\n"
            "print(sorted(set(base.LAYER_CLASSES) - known))")
    assert _fresh(code) == "[]"


def test_every_name_of_the_layers_package_resolves_to_a_registered_class():
    import pipeseq.layers as L
    from pipeseq.layers.base import get_layer_class
    from pipeseq.layers.families import FAMILY_OF
    for name in L.__all__:
        value = getattr(L, name)
        if name in FAMILY_OF:
            assert value.__module__ == f"pipeseq.layers.{FAMILY_OF[name]}", name
            if isinstance(value, type) and get_layer_class(name) is not None:
                assert get_layer_class(name) is value, name


def test_a_keras_file_loads_in_a_fresh_interpreter(tmp_path):
    from pipeseq.layers import Dense, RandomFlip
    model = pipeseq.Sequential([RandomFlip("horizontal", input_shape=(4, 4, 1)), Dense(2)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    x = np.ones((1, 4, 4, 1), "float32")
    code = ("import numpy as np\n"
            "from pipeseq.saving.api import load_model\n"
            f"m = load_model({path!r})\n"
            "print(json.dumps([[type(l).__name__ for l in m.layers], "
            "m.predict(np.ones((1, 4, 4, 1), 'float32'), verbose=0).ravel().tolist()]))")
    names, out = json.loads(_fresh("import json\n" + code))
    assert names == ["RandomFlip", "Dense"]
    np.testing.assert_allclose(out, model.predict(x, verbose=0).ravel(), rtol=1e-6)
