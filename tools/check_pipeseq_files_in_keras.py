#!/usr/bin/env python
"""Load files that pipeseq wrote in real Keras and compare outputs (dev-only tool).

Runs ONLY under the Keras virtualenv (see tools/README.md):

    KERAS_BACKEND=tensorflow /work/kerasenv/bin/python tools/check_pipeseq_files_in_keras.py DIR

DIR holds, per model, `<model>.npz` (x or x0,x1..; y or y0,y1.. as pipeseq computed them) and any of

    layout "pipeseq" (default)          layout "fixtures" (tests/fixtures/keras, Keras-made)
    <model>.keras        .keras zip     <model>.keras
    <model>.weights.h5   Keras 3 weights <model>.weights.h5
    <model>.h5           legacy weights  <model>.tfk_weights.h5
    <model>.model.h5     legacy model    <model>.tfk_model.h5 (tf_keras) and <model>.legacy.h5 (Keras 3)

Every file is loaded by each Keras that should read it, run on x (eager call, training=False) and compared
with y. Weight-only files are loaded into a fresh copy (clone_model: new random weights) of the
architecture read from the model file of the same stem, so a match proves the weights were read.

  * keras3:load_model(.keras)            * keras3:load_model(legacy model .h5)
  * keras3:arch+load_weights(.weights.h5) * keras3:arch+load_weights(legacy weights .h5)
  * tf_keras:load_model(legacy model .h5) * tf_keras:arch+load_weights(legacy weights .h5)

Prints one line per check with max abs and max rel difference; exit status 1 if any check fails
(|a-b| > atol + rtol*|b|) or a file that exists could not be loaded (--allow-errors to only report).
If the npz also has y_tfk (the fixtures do, where tf_keras math differs, e.g. hard_sigmoid), tf_keras
checks compare with it. --json FILE writes the results. --compile loads model files with
compile=True, requires the model to come back compiled (an optimizer and a loss) and runs
model.evaluate(x, y) once, so a training config that a Keras cannot restore fails the check.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

try:
    import keras  # noqa: E402
    import tensorflow as tf  # noqa: E402
except ImportError as e:  # pragma: no cover
    sys.exit(f"check_pipeseq_files_in_keras.py needs the Keras virtualenv (tools/README.md): {e}")
try:
    import tf_keras  # noqa: E402
except ImportError:  # pragma: no cover
    tf_keras = None

try:
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
except Exception:  # pragma: no cover
    pass
tf.get_logger().setLevel("ERROR")

LAYOUTS = {
    "pipeseq": {"keras": [".keras"], "weights": [".weights.h5"], "legacy_weights": [".h5"],
                "legacy_model": [".model.h5"]},
    "fixtures": {"keras": [".keras"], "weights": [".weights.h5"], "legacy_weights": [".tfk_weights.h5"],
                 "legacy_model": [".tfk_model.h5", ".legacy.h5"]},
}
# which library reads a legacy model file of this suffix (Keras 3 configs can't be read by tf_keras)
TFK_READS_MODEL = {".model.h5": True, ".tfk_model.h5": True, ".legacy.h5": False}


def load_npz(path):
    d = np.load(path, allow_pickle=False)
    xs = [d["x"]] if "x" in d.files else [d[f"x{i}"] for i in range(sum(k.startswith("x") and k[1:].isdigit()
                                                                         for k in d.files))]
    ys = [d["y"]] if "y" in d.files else [d[f"y{i}"] for i in range(sum(k.startswith("y") and k[1:].isdigit()
                                                                         for k in d.files))]
    if "y_tfk" in d.files:
        yt = [d["y_tfk"]]
    elif any(k.endswith("_tfk") for k in d.files):
        yt = [d[f"y{i}_tfk"] if f"y{i}_tfk" in d.files else ys[i] for i in range(len(ys))]
    else:
        yt = ys
    return xs, ys, yt


def run(model, xs):
    inp = xs[0] if len(xs) == 1 else list(xs)
    try:
        out = model(inp, training=False)
    except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError):
        # e.g. channels_first Conv2D has no CPU kernel in TF; XLA compiles it
        out = tf.function(lambda t: model(t, training=False), jit_compile=True)(inp)
    if isinstance(out, dict):
        out = list(out.values())
    if not isinstance(out, (list, tuple)):
        out = [out]
    return [np.asarray(o, dtype=np.float64) for o in out]


def compare(got, want, rtol, atol):
    if len(got) != len(want):
        return dict(ok=False, max_abs=float("inf"), max_rel=float("inf"),
                    error=f"{len(got)} outputs, expected {len(want)}")
    max_abs = max_rel = 0.0
    ok = True
    for g, w in zip(got, want):
        w = np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            return dict(ok=False, max_abs=float("inf"), max_rel=float("inf"),
                        error=f"output shape {g.shape}, expected {w.shape}")
        if not g.size:
            continue
        d = np.abs(g - w)
        max_abs = max(max_abs, float(d.max()))
        big = np.abs(w) > atol
        if big.any():
            max_rel = max(max_rel, float((d[big] / np.abs(w[big])).max()))
        ok = ok and bool(np.all(d <= atol + rtol * np.abs(w))) and bool(np.all(np.isfinite(g)))
    return dict(ok=ok, max_abs=max_abs, max_rel=max_rel)


def fresh_copy(lib, arch):
    """Same architecture, newly initialised weights."""
    m = lib.models.clone_model(arch)
    if not m.built:  # pragma: no cover
        m.build(arch.input_shape)
    return m


def load_compiled(lib, path):
    """load_model(compile=True); the model must be compiled and evaluate() must run."""
    m = lib.models.load_model(path, compile=True)
    if getattr(m, "optimizer", None) is None or getattr(m, "loss", None) is None:
        raise RuntimeError("the model came back uncompiled (no optimizer or loss)")
    return m


def evaluate_once(m, xs, ys):
    try:
        m.evaluate(xs[0] if len(xs) == 1 else list(xs), ys[0] if len(ys) == 1 else list(ys),
                   verbose=0)
    except (tf.errors.UnimplementedError, tf.errors.InvalidArgumentError):
        # channels_first Conv2D has no CPU kernel in TF (see run()); the compile state was read
        pass
    return m


def check_model(stem, d, layout, rtol, atol, compile_=False):
    base = os.path.join(d, stem)
    xs, ys, yt = load_npz(base + ".npz")
    lay = LAYOUTS[layout]
    found = {k: [base + s for s in sfx if os.path.exists(base + s)] for k, sfx in lay.items()}
    results = []

    def attempt(label, fn, want):
        try:
            r = compare(run(fn(), xs), want, rtol, atol)
        except Exception as e:  # noqa: BLE001
            msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
            r = dict(ok=False, max_abs=None, max_rel=None, error=msg)
        r["check"] = label
        results.append(r)

    keras_file = found["keras"][0] if found["keras"] else None
    k3_models = [p for p in found["legacy_model"]]
    tfk_models = [p for p in found["legacy_model"]
                  if TFK_READS_MODEL.get(next(s for s in lay["legacy_model"] if p.endswith(s)), True)]

    # Keras 3
    arch3 = {}

    def k3_arch():
        if "m" not in arch3:
            src = keras_file or (k3_models[0] if k3_models else None)
            if src is None:
                raise FileNotFoundError("no .keras or legacy model file to take the architecture from")
            arch3["m"] = keras.models.load_model(src, compile=False)
        return arch3["m"]

    if keras_file:
        attempt(f"keras3:load_model({os.path.basename(keras_file)})",
                lambda: keras.models.load_model(keras_file, compile=False), ys)
    for p in k3_models:
        if compile_:
            attempt(f"keras3:load_model({os.path.basename(p)}, compile=True)",
                    lambda p=p: evaluate_once(load_compiled(keras, p), xs, ys), ys)
        else:
            attempt(f"keras3:load_model({os.path.basename(p)})",
                    lambda p=p: keras.models.load_model(p, compile=False), ys)
    for p in found["weights"] + found["legacy_weights"]:
        def k3w(p=p):
            m = fresh_copy(keras, k3_arch())
            m.load_weights(p)
            return m
        attempt(f"keras3:arch+load_weights({os.path.basename(p)})", k3w, ys)

    # tf_keras (legacy Keras 2 files)
    if tf_keras is not None:
        for p in tfk_models:
            if compile_:
                attempt(f"tf_keras:load_model({os.path.basename(p)}, compile=True)",
                        lambda p=p: evaluate_once(load_compiled(tf_keras, p), xs, yt), yt)
            else:
                attempt(f"tf_keras:load_model({os.path.basename(p)})",
                        lambda p=p: tf_keras.models.load_model(p, compile=False), yt)
        for p in found["legacy_weights"]:
            def tkw(p=p):
                if not tfk_models:
                    raise FileNotFoundError("no legacy model file to take the tf_keras architecture from")
                m = fresh_copy(tf_keras, tf_keras.models.load_model(tfk_models[0], compile=False))
                m.load_weights(p)
                return m
            attempt(f"tf_keras:arch+load_weights({os.path.basename(p)})", tkw, yt)
    keras.backend.clear_session()
    if tf_keras is not None:
        tf_keras.backend.clear_session()
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--layout", choices=sorted(LAYOUTS), default="pipeseq")
    ap.add_argument("--models", nargs="*", help="model stems (default: every <model>.npz in DIR)")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--allow-errors", action="store_true", help="report load errors without failing")
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--compile", action="store_true",
                    help="load model files with compile=True and run evaluate() once")
    args = ap.parse_args(argv)

    def is_model_npz(f):
        with np.load(os.path.join(args.dir, f)) as d:
            return ("y" in d.files or "y0" in d.files) and ("x" in d.files or "x0" in d.files)

    stems = args.models or sorted(f[:-4] for f in os.listdir(args.dir) if f.endswith(".npz") and is_model_npz(f))
    print(f"keras {keras.__version__}, tf_keras {getattr(tf_keras, '__version__', 'missing')}; "
          f"layout {args.layout}; rtol {args.rtol} atol {args.atol}")
    all_results, n_fail, n_err, n = {}, 0, 0, 0
    for stem in stems:
        if not os.path.exists(os.path.join(args.dir, stem + ".npz")):
            print(f"{stem}: no {stem}.npz")
            n_fail += 1
            continue
        res = check_model(stem, args.dir, args.layout, args.rtol, args.atol, args.compile)
        all_results[stem] = res
        if not res:
            print(f"{stem}: no model files")
        for r in res:
            n += 1
            if "error" in r and r["max_abs"] is None:
                n_err += 1
                status = "ERROR"
            elif r["ok"]:
                status = "ok"
            else:
                n_fail += 1
                status = "DIFF"
            nums = ("" if r["max_abs"] is None else
                    f"max_abs={r['max_abs']:.3g} max_rel={r['max_rel']:.3g}")
            print(f"{status:5s} {stem:34s} {r['check']:58s} {nums} {r.get('error', '')}".rstrip())
    print(f"{n} checks: {n - n_fail - n_err} ok, {n_fail} differ, {n_err} could not load")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(all_results, fh, indent=1)
    bad = n_fail or (n_err and not args.allow_errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
