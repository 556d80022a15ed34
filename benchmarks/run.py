"""Run the benchmark suite: pipeseq beside Keras 3 (TensorFlow) and PyTorch.

Usage::

    python -m benchmarks [--quick] [--only W1,W4] [--repeats N] [--threads 2]
                         [--contention | --mode idle|contention|both] [--contention-repeats N]
                         [--contention-only W1,W3]
                         [--no-peers] [--json FILE] [--write-docs]

Each implementation runs in its own worker process (see
:mod:`benchmarks.worker`); the driver alternates between them, repeat by
repeat, so that drift of the machine affects all alike, and reports medians.
Every repeat builds a fresh model and times two calls: the first ("cold":
graph tracing, buffer allocation, first touches) and the second ("warm").
Ratios compare warm times. Thread pools are pinned for everyone
(``OMP/OPENBLAS/MKL_NUM_THREADS``, ``torch.set_num_threads``, TensorFlow's
intra/inter-op pools).

``--contention`` times every implementation while one CPU-bound competitor
process (a Python busy loop pinned to the last core) runs beside it, the same
competitor for all, started after the idle measurements of the machine;
``--mode both`` runs the idle pass and then the contention pass with the same
workers (by default W1-W6, 2 repeats: the whole run stays within about 15 minutes on
2 cores). ``--write-docs`` runs both unless ``--mode`` says otherwise. ``--write-docs`` writes ``docs/performance.md``; it
runs with ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` removed from the
environment (a machine-wide override that forces an older BLAS kernel).
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

if __package__ in (None, ""):                     # python benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from benchmarks import machine, report                     # noqa: E402  (no NumPy imported)
from benchmarks.workloads import (SHORT_MIN_REPEATS, SHORT_WORKLOADS, WORKLOADS,  # noqa: E402
                                 samples_processed)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMPLS = ("pipeseq", "keras", "torch")
_IMPORTS = {"pipeseq": "pipeseq", "keras": "keras", "torch": "torch"}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes (seconds; the smoke test)")
    p.add_argument("--only", default=None, help="comma-separated workloads, e.g. W1,W4")
    p.add_argument("--repeats", type=int, default=3, help="repeats per workload (median; default 3)")
    p.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    p.add_argument("--mode", choices=("idle", "contention", "both"), default=None,
                   help="idle machine, one busy competitor core, or both passes (default: idle; "
                        "both with --write-docs)")
    p.add_argument("--contention", action="store_true", help="same as --mode contention")
    p.add_argument("--contention-repeats", type=int, default=None,
                   help="repeats of the contention pass (default: 2 with --mode both, else "
                        "--repeats)")
    p.add_argument("--contention-only", default=None,
                   help="workloads of the contention pass (default with --mode both: W1-W6 "
                        "among those selected; W7 and W8 are timed idle only)")
    p.add_argument("--no-peers", action="store_true", help="time pipeseq only")
    p.add_argument("--json", default=None, help="also write the raw results to this JSON file")
    p.add_argument("--write-docs", action="store_true", help="write docs/performance.md")
    p.add_argument("--docs-path", default=os.path.join(ROOT, "docs", "performance.md"))
    args = p.parse_args(argv)
    wids = list(WORKLOADS)
    if args.only:
        wids = [w.strip().upper() for w in args.only.split(",") if w.strip()]
        bad = [w for w in wids if w not in WORKLOADS]
        if bad:
            p.error(f"--only: unknown workload {bad[0]!r}; choose from {', '.join(WORKLOADS)}")
    args.wids = wids
    if args.contention:
        if args.mode not in (None, "contention"):
            p.error(f"--contention contradicts --mode {args.mode}")
        args.mode = "contention"
    if args.mode is None:
        args.mode = "both" if args.write_docs else "idle"
    if args.contention_repeats is None:
        args.contention_repeats = min(2, args.repeats) if args.mode == "both" else args.repeats
    if args.contention_only:
        args.contention_wids = [w.strip().upper() for w in args.contention_only.split(",")
                                if w.strip()]
        bad = [w for w in args.contention_wids if w not in WORKLOADS]
        if bad:
            p.error(f"--contention-only: unknown workload {bad[0]!r}")
    elif args.mode == "both":
        args.contention_wids = [w for w in wids if w in ("W1", "W2", "W3", "W4", "W5", "W6")] \
            or wids
    else:
        args.contention_wids = wids
    if args.repeats < 1 or args.contention_repeats < 1:
        p.error("--repeats must be at least 1")
    return args


def _reexec_without_blas_overrides(argv):
    """--write-docs measures with the default BLAS kernel: drop the overrides and restart."""
    found = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    if not found:
        return
    env = {k: v for k, v in os.environ.items() if k not in found}
    env["PIPESEQ_BENCH_REMOVED_ENV"] = json.dumps(found)
    print(f"note: re-running with {', '.join(found)} unset (was {found})", file=sys.stderr)
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks", *argv], env)


def worker_env(threads):
    env = dict(os.environ)
    for k in machine.THREAD_VARS:
        env[k] = str(threads)
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["TF_NUM_INTRAOP_THREADS"] = env["TF_NUM_INTEROP_THREADS"] = str(threads)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


class Worker:
    """A framework's worker process, spoken to with one JSON line per command."""

    def __init__(self, impl, threads, env):
        self.impl = impl
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.worker", impl, str(threads)],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                                     if impl != "pipeseq" else None, text=True, bufsize=1)
        hello = self._read()
        self.available = hello.get("status") == "ready"
        self.version = hello.get("version")
        self.reason = hello.get("reason")

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            return {"status": "unavailable", "reason": f"{self.impl} worker exited "
                    f"(code {self.proc.poll()})"}
        return json.loads(line)

    def ask(self, **msg):
        try:
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"status": "error", "reason": f"{self.impl} worker died"}
        return self._read()

    def close(self):
        try:
            self.proc.stdin.write(json.dumps({"cmd": "exit"}) + "\n")
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_SPIN = ("import os\ntry:\n    os.sched_setaffinity(0, {%d})\nexcept (AttributeError, OSError):\n"
         "    pass\nwhile True:\n    pass\n")


class Competitor:
    """One CPU-bound process (a busy loop) pinned to the last core, for the contention pass."""

    def __init__(self):
        self.cpu = (os.cpu_count() or 1) - 1
        self.proc = subprocess.Popen([sys.executable, "-c", _SPIN % self.cpu],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def precompile_pipeseq():
    """Write pipeseq's bytecode (``__pycache__``), as ``pip install`` does for an installed
    package; Keras and PyTorch come from wheels with theirs. A checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every module at each W7 start
    (0.75 s of 1.59 s, measured), which no installed pipeseq does."""
    import compileall
    compileall.compile_dir(os.path.join(ROOT, "pipeseq"), quiet=1)


def time_import(module, env):
    """Wall time of ``python -c "import <module>"`` in a fresh interpreter."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", f"import {module}"], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if r.returncode:
        return {"status": "error", "reason": f"import {module} failed: "
                + (r.stderr.strip().splitlines() or ["?"])[-1]}
    return {"status": "ok", "warm": dt}


def _summarise(samples):
    ok = [s for s in samples if s.get("status") == "ok"]
    if not ok:
        first = samples[0] if samples else {"status": "skipped", "reason": "not run"}
        return {"status": first.get("status"), "reason": first.get("reason")}
    out = {"status": "ok", "repeats": len(ok),
           "cold": statistics.median(s["cold"] for s in ok) if "cold" in ok[0] else None,
           "warm": statistics.median(s["warm"] for s in ok),
           "warm_all": [s["warm"] for s in ok]}
    if "check" in ok[0]:
        out["check"] = ok[-1]["check"]
    return out


def run_suite(args, log=print):
    threads = args.threads
    env = worker_env(threads)
    os.environ.update({k: env[k] for k in machine.THREAD_VARS})
    wanted = ["pipeseq"] + ([] if args.no_peers else
                            [i for i in IMPLS[1:] if importlib.util.find_spec(_IMPORTS[i])])
    results = {"args": {"quick": args.quick, "repeats": args.repeats, "threads": threads,
                        "workloads": args.wids, "mode": args.mode,
                        "contention_repeats": args.contention_repeats},
               "machine": machine.describe_machine(),
               "removed_env": json.loads(os.environ.get("PIPESEQ_BENCH_REMOVED_ENV", "{}")),
               "impls": {}, "workloads": {}}
    workers = {}
    try:
        for impl in wanted:
            log(f"starting {impl} worker ...")
            w = Worker(impl, threads, env)
            results["impls"][impl] = {"available": w.available, "version": w.version,
                                      "reason": w.reason}
            if w.available:
                workers[impl] = w
            else:
                log(f"  {impl}: unavailable ({w.reason})")
                w.close()
        for impl in IMPLS:
            if impl not in results["impls"]:
                results["impls"][impl] = {"available": False, "reason": "not installed in this "
                                          "environment" if not args.no_peers else "--no-peers"}
        if "pipeseq" not in workers:
            raise RuntimeError(f"pipeseq itself could not be imported: "
                               f"{results['impls']['pipeseq']['reason']}")
        info = workers["pipeseq"].ask(cmd="machine", quick=args.quick)
        results["blas"], results["kernel"], results["gemm"] = (info.get("blas"), info.get("kernel"),
                                                               info.get("gemm"))
        log(f"BLAS: {results['kernel']}; float32 GEMM peak "
            f"{results['gemm']['peak_gflops']:.0f} GFLOP/s")
        passes = {"idle": ["idle"], "contention": ["contention"],
                  "both": ["idle", "contention"]}[args.mode]
        for mode in passes:
            key = "workloads" if mode == passes[0] else "contention_workloads"
            results["mode" if key == "workloads" else "second_mode"] = mode
            repeats = args.repeats if mode == "idle" else args.contention_repeats
            competitor = Competitor() if mode == "contention" else None
            if competitor:
                log(f"contention pass: a busy loop on CPU {competitor.cpu}")
                results["competitor_cpu"] = competitor.cpu
            try:
                wids = args.wids if mode == "idle" else args.contention_wids
                results[key] = _time_workloads(args, wids, workers, env, repeats, log,
                                               results["impls"])
                results[key + "_load"] = os.getloadavg() if hasattr(os, "getloadavg") else None
            finally:
                if competitor:
                    competitor.stop()
    finally:
        for w in workers.values():
            w.close()
    return results


def _time_workloads(args, wids, workers, env, repeats, log, impls):
    """Every workload, ``repeats`` times (short ones at least ``SHORT_MIN_REPEATS``),
    implementations alternating; ``{wid: entry}``."""
    out = {}
    order = list(workers)
    for wid in wids:
        log(f"{wid} {WORKLOADS[wid][0]} ...")
        samples = {impl: [] for impl in IMPLS}
        n = max(repeats, SHORT_MIN_REPEATS) if wid in SHORT_WORKLOADS and not args.quick \
            else repeats
        for r in range(n):
            rot = order[r % len(order):] + order[:r % len(order)]   # alternate who goes first
            if wid == "W7":
                if r == 0:
                    precompile_pipeseq()
                for impl in rot:
                    samples[impl].append(time_import(_IMPORTS[impl], env))
                continue
            for impl in rot:
                res = workers[impl].ask(cmd="run", wid=wid, quick=args.quick, seed=r)
                samples[impl].append(res)
                if res.get("status") == "error":
                    log(f"  {impl} {wid}: error: {res.get('reason')}")
                    if res.get("traceback"):
                        log(res["traceback"])
        entry = {}
        for impl in IMPLS:
            if impl in workers:
                entry[impl] = _summarise(samples[impl])
                if entry[impl]["status"] == "ok" and wid != "W7":
                    entry[impl]["samples_per_s"] = (samples_processed(wid, args.quick)
                                                    / entry[impl]["warm"])
            else:
                entry[impl] = {"status": "unavailable", "reason": impls[impl].get("reason")}
        out[wid] = entry
        log("  " + "; ".join(f"{i}: " + (f"{e['warm']:.3f} s" if e["status"] == "ok"
                                         else e["status"]) for i, e in entry.items()
                             if i in workers))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    if args.write_docs:
        _reexec_without_blas_overrides(argv)
    results = run_suite(args, log=lambda *a: print(*a, file=sys.stderr, flush=True))
    print(report.text_report(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.write_docs:
        shown = [a for a in argv if a not in ("--json", args.json, "--docs-path", args.docs_path)]
        report.write_docs(results, args.docs_path, command=" ".join(["python -m benchmarks"] + shown))
        print(f"wrote {args.docs_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
