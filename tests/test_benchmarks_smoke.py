"""The benchmark suite cannot rot: every workload runs at tiny size (no timing is asserted)."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    path, docs = out / "results.json", out / "performance.md"
    r = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--repeats", "1",
                        "--no-peers", "--json", str(path), "--write-docs", "--docs-path", str(docs),
                        "--mode", "idle"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(path.read_text()), r.stdout, docs.read_text()


@pytest.mark.parametrize("wid", ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8X", "W8R", "W8M",
                                 "W8E"])
def test_each_workload_runs_or_is_skipped_for_a_missing_layer(quick_results, wid):
    results = quick_results[0]
    entry = results["workloads"][wid]["pipeseq"]
    if entry["status"] == "skipped":      # a layer family that has not landed yet
        assert entry["reason"].endswith("not available")
        return
    assert entry["status"] == "ok", entry
    assert entry["warm"] > 0
    if wid != "W7":
        assert entry["cold"] > 0 and entry["samples_per_s"] > 0
        assert entry["check"] == entry["check"]          # a finite loss / prediction, not NaN


def test_report_names_blas_gemm_and_peers(quick_results):
    results, stdout, docs = quick_results
    assert results["kernel"] and results["gemm"]["peak_gflops"] > 0
    assert results["impls"]["keras"]["available"] is False      # --no-peers
    assert "peers not measured" in stdout
    for section in ("## Machine", "## Throughput bound", "## Results", "## Targets"):
        assert section in docs
    assert "W1 mlp" in docs and "pipeseq" in docs


def test_contention_pass_beside_the_idle_one(tmp_path):
    # --write-docs runs both passes by default: idle, then one busy competitor core for all
    path, docs = tmp_path / "r.json", tmp_path / "performance.md"
    r = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--repeats", "1",
                        "--no-peers", "--only", "W4,W5", "--json", str(path), "--write-docs",
                        "--docs-path", str(docs)], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    results, text = json.loads(path.read_text()), docs.read_text()
    assert results["mode"] == "idle" and results["second_mode"] == "contention"
    assert results["contention_workloads"]["W5"]["pipeseq"]["status"] == "ok"
    assert "## Results, idle" in text and "## Results, under contention" in text
    assert "contention pass: a busy loop on CPU" in r.stderr


def test_contention_flag_conflicts_with_another_mode():
    r = subprocess.run([sys.executable, "-m", "benchmarks", "--contention", "--mode", "idle"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--contention contradicts --mode idle" in r.stderr


def test_runs_as_a_script_and_rejects_unknown_workloads():
    r = subprocess.run([sys.executable, os.path.join("benchmarks", "run.py"), "--only", "W9"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "unknown workload 'W9'" in r.stderr


def test_gemm_flop_count_of_w1():
    sys.path.insert(0, ROOT)
    from benchmarks.workloads import mlp_gemm_flops
    fwd = 2 * (784 * 512 + 512 * 512 + 512 * 10)
    assert mlp_gemm_flops(1) == 2 * fwd + 2 * (512 * 512 + 512 * 10)
    assert mlp_gemm_flops(1, first_dx=True) == 3 * fwd


# ------------------------------------------------------------------------------------------
# The speed paths the benchmarks motivated must compute exactly what the plain paths compute.

@pytest.mark.parametrize("name,kwargs", [
    ("categorical_crossentropy", {}), ("categorical_crossentropy", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", {"from_logits": True}), ("binary_crossentropy", {}),
    ("binary_crossentropy", {"label_smoothing": 0.2}), ("sparse_categorical_crossentropy", {}),
    ("mean_squared_error", {})])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_loss_value_and_gradient_equals_separate_calls(name, kwargs, dtype):
    import numpy as np
    from pipeseq.training import losses
    rng = np.random.default_rng(0)
    p = rng.random((40, 5)).astype(dtype)
    p[0, 0], p[1, 1], p[2] = 1e-9, 1 - 1e-9, [0, 0, 0, 0, 1]      # rows where the clip is active
    if name == "sparse_categorical_crossentropy":
        t = rng.integers(0, 5, 40)
    elif name == "categorical_crossentropy":
        t = np.eye(5, dtype=dtype)[rng.integers(0, 5, 40)]
    else:
        t = (rng.random((40, 5)) > 0.5).astype(dtype)
    loss = losses.LOSS_CLASSES[losses.CLASS_NAMES[name]](**kwargs)
    v, g = loss.value_and_gradient(t, p)
    assert v.dtype == g.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(v, loss(t, p))
    np.testing.assert_array_equal(g, loss.gradient(t, p))


@pytest.mark.parametrize("opt", ["rmsprop", "adam"])
def test_in_place_optimizer_updates_match_the_textbook_formulas(opt):
    import math
    import numpy as np
    from pipeseq.layers.base import Variable
    from pipeseq.training import optimizers
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((7, 3)).astype("float32")
    var, o = Variable(w0.copy(), "w"), optimizers.get(opt)
    ref, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t in range(1, 4):
        g = rng.standard_normal((7, 3)).astype("float32")
        o.apply([g], [var])
        if opt == "rmsprop":
            v = v * 0.9 + (1.0 - 0.9) * (g * g)
            ref = ref - (0.001 * g) / np.sqrt(v + 1e-7)
        else:
            alpha = 0.001 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            m = m + (g - m) * (1 - 0.9)
            v = v + (g * g - v) * (1 - 0.999)
            ref = ref - (alpha * m) / (np.sqrt(v) + 1e-7)
        np.testing.assert_array_equal(var.value, ref)


def test_denormal_flush_leaves_updates_unchanged():
    import numpy as np
    from pipeseq.layers.base import Variable
    from pipeseq.training import optimizers
    a, b = Variable(np.ones(4, "float32"), "a"), Variable(np.ones(4, "float32"), "b")
    oa, ob = optimizers.RMSprop(), optimizers.RMSprop()
    g = np.array([1e-3, 0, 0, 2e-3], "float32")
    oa.apply([g], [a]), ob.apply([g], [b])
    oa._slots[id(a)][0][1:3] = 1e-39            # decayed into denormals (dead units)
    ob._slots[id(b)][0][1:3] = 1e-39
    oa._flush_denormals()
    assert oa._slots[id(a)][0][1] == 0.0
    for _ in range(3):
        oa.apply([g], [a]), ob.apply([g], [b])
    np.testing.assert_array_equal(a.value, b.value)


def test_training_without_the_first_layers_input_gradient_gives_the_same_gradients():
    import numpy as np
    from pipeseq import Sequential
    from pipeseq.layers import Dense, Dropout
    model = Sequential([Dense(6, activation="relu", input_shape=(4,)), Dropout(0.0),
                        Dense(3, activation="softmax")])
    x = np.random.default_rng(2).random((5, 4), dtype=np.float32)
    y, cache = model.forward(x, training=True)
    dy = np.ones_like(y)
    dx_full, g_full = model.backward(cache, dy)
    dx_none, g_none = model.backward(cache, dy, need_input_grad=False)
    assert dx_full.shape == x.shape and dx_none is None
    for a, b in zip(g_full, g_none):
        np.testing.assert_array_equal(a, b)
