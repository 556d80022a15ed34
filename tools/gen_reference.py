"""Generate docs/reference.md from the code: one table per family.

Families: layers, losses, metrics, optimizers, callbacks, activations,
initializers (plus regularizers/constraints and compat's Keras 1/2 spellings).
Every row is read from pipeseq itself:

* layers -- the registry ``pipeseq.layers.base.LAYER_CLASSES`` (after
  ``_import_all_layers()``), the R names from ``pipeseq.r.layers`` tables;
* losses, metrics, optimizers, initializers, activations -- the name tables of
  ``pipeseq.training.*``, ``pipeseq.initializers`` and ``pipeseq.kernels.activations``;
* R names -- the vocabulary tables in ``pipeseq.r.vocab`` / ``pipeseq.r.layers``;
* arguments and defaults -- ``inspect.signature`` of each ``__init__`` (walking
  the class hierarchy through ``**kwargs``).

Usage::

    python tools/gen_reference.py           # rewrite docs/reference.md
    python tools/gen_reference.py --check   # exit 1 if docs/reference.md is stale

``tests/test_reference_tables.py`` asserts the committed file equals the output.
"""
import argparse
import inspect
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(ROOT, "docs", "reference.md")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

_SKIP_PARAMS = {"self", "args", "kwargs"}


# ------------------------------------------------------------------ helpers
def fmt_default(value):
    """A default value as it reads in Python source; never a memory address."""
    if isinstance(value, float) and value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:g}"
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    text = repr(value)
    if " at 0x" in text:
        return type(value).__name__
    return text


def init_params(cls, stop=()):
    """``[(name, default or inspect._empty)]`` of ``cls.__init__``, following ``**kwargs`` up the MRO.

    Classes in ``stop`` (and everything above them) are not walked.
    """
    out, seen = [], set()
    for klass in cls.__mro__:
        if klass is object or klass in stop:
            break
        if "__init__" not in klass.__dict__:
            continue
        try:
            params = inspect.signature(klass.__dict__["__init__"]).parameters.values()
        except (TypeError, ValueError):
            continue
        has_var_kw = False
        for p in params:
            if p.kind == p.VAR_KEYWORD:
                has_var_kw = True
            if p.name in _SKIP_PARAMS or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            if p.name not in seen:
                seen.add(p.name)
                out.append((p.name, p.default))
        if not has_var_kw:
            break
    return out


def fmt_params(params, extra=None):
    parts = []
    for name, default in params:
        parts.append(name if default is inspect.Parameter.empty else f"{name}={fmt_default(default)}")
    for name, default in (extra or {}).items():
        if name not in {n for n, _ in params}:
            parts.append(f"{name}={fmt_default(default)}")
    return ", ".join(parts) if parts else "—"


def code(text):
    return f"`{text}`" if text and text != "—" else "—"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ families
def layers_section():
    from pipeseq.r import layers as pipe_layers
    from pipeseq.layers import base

    base._import_all_layers()
    registry = dict(base.LAYER_CLASSES)
    r_tables = {**pipe_layers.R_LAYERS, **pipe_layers.R_MERGE_LAYERS, **pipe_layers.R_WRAPPERS}
    r_by_class = {}
    for r_name, (class_name, _) in r_tables.items():
        r_by_class.setdefault(class_name, []).append(r_name)
    try:
        from compat.layers import _specs
        legacy_classes = _specs.LEGACY_CLASSES
    except ImportError:      # compat not present
        legacy_classes = {}

    # One row per layer class: its canonical Keras name is the class's own name.
    from pipeseq.models.model import Model
    classes = {}
    for key, cls in registry.items():
        if isinstance(cls, type) and issubclass(cls, Model):
            continue
        classes.setdefault(cls, set()).add(key)
    base_layer = base.Layer
    rows = []
    for cls in sorted(classes, key=lambda c: c.__name__):
        keras_name = cls.__name__
        aliases = sorted(k for k in classes[cls] if k != keras_name)
        aliases += sorted(k for k, (target, _) in legacy_classes.items()
                          if target == keras_name and k != keras_name and k not in aliases)
        r_names = r_by_class.get(keras_name, [])
        params = init_params(cls, stop=(base_layer,))
        rows.append((code(keras_name), ", ".join(code(r) for r in r_names) or "—",
                     ", ".join(code(a) for a in aliases) or "—", code(fmt_params(params))))
    missing = sorted((r, c) for r, (c, _) in r_tables.items() if c not in registry)
    common = fmt_params(init_params(base_layer))
    text = [
        "## Layers",
        "",
        "Every layer registered in `pipeseq.layers.base.LAYER_CLASSES`. The Keras name is the class "
        "(`pipeseq.layers.X`, `compat.layers.X`, and the `class_name` in Keras files); the R name is "
        "the pipe-DSL function (`from pipeseq import *`); *also known as* lists other names that "
        "resolve to the same class (Keras aliases, Keras 1 names accepted by `compat.layers` and "
        "by the file loaders).",
        "",
        f"Every layer also accepts the common arguments: `{common}`.",
        "",
        table(["Keras name", "R name", "also known as", "arguments and defaults"], rows),
    ]
    if missing:
        text += ["", "R layer functions whose Keras class is not registered in this pipeseq:", "",
                 table(["R name", "Keras class"], [(code(r), code(c)) for r, c in missing])]
    return "\n".join(text)


def losses_section():
    from pipeseq.r import vocab as pipe_vocab
    from pipeseq.training import losses

    r_names = {n: [f"loss_{n}"] for n in pipe_vocab._LOSSES}
    for alias, target in pipe_vocab._LOSS_ALIASES.items():
        r_names.setdefault(target, []).append(f"loss_{alias}")
    aliases = {}
    for alias, target in losses.ALIASES.items():
        aliases.setdefault(target, []).append(alias)
    rows = []
    for fn_name, class_name in sorted(losses.CLASS_NAMES.items()):
        cls = losses.LOSS_CLASSES[class_name]
        defaults = losses._CLASS_DEFAULTS.get(fn_name, {})
        params = fmt_params(init_params(cls, stop=(losses.Loss,)), extra=defaults)
        rows.append((code(repr(fn_name)), ", ".join(code(a) for a in sorted(aliases.get(fn_name, []))) or "—",
                     code(class_name), ", ".join(code(r) for r in r_names.get(fn_name, [])) or "—",
                     code(params)))
    from pipeseq.training import extra_losses
    for fn_name, cls in sorted(extra_losses.FUNCTIONS.items()):
        params = fmt_params(init_params(cls, stop=(losses.Loss,)), extra=cls._options)
        rows.append((code(repr(fn_name)), "—", code(cls.__name__), code(f"loss_{fn_name}"),
                     code(params)))
    return "\n".join([
        "## Losses",
        "",
        "`compile(loss=...)` takes the string, the class (`pipeseq.training.losses.X`, "
        "`compat.losses.X`) or an instance with options, or the R object (uncalled, called with "
        "options, or called on `(y_true, y_pred)`). A near-miss string gets a \"Did you mean\" "
        "suggestion.",
        "",
        table(["string", "aliases", "Keras class", "R name", "arguments and defaults"], rows),
    ])


def metrics_section():
    from pipeseq.r import vocab as pipe_vocab
    from pipeseq.training import metrics

    aliases = {}
    for alias, target in metrics._ALIASES.items():
        aliases.setdefault(target, []).append(alias)
    r_for = {n: f"metric_{n}" for n in pipe_vocab._METRICS}
    cls_for = {n: c for n, c in pipe_vocab._METRICS.items() if c}
    rows = [(code("'accuracy'"), ", ".join(code(a) for a in sorted(aliases.get("accuracy", []))),
             "chosen from the shapes and the loss: binary, sparse or categorical accuracy", "—", "—"),
            (code("'crossentropy'"), ", ".join(code(a) for a in sorted(aliases.get("crossentropy", []))),
             "chosen like `accuracy`: binary, sparse or categorical crossentropy", "—", "—")]
    for name in sorted(metrics._FUNCTIONS):
        cls_name = cls_for.get(name)
        if cls_name and cls_name in metrics.METRIC_CLASSES:
            cls = metrics.METRIC_CLASSES[cls_name]
            closure = dict(zip(cls.__init__.__code__.co_freevars,
                               (c.cell_contents for c in cls.__init__.__closure__ or ())))
            params = fmt_params([("name", None)], extra=closure.get("defaults", {}))
            keras = code(cls_name)
        else:
            params, keras = "name=None", "function"
        rows.append((code(repr(name)), ", ".join(code(a) for a in sorted(aliases.get(name, []))) or "—",
                     keras if keras == "function" else keras, code(r_for.get(name, "—")), code(params)))
    extra = [n for n in pipe_vocab.__all__ if n.startswith("metric_")
             and n[len("metric_"):] not in pipe_vocab._METRICS]
    text = [
        "## Metrics",
        "",
        "`compile(metrics=...)` takes strings, R `metric_*` objects, metric objects or any function "
        "`f(y_true, y_pred)` (logged under its `__name__`; `{\"name\": fn}` to rename).",
        "",
        table(["string", "aliases", "Keras class / kind", "R name", "arguments and defaults"], rows),
    ]
    if extra:
        text += ["", "Also in the R vocabulary: " + ", ".join(code(n) for n in extra) + "."]
    classes = sorted({c.__name__: c for c in metrics._REGISTRY.values()
                      if c.__name__ not in metrics.METRIC_CLASSES}.items())
    crows = [(code(n), code(repr(metrics.snake_case(n))),
              code(fmt_params(init_params(c, stop=(metrics.Metric,)))))
             for n, c in classes]
    text += ["", "Streaming metric classes (`pipeseq.training.metrics.X`, `compat.metrics.X`; "
             "the string is their snake_case name, e.g. `metrics=['auc']`):", "",
             table(["class", "string", "arguments and defaults"], crows)]
    return "\n".join(text)


def optimizers_section():
    from pipeseq.r import vocab as pipe_vocab
    from pipeseq.training import optimizers

    r_for = {c: r for r, c in pipe_vocab._OPTIMIZERS.items()}
    rows = []
    for key, cls in optimizers.OPTIMIZERS.items():
        own = init_params(cls, stop=(optimizers.Optimizer,))
        rows.append((code(repr(key)), code(cls.__name__), code(r_for.get(cls.__name__, "—")),
                     code(fmt_params(own))))
    common = fmt_params(init_params(optimizers.Optimizer))
    return "\n".join([
        "## Optimizers",
        "",
        "Strings give the Keras defaults; classes are `pipeseq.training.optimizers.X` "
        "(`compat.optimizers.X`). R functions accept `lr=` as well as `learning_rate=`.",
        "",
        f"Every optimizer also accepts: `{common}`.",
        "",
        table(["string", "Keras class", "R name", "arguments and defaults"], rows),
    ])


def callbacks_section():
    from pipeseq.r import vocab as pipe_vocab
    from pipeseq.training import callbacks

    r_for = {c: r for r, c in pipe_vocab._CALLBACKS.items()}
    names = sorted(n for n, obj in vars(callbacks).items()
                   if isinstance(obj, type) and issubclass(obj, callbacks.Callback)
                   and obj is not callbacks.Callback and not n.startswith("_"))
    rows = []
    for n in names:
        cls = getattr(callbacks, n)
        rows.append((code(n), code(r_for.get(n, "—")),
                     code(fmt_params(init_params(cls, stop=(callbacks.Callback,))))))
    return "\n".join([
        "## Callbacks",
        "",
        "Classes are `pipeseq.training.callbacks.X` (`compat.callbacks.X`); pass a list to "
        "`fit(callbacks=[...])`. `History` and `ProgbarLogger` are added by `fit` itself.",
        "",
        table(["Keras class", "R name", "arguments and defaults"], rows),
    ])


def activations_section():
    from pipeseq.kernels import activations

    aliases = {}
    for alias, target in activations._ALIASES.items():
        if isinstance(alias, str) and alias != "None":
            aliases.setdefault(target, []).append(alias)
    rows = []
    for name in sorted(activations._TABLE):
        fwd = activations._TABLE[name][0]
        params = []
        if inspect.isfunction(fwd):   # NumPy ufuncs (tanh, exp) have no keyword options of ours
            params = [(p.name, p.default) for p in list(inspect.signature(fwd).parameters.values())[1:]
                      if p.default is not inspect.Parameter.empty]
        rows.append((code(repr(name)), ", ".join(code(a) for a in aliases.get(name, [])) or "—",
                     code(fmt_params(params)) if params else "—"))
    return "\n".join([
        "## Activations",
        "",
        "Given by name (`activation=\"relu\"`, the same string in R and Python) or as a layer "
        "(`layer_activation(activation=...)`, `Activation(...)`); `None` means `\"linear\"`. "
        "pipeseq has no R `activation_*()` functions: use the strings. Keras 1/2's "
        "`hard_sigmoid` (slope 0.2) is `\"legacy_hard_sigmoid\"`; Keras 3's is `\"hard_sigmoid\"`.",
        "",
        table(["name", "aliases", "keyword arguments of the function"], rows),
    ])


def initializers_section():
    from pipeseq import initializers
    from pipeseq.r import vocab as pipe_vocab

    r_for = {c: r for r, c in pipe_vocab._INITIALIZERS.items()}
    by_class = {}
    for key, cls in initializers._REGISTRY.items():
        by_class.setdefault(cls, []).append(key)
    rows = []
    for cls in sorted(by_class, key=lambda c: c.__name__):
        strings = sorted(k for k in by_class[cls] if k.islower())
        others = sorted(k for k in by_class[cls] if not k.islower() and k != cls.__name__)
        rows.append((code(cls.__name__), ", ".join(code(repr(s)) for s in strings) or "—",
                     ", ".join(code(o) for o in others) or "—", code(r_for.get(cls.__name__, "—")),
                     code(fmt_params(init_params(cls, stop=(initializers.Initializer,))))))
    return "\n".join([
        "## Initializers",
        "",
        "Classes are `pipeseq.initializers.X` (`compat.initializers.X`); strings give the defaults.",
        "",
        table(["Keras class", "strings", "also known as", "R name", "arguments and defaults"], rows),
    ])


def regularizers_section():
    from pipeseq import regularizers
    from pipeseq.r import vocab as pipe_vocab

    rows = []
    for r_name in [n for n in pipe_vocab.__all__ if n.startswith(("regularizer_", "constraint_"))]:
        fn = getattr(pipe_vocab, r_name)
        target = pipe_vocab._CONSTRAINTS.get(r_name)
        if target:
            cls = getattr(regularizers, target)
            params = fmt_params(init_params(cls))
        else:
            target = {"regularizer_l1": "L1", "regularizer_l2": "L2",
                      "regularizer_l1_l2": "L1L2"}.get(r_name, "—")
            params = fmt_params([(p.name, p.default) for p in inspect.signature(fn).parameters.values()])
        rows.append((code(target), code(r_name), code(params)))
    return "\n".join([
        "## Regularizers and constraints",
        "",
        "Classes are `pipeseq.regularizers.X`; strings `'l1'`, `'l2'`, `'l1_l2'` work too.",
        "",
        table(["Keras class", "R name", "arguments and defaults"], rows),
    ])


def compat_section():
    try:
        from compat.layers import _specs
    except ImportError:
        return ""
    rows = []
    for class_name, spec in sorted(_specs.SPECS.items()):
        items = [f"{old} → {new}" for old, new in sorted(spec.renames.items())]
        items += [f"{old} (only {', '.join(repr(v) for v in allowed)}; dropped)"
                  if isinstance(allowed, tuple) and type(allowed) is tuple else f"{old} (ignored)"
                  for old, (allowed, _) in sorted(spec.removed.items())]
        if spec.pre is not None:
            items.append({"_conv2d_pre": f"{class_name}(filters, rows, cols) → kernel_size=(rows, cols)",
                          "_conv3d_pre": f"{class_name}(filters, d1, d2, d3) → kernel_size=(d1, d2, d3)",
                          "_rnn_pre": "input_dim, input_length → input_shape=(input_length, input_dim); "
                                      "forget_bias_init='one' → unit_forget_bias=True"}
                         .get(spec.pre.__name__, spec.pre.__name__))
        values = [f"{old}={v!r} means {spec.renames.get(old, old)}={t!r}"
                  for old, conv in sorted(spec.values.items()) for v, t in conv.items()
                  if t is not _specs.DROP]
        rows.append((code(class_name), "; ".join(items), "; ".join(values) or "—"))
    names = [(code(old), code(target)) for old, (target, _) in sorted(_specs.LEGACY_CLASSES.items())]
    other = []
    import importlib
    try:
        from compat import models as cmodels
        for meth, spec in (("Model.fit", getattr(cmodels, "FIT", None)),
                           ("Model.evaluate", getattr(cmodels, "EVALUATE", None))):
            if spec is not None:
                other.append((code(f"compat.models.{meth}"), "; ".join(_spec_items(spec))))
    except ImportError:
        pass
    for mod_name in ("optimizers", "callbacks", "constraints", "regularizers", "initializers",
                     "losses", "metrics", "activations"):
        try:
            mod = importlib.import_module(f"compat.{mod_name}")
        except ImportError:
            continue
        for name, obj in sorted(vars(mod).items()):
            spec = isinstance(obj, type) and obj.__dict__.get("_compat_spec")
            if spec and spec.legacy_names() and obj.__name__ == name:
                other.append((code(f"compat.{mod_name}.{name}"), "; ".join(_spec_items(spec))))
    return "\n".join([
        "## compat: Keras 1/2 spellings of layer arguments",
        "",
        "`compat.layers` accepts these legacy spellings, translates them to the modern argument "
        "and warns once per spelling (`DeprecationWarning`). Giving both spellings of one argument "
        "is a `TypeError`. Read from `compat/layers/_specs.py`.",
        "",
        table(["layer", "legacy argument → modern argument", "legacy values"], rows),
        "",
        "Keras 1 class names:",
        "",
        table(["compat name", "pipeseq class"], names),
        "",
        "Keras 1/2 spellings outside the layers:",
        "",
        table(["compat callable", "legacy argument → modern argument"], other),
    ])


def _spec_items(spec):
    items = [f"{old} → {new}" for old, new in sorted(spec.renames.items())]
    items += [f"{old} (ignored)" for old in sorted(spec.removed)]
    items += [f"{k} (deprecated, still applied)" for k in sorted(spec.warn_only)]
    return items


def build_reference():
    """The full text of docs/reference.md."""
    sections = [
        "# Reference",
        "",
        "<!-- GENERATED by tools/gen_reference.py from the code. Do not edit by hand: run "
        "`python tools/gen_reference.py` (tests/test_reference_tables.py checks it). -->",
        "",
        "One table per family, read from the code: every name, its R name (the pipe DSL, "
        "`from pipeseq import *`), its Keras name, and its arguments with their defaults. "
        "See [the pipe DSL guide](pipe-dsl.md) for the verbs and [porting Keras code]"
        "(porting-keras.md) for `compat`.",
        "",
        "Contents: [Layers](#layers) · [Losses](#losses) · [Metrics](#metrics) · "
        "[Optimizers](#optimizers) · [Callbacks](#callbacks) · [Activations](#activations) · "
        "[Initializers](#initializers) · [Regularizers and constraints](#regularizers-and-constraints)"
        " · [compat spellings](#compat-keras-12-spellings-of-layer-arguments)",
        "",
        layers_section(), "",
        losses_section(), "",
        metrics_section(), "",
        optimizers_section(), "",
        callbacks_section(), "",
        activations_section(), "",
        initializers_section(), "",
        regularizers_section(),
    ]
    compat = compat_section()
    if compat:
        sections += ["", compat]
    return "\n".join(sections).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/reference.md is stale")
    parser.add_argument("--out", default=TARGET)
    args = parser.parse_args(argv)
    text = build_reference()
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{os.path.relpath(args.out, ROOT)} is stale: run `python tools/gen_reference.py`.")
            return 1
        print(f"{os.path.relpath(args.out, ROOT)} is up to date.")
        return 0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(args.out, ROOT)} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
