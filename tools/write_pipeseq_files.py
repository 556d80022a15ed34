#!/usr/bin/env python
"""Write pipeseq's files for every Keras fixture model (dev-only; input for the checker).

Runs in pipeseq's own environment (NOT the Keras virtualenv):

    .venv/bin/python tools/write_pipeseq_files.py OUTDIR [--models a b] [--compile] [--table]

For each model in tests/fixtures/keras/MANIFEST.json: pipeseq loads ``<model>.keras``, runs it on
the fixture's input and writes into OUTDIR ``<model>.keras``, ``<model>.weights.h5``,
``<model>.h5`` (legacy weights), ``<model>.model.h5`` (legacy full model) and ``<model>.npz``
(``x``/``x0..`` and pipeseq's ``y``/``y0..``; ``y_tfk`` where the fixture has one, since tf_keras's
hard_sigmoid differs). ``--compile`` compiles each model first (adam, mse, metrics mae) so the
files carry a compile/training config. ``--table`` also writes ``layer_<Class>`` for every entry of
tests/test_saving.py's LAYER_TABLE (one model per registered layer class, random weights).
Then, in the Keras virtualenv:

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/check_pipeseq_files_in_keras.py OUTDIR
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from pipeseq.saving import api  # noqa: E402

FIX = os.path.join(os.path.dirname(HERE), "tests", "fixtures", "keras")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--models", nargs="*")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--table", action="store_true")
    args = ap.parse_args(argv)
    models = json.load(open(os.path.join(FIX, "MANIFEST.json")))["models"]
    os.makedirs(args.out, exist_ok=True)
    n = 0
    for name, model, xs, z in _fixture_models(models, args.models) + (
            _table_models() if args.table else []):
        if args.compile:
            model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        ys = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        arrays = {("x" if len(xs) == 1 else f"x{i}"): x for i, x in enumerate(xs)}
        arrays.update({("y" if len(ys) == 1 else f"y{i}"): y for i, y in enumerate(ys)})
        arrays.update({k: z[k] for k in z.files if k.endswith("_tfk") and k.startswith("y")}
                      if z is not None else {})
        base = os.path.join(args.out, name)
        np.savez(base + ".npz", **arrays)
        model.save(base + ".keras")
        model.save_weights(base + ".weights.h5")
        model.save_weights(base + ".h5")
        model.save(base + ".model.h5")
        n += 1
    print(f"wrote files for {n} models into {args.out}")


def _fixture_models(models, names):
    out = []
    for name in names or sorted(models):
        try:
            model = api.load_model(os.path.join(FIX, name + ".keras"), compile=False)
        except Exception as e:  # noqa: BLE001
            print(f"SKIP {name}: pipeseq cannot load the fixture ({type(e).__name__}: {e})")
            continue
        z = np.load(os.path.join(FIX, name + ".npz"))
        out.append((name, model, [z[i["key"]] for i in models[name]["inputs"]], z))
    return out


def _table_models():
    from tests import test_saving as t
    out = []
    for name in sorted(t.LAYER_TABLE):
        rng = np.random.default_rng(len(name))
        model = t._random_weights(t._build_model(name), rng)
        x = t._inputs_for(name, model, rng)
        out.append((f"layer_{name}", model, x if isinstance(x, list) else [x], None))
    return out


if __name__ == "__main__":
    main()
