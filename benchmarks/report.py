"""Turn the suite's results into a text table and ``docs/performance.md``.

A hand-written section of the docs page between ``<!-- notes -->`` and
``<!-- /notes -->`` survives regeneration.
"""
import datetime
import os
import re

from .workloads import SHORT_MIN_REPEATS, SHORT_WORKLOADS, WORKLOADS

# Targets of issue 22, all on one run's warm times: W1-W6 at most the faster peer (Keras 3 or
# PyTorch); W4 and W7 at most 0.1x Keras; W8 at most Keras; W1 within 2x its GEMM bound; under
# contention, each pipeseq/Keras ratio within 1.2x of the idle one.
PEER_TARGETS = {w: 1.0 for w in ("W1", "W2", "W3", "W4", "W5", "W6")}
KERAS_TARGETS = {"W4": 0.1, "W7": 0.1, "W8X": 1.0, "W8R": 1.0, "W8M": 1.0, "W8E": 1.0}
GEMM_BOUND_TARGET = 2.0
CONTENTION_TARGET = 1.2
IMPL_LABELS = {"pipeseq": "pipeseq", "keras": "Keras 3 (TF)", "torch": "PyTorch"}


def _fmt_s(x):
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def _fmt_rate(x):
    if x is None:
        return "-"
    return f"{x:,.0f}"


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def ratio_stats(results, wid, other, key="workloads"):
    """pipeseq's warm time over ``other``'s, repeat by repeat (the runs alternate):
    ``(median, min, max)`` of the paired ratios, or None."""
    w = results.get(key, {}).get(wid, {})
    a, b = w.get("pipeseq", {}), w.get(other, {})
    if a.get("status") != "ok" or b.get("status") != "ok":
        return None
    pa, pb = a.get("warm_all") or [a["warm"]], b.get("warm_all") or [b["warm"]]
    pairs = [x / y for x, y in zip(pa, pb) if y] or [a["warm"] / b["warm"]]
    return _median(pairs), min(pairs), max(pairs)


def _ratio(results, wid, other, key="workloads"):
    r = ratio_stats(results, wid, other, key)
    return None if r is None else r[0]


def _fmt_ratio(r):
    if r is None:
        return ""
    return f"{r[0]:.2f}" + (f" ({r[1]:.2f}-{r[2]:.2f})" if r[2] > r[1] else "")


def _spread(e):
    allw = e.get("warm_all") or []
    return f" ({_fmt_s(min(allw))}-{_fmt_s(max(allw))})" if len(allw) > 1 else ""


def table_rows(results, key="workloads"):
    """Rows: workload, implementation, cold s, warm s (spread), samples/s, ratios to the peers."""
    rows = []
    for wid, entry in results.get(key, {}).items():
        title = f"{wid} {WORKLOADS[wid][0]}"
        for impl, e in entry.items():
            if e.get("status") in ("unavailable", "skipped") and impl != "pipeseq":
                continue
            if e.get("status") != "ok":
                rows.append([title, IMPL_LABELS[impl], f"{e.get('status')}: {e.get('reason')}",
                             "", "", "", ""])
                continue
            rk = ratio_stats(results, wid, "keras", key) if impl == "pipeseq" else None
            rt = ratio_stats(results, wid, "torch", key) if impl == "pipeseq" else None
            rows.append([title, IMPL_LABELS[impl], _fmt_s(e.get("cold")),
                         _fmt_s(e["warm"]) + _spread(e), _fmt_rate(e.get("samples_per_s")),
                         _fmt_ratio(rk), _fmt_ratio(rt)])
    return rows


HEADERS = ["workload", "implementation", "cold s", "warm s (min-max)", "samples/s",
           "pipeseq/Keras", "pipeseq/PyTorch"]


def _markdown(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _plain(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*map(str, r)) for r in rows])


def _status(r, limit):
    return "met" if r <= limit else f"NOT met ({r / limit:.2f}x over)"


def target_rows(results, key="workloads"):
    """Rows: target, goal, ratio, status -- for the pass stored under ``key``."""
    rows = []
    work = results.get(key, {})
    for wid in work:
        if wid in PEER_TARGETS:
            rs = [(r, lab) for r, lab in ((_ratio(results, wid, "keras", key), "Keras"),
                                          (_ratio(results, wid, "torch", key), "PyTorch"))
                  if r is not None]
            if rs:
                r, lab = max(rs)                   # the faster peer gives the larger ratio
                rows.append([f"{wid} vs the faster peer ({lab})", f"<= {PEER_TARGETS[wid]}",
                             f"{r:.2f}", _status(r, PEER_TARGETS[wid])])
            else:
                rows.append([f"{wid} vs the faster peer", f"<= {PEER_TARGETS[wid]}", "-",
                             "no peer measured in this run"])
        if wid in KERAS_TARGETS:
            r = _ratio(results, wid, "keras", key)
            rows.append([f"{wid} vs Keras", f"<= {KERAS_TARGETS[wid]}",
                         "-" if r is None else f"{r:.2f}",
                         "Keras not measured in this run" if r is None
                         else _status(r, KERAS_TARGETS[wid])])
    g = results.get("gemm") or {}
    w1 = work.get("W1", {}).get("pipeseq", {})
    if g and w1.get("status") == "ok" and key == "workloads":
        r = w1["warm"] / g["w1_bound_s"]
        rows.append(["W1 / GEMM bound", f"<= {GEMM_BOUND_TARGET}", f"{r:.2f}",
                     _status(r, GEMM_BOUND_TARGET)])
    return rows


def contention_rows(results):
    """Rows: workload, idle pipeseq/Keras, contention pipeseq/Keras, their quotient, status."""
    rows = []
    for wid in results.get("contention_workloads", {}):
        a = _ratio(results, wid, "keras", "workloads")
        b = _ratio(results, wid, "keras", "contention_workloads")
        if a is None or b is None:
            continue
        rows.append([wid, f"{a:.2f}", f"{b:.2f}", f"{b / a:.2f}",
                     _status(b / a, CONTENTION_TARGET)])
    return rows


def _gemm_lines(results):
    g = results.get("gemm")
    if not g:
        return []
    return [f"float32 GEMM peak: {g['peak_gflops']:.1f} GFLOP/s ({g['peak_size']}x{g['peak_size']}"
            f" squares); at W1's batch-128 shapes: {g['w1_shapes_gflops']:.1f} GFLOP/s.",
            f"W1 epoch bound from the peak: {g['w1_flops'] / 1e9:.1f} GFLOP of matrix products "
            f"-> {g['w1_bound_s']:.3f} s; the same products timed at W1's shapes: "
            f"{g['w1_gemm_epoch_s']:.3f} s."]


def _mode_title(results, key):
    mode = results.get("mode" if key == "workloads" else "second_mode", "idle")
    if mode == "contention":
        return (f"under contention (a busy loop pinned to CPU {results.get('competitor_cpu')}; "
                f"load average at the end {_load(results, key)})")
    return f"idle (load average at the end {_load(results, key)})"


def _load(results, key):
    la = results.get(key + "_load")
    return "?" if not la else ", ".join(f"{x:.1f}" for x in la)


def _passes(results):
    return [k for k in ("workloads", "contention_workloads") if results.get(k)]


def text_report(results):
    lines = [f"BLAS kernel: {results.get('kernel')}", *_gemm_lines(results)]
    for key in _passes(results):
        lines += ["", _mode_title(results, key), _plain(HEADERS, table_rows(results, key))]
        t = target_rows(results, key)
        if t:
            lines += ["", _plain(["target", "goal", "ratio", "status"], t)]
    c = contention_rows(results)
    if c:
        lines += ["", _plain(CONTENTION_HEADERS, c)]
    skipped = [f"{i}: {e.get('reason')}" for i, e in results["impls"].items() if not e["available"]]
    if skipped:
        lines += ["", "peers not measured: " + "; ".join(skipped)]
    return "\n".join(lines)


CONTENTION_HEADERS = ["workload", "idle pipeseq/Keras", "contention pipeseq/Keras",
                      "contention / idle", f"<= {CONTENTION_TARGET}"]


def _versions(results):
    out = []
    for impl, e in results["impls"].items():
        out.append(f"- {IMPL_LABELS[impl]}: " + (e["version"] if e["available"] else
                                                 f"not measured ({e.get('reason')})"))
    return out


def _result_sections(results):
    out = []
    for key in _passes(results):
        out += [f"## Results, {_mode_title(results, key)}", "",
                "Seconds per call (W4: one `fit` of 10 epochs; W5: one `predict`; W7: one "
                "interpreter start with the import), samples/s from the warm time; ratios are "
                "medians (and ranges) of the repeat-by-repeat quotients of warm times.", "",
                _markdown(HEADERS, table_rows(results, key)), "",
                "### Targets", "",
                _markdown(["target", "goal", "ratio", "status"], target_rows(results, key)), ""]
    c = contention_rows(results)
    if c:
        out += ["## Contention against idle (pipeseq/Keras ratios)", "",
                _markdown(CONTENTION_HEADERS, c), ""]
    return out


def write_docs(results, path, command):
    notes = ""
    if os.path.exists(path):
        m = re.search(r"<!-- notes -->.*?<!-- /notes -->", open(path).read(), re.S)
        notes = m.group(0) if m else ""
    m, b = results["machine"], results.get("blas") or {}
    args = results["args"]
    removed = results.get("removed_env") or {}
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        "# Performance", "",
        f"Regenerate with `{command}` (from the repository root, in an environment where "
        "Keras 3 and PyTorch are importable to get the ratios; without them the peers are "
        "skipped with a note). Generated " + when + ".", "",
        "Each implementation runs in its own worker process; the suite alternates between them "
        f"repeat by repeat and reports medians of {args['repeats']} repeats "
        f"({args.get('contention_repeats', args['repeats'])} under contention; at least "
        f"{SHORT_MIN_REPEATS} for the short workloads {', '.join(SHORT_WORKLOADS)}). "
        "Every repeat builds a "
        "fresh model and times a first (cold) call and a second (warm) call; ratios compare warm "
        "times. Data are synthetic float32 arrays with fixed seeds. Threads are pinned to "
        f"{args['threads']} for every library (OMP/OPENBLAS/MKL_NUM_THREADS, "
        "`torch.set_num_threads`, TensorFlow intra/inter-op pools). The contention pass runs one "
        "CPU-bound competitor process (a Python busy loop pinned to the last core) for every "
        "implementation alike.", "",
        "## Machine", "",
        f"- CPU: {m['cpu']} ({m['logical_cpus']} logical CPUs), memory {m['memory_gib']} GiB",
        f"- OS: {m['os']}; Python {m['python']}; NumPy {b.get('numpy')}",
        f"- BLAS: {results.get('kernel')}",
        f"- load average when the run started: {m.get('load_average')}",
        "- BLAS overrides removed for this run: " + (", ".join(f"{k}={v}" for k, v in removed.items())
                                                     if removed else "none were set"),
        *_versions(results), "",
        "## Throughput bound", "", *[f"- {x}" for x in _gemm_lines(results)], "",
        *_result_sections(results),
        "## Workloads", "",
        *[f"- **{wid} {t}**: {d}" for wid, (t, d, _) in WORKLOADS.items()], "",
    ]
    if notes:
        lines += ["## Notes", "", notes, ""]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, path)
