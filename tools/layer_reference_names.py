"""Record the public layer names of Keras 3, tf_keras and R keras3 (the coverage targets).

Run with the Keras virtualenv and a checkout of rstudio/keras3::

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/layer_reference_names.py \
        --keras3-namespace path/to/keras3/NAMESPACE

Writes ``tests/fixtures/layers/reference_names.json``: ``keras3`` (``dir(keras.layers)``),
``tf_keras`` (``dir(tf_keras.layers)``), ``r_keras3`` (the ``layer_*`` exports of the R
package's NAMESPACE), with the versions. tests/test_layer_coverage.py computes pipeseq's
coverage from it; docs/layer_coverage.md lists what is left and why.
"""
import argparse
import json
import os
import re
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "layers",
                   "reference_names.json")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--keras3-namespace", required=True,
                    help="the NAMESPACE file of the R keras3 package")
    ap.add_argument("--r-version", default="", help="R keras3 version (for the record)")
    args = ap.parse_args(argv)
    import keras
    import tf_keras
    with open(args.keras3_namespace) as f:
        r_names = sorted(set(re.findall(r"export\((layer_[A-Za-z0-9_]+)\)", f.read())))
    data = {
        "versions": {"keras": keras.__version__, "tf_keras": tf_keras.__version__,
                     "r_keras3": args.r_version},
        "keras3": sorted(n for n in dir(keras.layers) if not n.startswith("_")),
        "tf_keras": sorted(n for n in dir(tf_keras.layers) if not n.startswith("_")),
        "r_keras3": r_names,
    }
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print({k: len(v) for k, v in data.items() if isinstance(v, list)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
