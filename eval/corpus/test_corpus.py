"""Self-test of the benchmark corpus: every spec is well formed, its make_inputs is
deterministic, the original runs on it, and its oracle accepts the original (also when loaded
as a separate module) and rejects deliberately wrong candidates built generically.

    cd eval/corpus && python -m pytest -q test_corpus.py
"""
import copy
import functools
import importlib
import importlib.util
import math
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS_DIR = os.path.join(HERE, "specs")
SRC_DIR = os.path.join(HERE, "src")

# src/ first: its modules are imported by their plain names. Specs share those names and are
# therefore only ever loaded by file path; specs/ is on the path for `_common`.
for _p in (SPECS_DIR, SRC_DIR):
    if _p in sys.path:
        sys.path.remove(_p)
sys.path.insert(0, SPECS_DIR)
sys.path.insert(0, SRC_DIR)

from _common import assert_inputs_equal, assert_same  # noqa: E402

GROUPS = ("polybench", "numpy-loops", "algorithm", "negative")
NAMES = sorted(f[:-3] for f in os.listdir(SPECS_DIR) if f.endswith(".py") and not f.startswith("_"))


@functools.lru_cache(maxsize=None)
def load_spec(name):
    spec = importlib.util.spec_from_file_location(f"_aiaccel_corpus_spec_{name}",
                                                  os.path.join(SPECS_DIR, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def original_of(name):
    return getattr(importlib.import_module(name), load_spec(name).FUNCTION)


def fresh_copy_of(name):
    """The function from a second, independent load of src/<name>.py (own globals), as a
    rewritten module would be."""
    spec = importlib.util.spec_from_file_location(f"_aiaccel_corpus_copy_{name}",
                                                  os.path.join(SRC_DIR, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, load_spec(name).FUNCTION)


# --------------------------------------------------------------------------- wrong candidates

def perturb(x):
    """A value that differs from x (and that a strict comparison must reject)."""
    if x is None:
        return None
    if isinstance(x, (bool, np.bool_)):
        return type(x)(not x)
    if isinstance(x, (int, np.integer)):
        return x + 1
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(x):
            return type(x)(0.0)
        return x + 1.0 if abs(x) < 1e6 else x * type(x)(1.001)
    if isinstance(x, (complex, np.complexfloating)):
        return x + 1
    if isinstance(x, str):
        return x + "x"
    if isinstance(x, (bytes, bytearray)):
        return x + b"x"
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return np.zeros(1, dtype=x.dtype)
        y = x.copy()
        flat = y.reshape(-1)
        if y.dtype.kind == "f":
            finite = np.flatnonzero(np.isfinite(flat))
            i = int(finite[0]) if finite.size else 0
            flat[i] = perturb(flat[i]) if finite.size else 0.0
        else:
            flat[0] = perturb(flat[0])
        return y
    if isinstance(x, (list, tuple)):
        items = list(x)
        if not items:
            items = [0]
        else:
            for i, item in enumerate(items):
                new = perturb(item)
                try:
                    assert_same(new, item)
                except AssertionError:
                    items[i] = new
                    break
            else:
                items.pop()
        return type(x)(items) if isinstance(x, tuple) else items
    if isinstance(x, dict):
        y = dict(x)
        y["__perturbed__"] = 1
        return y
    return x


def retype(x):
    """The same value with the wrong container or scalar type."""
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return float(x)
    if isinstance(x, float):
        return np.float64(x)
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, list):
        return tuple(x)
    if isinstance(x, tuple):
        return list(x)
    if isinstance(x, (bytes, bytearray)):
        return x.decode("latin-1")
    if isinstance(x, str):
        return x.encode()
    return x


def mutant_perturbed(fn):
    @functools.wraps(fn)
    def wrong(*args):
        return perturb(fn(*args))
    return wrong


def mutant_retyped(fn):
    @functools.wraps(fn)
    def wrong(*args):
        return retype(fn(*args))
    return wrong


def mutant_no_mutation(fn):
    @functools.wraps(fn)
    def wrong(*args):
        return fn(*copy.deepcopy(args))
    return wrong


def applicable_mutants(name):
    s = load_spec(name)
    fn = original_of(name)
    args = s.make_inputs(s.SIZES["small"], 0)
    before = copy.deepcopy(args)
    result = fn(*args)
    mutants = []
    if result is not None:
        mutants += [("perturbed result", mutant_perturbed(fn)), ("wrong result type", mutant_retyped(fn))]
    try:
        assert_same(args, before, "args", rtol=0.0, atol=0.0)
    except AssertionError:
        mutants.append(("in-place update skipped", mutant_no_mutation(fn)))
    return mutants


# --------------------------------------------------------------------------- tests

def test_counts():
    groups = [load_spec(n).GROUP for n in NAMES]
    assert sum(g != "negative" for g in groups) >= 40, groups
    assert sum(g == "negative" for g in groups) >= 5, groups
    assert all(g in GROUPS for g in groups)


@pytest.mark.parametrize("name", NAMES)
def test_spec_well_formed(name):
    s = load_spec(name)
    assert s.GROUP in GROUPS
    assert set(s.SIZES) == {"small", "medium", "large"}
    assert all(isinstance(v, int) for v in s.SIZES.values())
    assert s.SIZES["small"] < s.SIZES["medium"] < s.SIZES["large"]
    assert callable(original_of(name))
    assert os.path.exists(os.path.join(SRC_DIR, "tests", f"test_{name}.py"))
    assert callable(s.make_inputs) and callable(s.oracle)


@pytest.mark.parametrize("name", NAMES)
def test_make_inputs_deterministic(name):
    s = load_spec(name)
    size = s.SIZES["small"]
    a = s.make_inputs(size, 0)
    assert isinstance(a, tuple)
    assert_inputs_equal(s.make_inputs(size, 0), a)
    with pytest.raises(AssertionError):
        assert_inputs_equal(s.make_inputs(size, 1), a)


@pytest.mark.parametrize("name", NAMES)
def test_original_runs(name):
    s = load_spec(name)
    original_of(name)(*s.make_inputs(s.SIZES["small"], 0))


@pytest.mark.parametrize("name", NAMES)
def test_oracle_accepts_original(name):
    s = load_spec(name)
    s.oracle(original_of(name), original_of(name))
    s.oracle(fresh_copy_of(name), original_of(name))


@pytest.mark.parametrize("name", NAMES)
def test_oracle_rejects_wrong_candidates(name):
    s = load_spec(name)
    mutants = applicable_mutants(name)
    assert mutants, "no generic wrong candidate applies"
    for label, wrong in mutants:
        try:
            s.oracle(wrong, original_of(name))
        except AssertionError:
            continue
        pytest.fail(f"oracle accepted a wrong candidate ({label})")


def test_src_tests_pass():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=SRC_DIR, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
