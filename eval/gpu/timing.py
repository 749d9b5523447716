"""Time the CPU (AX012) and GPU (AX020) rewrites of eval/gpu/kernels.py side by side, per size,
and write the results file: `python timing.py WORKDIR OUT.md [--quick]`.

WORKDIR holds kernels.py, <f>_cpu.py and <f>_gpu.py (the rules' rewrites, `aiaccel rule --apply`
output), doctor.txt and check_<f>.json from scripts/gpu_check.sh. For each function and size:
the original (only where its loops finish in a few seconds), the CPU rewrite, and the GPU
rewrite with the device forced on (every product through CuPy, the copies both ways included)
and forced off, medians of 5 interleaved runs; the GPU results are compared with the CPU
rewrite's. The break-even is the smallest size where the GPU path is faster, and the work there
is the AIACCEL_GPU_MIN_WORK to set on this machine.
"""
import datetime
import importlib.util
import json
import os
import platform
import re
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELPERS = os.path.join(ROOT, "src", "propose", "rules", "helpers.py")


def inputs(name, n, rng):
    r = lambda *s: rng.uniform(-1, 1, s)
    return {
        "gemm": lambda: [1.5, 1.2, r(n, n), r(n, n), r(n, n)],
        "two_mm": lambda: [1.5, 1.2, r(n, n), r(n, n), r(n, n), r(n, n)],
        "three_mm": lambda: [r(n, n), r(n, n), r(n, n), r(n, n)],
        "atax": lambda: [r(n, n), r(n)],
        "mvt": lambda: [r(n, n), r(n), r(n), r(n), r(n)],
        "gesummv": lambda: [1.5, 1.2, r(n, n), r(n, n), r(n)],
        "doitgen": lambda: [r(max(2, n // 8), max(2, n // 8), n), r(n, n)],
        "syr2k_full": lambda: [1.5, 1.2, r(n, n), r(n, n), r(n, n)],
    }[name]()


def work(name, n):
    """Multiply-adds of the products (what AX020 compares with its threshold)."""
    m = max(2, n // 8)
    return {"gemm": n**3, "two_mm": 2 * n**3, "three_mm": 3 * n**3, "atax": 2 * n * n, "mvt": 2 * n * n, "gesummv": 2 * n * n, "doitgen": m * m * n * n, "syr2k_full": 2 * n**3}[name]


def load(path, name):
    """A rewrite module; its runtime helpers (`_aiaccel_adapt_*`) are src/propose/rules/helpers.py."""
    text = open(path).read()
    for stem in set(re.findall(r"from \.?(_aiaccel_adapt_[0-9a-f]+) import", text)):
        if stem not in sys.modules:
            spec = importlib.util.spec_from_file_location(stem, HELPERS)
            m = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(m)
            sys.modules[stem] = m
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    m.__dict__["np"] = np
    exec(compile("import numpy as np\n" + text, path, "exec"), m.__dict__)
    return m


def timed(fn, args):
    a = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
    t0 = time.perf_counter()
    r = fn(*a)
    cp = sys.modules.get("cupy")
    if cp is not None:
        cp.cuda.runtime.deviceSynchronize()
    return time.perf_counter() - t0, a, r


def median_time(fn, args, reps=5):
    return statistics.median(timed(fn, args)[0] for _ in range(reps))


def main():
    work_dir, out_md = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    names = [n for n in ("gemm", "two_mm", "three_mm", "atax", "mvt", "gesummv", "doitgen", "syr2k_full") if os.path.exists(os.path.join(work_dir, n + "_gpu.py"))]
    sizes = [32, 64, 128] if quick else [32, 64, 128, 256, 512, 1024, 2048]
    orig = load(os.path.join(work_dir, "kernels.py"), "kernels")
    helpers = None
    gpu_note = "none"
    try:
        import cupy

        p = cupy.cuda.runtime.getDeviceProperties(0)
        gpu_note = "%s, %.0f GiB (cupy %s)" % (p["name"].decode() if isinstance(p["name"], bytes) else p["name"], p["totalGlobalMem"] / 2**30, cupy.__version__)
    except Exception as e:
        gpu_note = "none (%s: %s)" % (type(e).__name__, str(e)[:120])
    rows = {}
    rng = np.random.default_rng(20241201)
    for name in names:
        cpu = load(os.path.join(work_dir, name + "_cpu.py"), name + "_cpu")
        gpu = load(os.path.join(work_dir, name + "_gpu.py"), name + "_gpu")
        helpers = next(m for k, m in sys.modules.items() if k.startswith("_aiaccel_adapt_"))
        rows[name] = []
        orig_ok = True
        for n in sizes:
            args = inputs(name, n, rng)
            row = {"n": n, "work": work(name, n)}
            if orig_ok:
                t = median_time(getattr(orig, name), args, reps=3)
                row["orig_s"] = t
                orig_ok = t < 1.0  # the loops' time grows with the work: stop before it takes minutes
            row["cpu_s"] = median_time(getattr(cpu, name), args)
            _, cpu_args, cpu_r = timed(getattr(cpu, name), args)
            if gpu_note.startswith("none"):
                rows[name].append(row)
                continue
            # the device forced on, then off (the threshold the helper read at its first call)
            helpers._aiaccel_gpu(0, 0)
            helpers._AIACCEL_GPU[1] = 0
            timed(getattr(gpu, name), args)  # the first call carries CuPy's and cuBLAS's start-up
            row["gpu_s"] = median_time(getattr(gpu, name), args)
            _, gpu_args, gpu_r = timed(getattr(gpu, name), args)
            helpers._AIACCEL_GPU[1] = 1 << 62
            row["gpu_off_s"] = median_time(getattr(gpu, name), args)
            helpers._AIACCEL_GPU[1] = None
            got = [x for x in gpu_args if isinstance(x, np.ndarray)] + ([gpu_r] if gpu_r is not None else [])
            want = [x for x in cpu_args if isinstance(x, np.ndarray)] + ([cpu_r] if cpu_r is not None else [])
            row["agree"] = all(type(g) is type(w) and np.allclose(g, w, rtol=1e-9, atol=1e-9 * max(1.0, float(np.max(np.abs(w))) if np.size(w) else 1.0)) for g, w in zip(got, want))
            rows[name].append(row)
    checks = {}
    for name in names:
        try:
            with open(os.path.join(work_dir, "check_%s.json" % name)) as f:
                checks[name] = json.load(f)
        except Exception as e:
            checks[name] = {"error": "%s: %s" % (type(e).__name__, e)}
    with open(os.path.join(work_dir, "doctor.txt")) as f:
        doctor = f.read().strip()
    write(out_md, names, rows, checks, gpu_note, doctor, quick)
    with open(out_md[:-3] + ".json" if out_md.endswith(".md") else out_md + ".json", "w") as f:
        json.dump({"gpu": gpu_note, "rows": rows, "checks": checks}, f, indent=1, default=str)


def fmt(s):
    if s is None:
        return "–"
    return "%.3g ms" % (s * 1e3) if s < 1 else "%.3g s" % s


def ratio(a, b):
    return "%.1fx" % (a / b) if a and b else "–"


def write(path, names, rows, checks, gpu_note, doctor, quick):
    today = datetime.date.today().isoformat()
    lines = ["# aiaccel GPU check, %s" % today, "", "- machine: %s, %d cores, python %s, numpy %s" % (platform.machine(), os.cpu_count(), platform.python_version(), np.__version__), "- gpu: %s" % gpu_note, "- what: `scripts/gpu_check.sh%s` — AX012 (NumPy/BLAS on the CPU) and AX020 (its products through CuPy on the GPU, the copies both ways timed) on eval/gpu/kernels.py; medians of 5 runs, each on fresh copies of the inputs" % (" --quick" if quick else ""), ""]
    lines += ["## Verifier", "", "`aiaccel check --reorders-sums` of each AX020 rewrite against the loops (AIACCEL_GPU_MIN_WORK=0: the GPU path wherever the sandbox lets CUDA start; the verdict and the rewrite's speedup over the loops at the benchmark's sizes, where the loops take ~0.1 s)", "", "| function | verdict | inputs | speedup over the loops (largest benchmark size) |", "| --- | --- | --- | --- |"]
    for name in names:
        c = checks[name]
        v = c.get("verdict", {}) if isinstance(c, dict) else {}
        sizes = ((c.get("timing") or {}).get("sizes") or []) if isinstance(c, dict) else []
        sp = sizes[-1].get("speedup") if sizes else None
        lines.append("| %s | %s | %s | %s |" % (name, v.get("verdict", c.get("error", "?")), v.get("cases", "–"), "%.0fx" % sp if sp else "–"))
    lines += ["", "## Per size", "", "| function | n | work | loops | CPU rewrite (AX012) | GPU rewrite (AX020) | GPU vs loops | GPU vs CPU rewrite | results agree |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name in names:
        for r in rows[name]:
            lines.append("| %s | %d | %.3g | %s | %s | %s | %s | %s | %s |" % (name, r["n"], r["work"], fmt(r.get("orig_s")), fmt(r["cpu_s"]), fmt(r.get("gpu_s")), ratio(r.get("orig_s"), r.get("gpu_s")), ratio(r["cpu_s"], r.get("gpu_s")), {True: "yes", False: "NO"}.get(r.get("agree"), "–")))
    lines += ["", "## Break-even", ""]
    for name in names:
        be = next((r for r in rows[name] if r.get("gpu_s") and r["gpu_s"] < r["cpu_s"]), None)
        lines.append("- %s: %s" % (name, "GPU faster from n=%d (work %.3g multiply-adds)" % (be["n"], be["work"]) if be else "the GPU path was not faster at any size measured" if any(r.get("gpu_s") for r in rows[name]) else "no GPU"))
    lines += ["", "## doctor", "", "```", doctor, "```", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
