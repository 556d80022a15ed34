"""One implementation's process: ``python -m benchmarks.worker <pipeseq|keras|torch> THREADS``.

The driver (:mod:`benchmarks.run`) sends one JSON command per line on stdin
and reads one JSON answer per line. Each framework lives in its own process,
so their thread pools never compete while another framework is being timed,
and imports happen once. The answers go to the original stdout; anything the
framework prints goes to stderr.
"""
import json
import os
import sys
import traceback


def _load(impl, threads):
    if impl == "pipeseq":
        from . import impl_pipeseq as mod
    elif impl == "keras":
        from . import impl_keras as mod
        mod.setup(threads)
    elif impl == "torch":
        from . import impl_torch as mod
        mod.setup(threads)
    else:
        raise ValueError(f"unknown implementation {impl!r}")
    return mod


def _run(mod, impl, msg, cache):
    from .workloads import WORKLOADS, make_data
    wid, quick, seed = msg["wid"], msg["quick"], msg["seed"]
    if impl == "pipeseq":
        missing = mod.missing_classes(WORKLOADS[wid][2])
        if missing:
            return {"status": "skipped", "reason": f"{missing[0]} not available"}
    if impl == "torch" and wid.startswith("W8"):
        return {"status": "skipped", "reason": "the PyTorch implementation has no Keras Applications"}
    key = (wid, quick)
    if key not in cache:
        cache[key] = make_data(wid, quick)
    result = mod.run(wid, quick=quick, seed=seed, data=cache[key])
    return {"status": "ok", **result}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    impl, threads = argv[0], int(argv[1])
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)                      # framework chatter -> stderr
    sys.stdout = sys.stderr

    def send(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    try:
        mod = _load(impl, threads)
        send({"status": "ready", "version": mod.version()})
    except Exception as e:               # not installed or broken: report, don't crash the suite
        send({"status": "unavailable", "reason": f"{type(e).__name__}: {e}"})
        return 0
    cache = {}
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg.get("cmd")
        if cmd == "exit":
            break
        try:
            if cmd == "run":
                send(_run(mod, impl, msg, cache))
            elif cmd == "machine":
                from . import machine
                info = machine.blas_info()
                send({"status": "ok", "blas": info, "kernel": machine.blas_kernel(info),
                      "gemm": machine.gemm_throughput(quick=msg.get("quick", False))})
            else:
                send({"status": "error", "reason": f"unknown command {cmd!r}"})
        except Exception as e:
            send({"status": "error", "reason": f"{type(e).__name__}: {e}",
                  "traceback": traceback.format_exc()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
