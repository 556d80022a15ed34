"""Turn the suite's results into a text table and ``docs/performance.md``.

A hand-written section of the docs page between ``<!-- notes -->`` and
``<!-- /notes -->`` survives regeneration.
"""
import datetime
import os
import re

from .workloads import WORKLOADS

# Targets: pipeseq's warm time divided by Keras's, same machine, same run (issue 10).
TARGETS = {"W1": 0.8, "W2": 1.3, "W3": 1.0, "W4": 0.1, "W5": 1.0, "W6": 1.0, "W7": 0.1,
           "W8X": 1.0, "W8R": 1.0, "W8M": 1.0, "W8E": 1.0}
GEMM_BOUND_TARGET = 1.5
IMPL_LABELS = {"pipeseq": "pipeseq", "keras": "Keras 3 (TF)", "torch": "PyTorch"}


def _fmt_s(x):
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def _fmt_rate(x):
    if x is None:
        return "-"
    return f"{x:,.0f}"


def _ratio(results, wid, other):
    w = results["workloads"].get(wid, {})
    a, b = w.get("pipeseq", {}), w.get(other, {})
    if a.get("status") == "ok" and b.get("status") == "ok" and b["warm"]:
        return a["warm"] / b["warm"]
    return None


def table_rows(results):
    """Rows: workload, implementation, cold s, warm s, samples/s, ratio to Keras, ratio to torch."""
    rows = []
    for wid, entry in results["workloads"].items():
        title = f"{wid} {WORKLOADS[wid][0]}"
        for impl, e in entry.items():
            if e.get("status") == "unavailable" and impl != "pipeseq":
                continue
            if e.get("status") != "ok":
                rows.append([title, IMPL_LABELS[impl], f"{e.get('status')}: {e.get('reason')}",
                             "", "", "", ""])
                continue
            rk = _ratio(results, wid, "keras") if impl == "pipeseq" else None
            rt = _ratio(results, wid, "torch") if impl == "pipeseq" else None
            rows.append([title, IMPL_LABELS[impl], _fmt_s(e.get("cold")), _fmt_s(e["warm"]),
                         _fmt_rate(e.get("samples_per_s")), "" if rk is None else f"{rk:.2f}",
                         "" if rt is None else f"{rt:.2f}"])
    return rows


HEADERS = ["workload", "implementation", "cold s", "warm s", "samples/s",
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


def target_rows(results):
    rows = []
    for wid, limit in TARGETS.items():
        if wid not in results["workloads"]:
            continue
        r = _ratio(results, wid, "keras")
        if r is None:
            p = results["workloads"][wid].get("pipeseq", {})
            why = (f"pipeseq {p.get('status')}: {p.get('reason')}" if p.get("status") != "ok"
                   else "Keras not measured in this run")
            rows.append([wid, f"<= {limit}", "-", why])
        else:
            rows.append([wid, f"<= {limit}", f"{r:.2f}", "met" if r <= limit else
                         f"NOT met ({r / limit:.1f}x over)"])
    g = results.get("gemm") or {}
    w1 = results["workloads"].get("W1", {}).get("pipeseq", {})
    if g and w1.get("status") == "ok":
        r = w1["warm"] / g["w1_bound_s"]
        rows.append(["W1 / GEMM bound", f"<= {GEMM_BOUND_TARGET}", f"{r:.2f}",
                     "met" if r <= GEMM_BOUND_TARGET else f"NOT met ({r / GEMM_BOUND_TARGET:.1f}x over)"])
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


def text_report(results):
    lines = [f"BLAS kernel: {results.get('kernel')}", *_gemm_lines(results), "",
             _plain(HEADERS, table_rows(results))]
    t = target_rows(results)
    if t:
        lines += ["", _plain(["target", "goal", "ratio", "status"], t)]
    skipped = [f"{i}: {e.get('reason')}" for i, e in results["impls"].items() if not e["available"]]
    if skipped:
        lines += ["", "peers not measured: " + "; ".join(skipped)]
    return "\n".join(lines)


def _versions(results):
    out = []
    for impl, e in results["impls"].items():
        out.append(f"- {IMPL_LABELS[impl]}: " + (e["version"] if e["available"] else
                                                 f"not measured ({e.get('reason')})"))
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
        f"repeat by repeat and reports medians of {args['repeats']} repeats. Every repeat builds a "
        "fresh model and times a first (cold) call and a second (warm) call; ratios compare warm "
        "times. Data are synthetic float32 arrays with fixed seeds. Threads are pinned to "
        f"{args['threads']} for every library (OMP/OPENBLAS/MKL_NUM_THREADS, "
        "`torch.set_num_threads`, TensorFlow intra/inter-op pools).", "",
        "## Machine", "",
        f"- CPU: {m['cpu']} ({m['logical_cpus']} logical CPUs), memory {m['memory_gib']} GiB",
        f"- OS: {m['os']}; Python {m['python']}; NumPy {b.get('numpy')}",
        f"- BLAS: {results.get('kernel')}",
        f"- load average when the run started: {m.get('load_average')}",
        "- BLAS overrides removed for this run: " + (", ".join(f"{k}={v}" for k, v in removed.items())
                                                     if removed else "none were set"),
        *_versions(results), "",
        "## Throughput bound", "", *[f"- {x}" for x in _gemm_lines(results)], "",
        "## Results", "",
        "Seconds per call (W4: one `fit` of 10 epochs; W5: one `predict`; W7: one interpreter "
        "start with the import), samples/s from the warm time.", "",
        _markdown(HEADERS, table_rows(results)), "",
        "## Targets (pipeseq warm time / Keras warm time)", "",
        _markdown(["target", "goal", "ratio", "status"], target_rows(results)), "",
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
