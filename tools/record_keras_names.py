"""Record the public names of Keras 3, tf_keras and R keras3 into tests/fixtures/keras_names.json.

The coverage test (tests/test_toolbox_coverage.py) checks how many of them
resolve in ``compat.*`` and ``pipeseq``. Run with the fixture interpreter:

    KERAS_BACKEND=tensorflow /work/kenv/bin/python tools/record_keras_names.py [KERAS3_R_DIR]

KERAS3_R_DIR is a checkout of rstudio/keras3 (its NAMESPACE lists the R exports).
"""
import json
import os
import re
import sys

MODULES = ["metrics", "optimizers", "optimizers.schedules", "callbacks", "activations", "losses",
           "utils", "random", "config", "saving"]


def public(mod):
    return sorted(n for n in dir(mod) if not n.startswith("_"))


def main():
    import keras
    import tf_keras
    out = {"keras": {"": [n for n in public(keras) if not isinstance(getattr(keras, n), type(keras))]},
           "tf_keras": {}}
    for m in MODULES:
        obj = keras
        for part in m.split("."):
            obj = getattr(obj, part)
        out["keras"][m] = [n for n in public(obj) if not isinstance(getattr(obj, n), type(keras))]
    out["keras"]["submodules"] = [n for n in public(keras) if isinstance(getattr(keras, n), type(keras))]
    out["tf_keras"]["backend"] = [n for n in public(tf_keras.backend)
                                  if not isinstance(getattr(tf_keras.backend, n), type(keras))]
    r_dir = sys.argv[1] if len(sys.argv) > 1 else None
    if r_dir:
        ns = open(os.path.join(r_dir, "NAMESPACE")).read()
        exports = sorted(set(re.findall(r"^export\(([^)]+)\)", ns, re.M)))
        exports = [e.strip('"`') for e in exports]
        prefixes = ["metric_", "optimizer_", "callback_", "loss_", "activation_", "random_",
                    "learning_rate_schedule_", "config_", "op_", "layer_", "k_"]
        out["r_keras3"] = {p: [e for e in exports if e.startswith(p)] for p in prefixes}
        out["r_keras3"]["other"] = [e for e in exports if not any(e.startswith(p) for p in prefixes)]
    out["versions"] = {"keras": keras.__version__, "tf_keras": tf_keras.__version__}
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_names.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
