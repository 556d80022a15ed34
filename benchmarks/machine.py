"""What the numbers were measured on: CPU, memory, versions, the BLAS and its GEMM throughput.

Everything here is read-only and cheap except :func:`gemm_throughput`, which
times float32 matrix products with the NumPy of the running interpreter.
"""
import os
import platform
import sys
import time

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
BLAS_TUNING_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_VERBOSE")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    return round(int(line.split()[1]) / 2 ** 20, 1)
    except OSError:
        pass
    return None


def describe_machine():
    """A dict describing the machine and the interpreter (no NumPy needed)."""
    return {"cpu": cpu_model(), "logical_cpus": os.cpu_count(), "memory_gib": memory_gib(),
            "os": platform.platform(), "python": sys.version.split()[0],
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}


def _openblas_probe():
    """Ask a loaded OpenBLAS for its kernel (core name) and build configuration via ctypes."""
    import ctypes
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if "openblas" in path.lower() and ".so" in path:
                    libs.add(path)
    except OSError:
        return []
    out = []
    for path in sorted(libs):
        lib = ctypes.CDLL(path)
        info = {"library": path}
        for key, names in (("corename", ("scipy_openblas_get_corename64_", "openblas_get_corename64_",
                                         "openblas_get_corename")),
                           ("config", ("scipy_openblas_get_config64_", "openblas_get_config64_",
                                       "openblas_get_config")),
                           ("num_threads", ("scipy_openblas_get_num_threads64_",
                                            "openblas_get_num_threads64_",
                                            "openblas_get_num_threads"))):
            for name in names:
                fn = getattr(lib, name, None)
                if fn is None:
                    continue
                fn.restype = ctypes.c_int if key == "num_threads" else ctypes.c_char_p
                value = fn()
                info[key] = value.decode() if isinstance(value, bytes) else value
                break
        out.append(info)
    return out


def blas_info():
    """The BLAS NumPy uses: threadpoolctl's report if installed, else an OpenBLAS probe."""
    import numpy as np
    info = {"numpy": np.__version__}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["numpy_blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")
                              if blas.get(k)}
    except Exception:                                 # older NumPy: no dict mode
        pass
    try:
        from threadpoolctl import threadpool_info
        info["threadpools"] = [{k: p.get(k) for k in ("internal_api", "version", "architecture",
                                                      "num_threads", "threading_layer")}
                               for p in threadpool_info()]
    except ImportError:
        info["openblas"] = _openblas_probe()
    info["env"] = {k: os.environ[k] for k in THREAD_VARS + BLAS_TUNING_VARS if k in os.environ}
    return info


def blas_kernel(info):
    """One short string: the kernel (core type) the BLAS runs, e.g. ``"SkylakeX"``."""
    for p in info.get("threadpools", []):
        if p.get("architecture"):
            return f"{p.get('internal_api')} {p.get('version')} {p['architecture']}"
    for p in info.get("openblas", []):
        if p.get("corename"):
            return f"OpenBLAS {p['corename']} ({p.get('config', '').split('  ')[0]})".strip()
    return info.get("numpy_blas", {}).get("name", "unknown")


def _time_matmul(a, b, min_time):
    a @ b
    reps, total = 0, 0.0
    t0 = time.perf_counter()
    while total < min_time or reps < 3:
        a @ b
        reps += 1
        total = time.perf_counter() - t0
    return total / reps


def gemm_throughput(quick=False, batch=128):
    """float32 GEMM speed: the peak (large squares) and the W1 products' own shapes.

    Returns ``{"peak_gflops", "peak_size", "w1_gemm_epoch_s", "w1_shapes_gflops"}``:
    ``w1_gemm_epoch_s`` is the time one W1 epoch spends in its matrix products
    alone, measured by running exactly those products (batch ``batch``).
    """
    import numpy as np
    from .workloads import MLP_WIDTHS, mlp_gemm_flops, sizes
    rng = np.random.default_rng(0)
    min_time = 0.05 if quick else 0.5
    best, best_n = 0.0, None
    for n in ((256, 512) if quick else (512, 1024, 2048)):
        a = rng.random((n, n), dtype=np.float32)
        b = rng.random((n, n), dtype=np.float32)
        g = 2 * n ** 3 / _time_matmul(a, b, min_time) / 1e9
        if g > best:
            best, best_n = g, n
    # W1's products for one batch: forward x@W, weight gradient x.T@dy, input gradient dy@W.T.
    step = 0.0
    for i, (k, m) in enumerate(zip(MLP_WIDTHS[:-1], MLP_WIDTHS[1:])):
        x = rng.random((batch, k), dtype=np.float32)
        w = rng.random((k, m), dtype=np.float32)
        dy = rng.random((batch, m), dtype=np.float32)
        step += _time_matmul(x, w, min_time / 6) + _time_matmul(x.T, dy, min_time / 6)
        if i > 0:
            step += _time_matmul(dy, w.T, min_time / 6)
    n_w1 = sizes("W1", quick)["n"]
    steps = -(-n_w1 // batch)
    flops = mlp_gemm_flops(n_w1)
    return {"peak_gflops": best, "peak_size": best_n, "w1_gemm_epoch_s": step * steps,
            "w1_shapes_gflops": flops / (step * steps) / 1e9, "w1_flops": flops,
            "w1_bound_s": flops / (best * 1e9)}
