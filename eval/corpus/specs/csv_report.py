"""Negative control: writes a file. A rewrite must keep the file contents byte for byte."""
import copy
import csv
import os
import tempfile

from _common import assert_same, float_matrix, int_matrix, py_rng, run_captured

FUNCTION = "csv_report"
GROUP = "negative"
COLS = 6
# n rows of 6 numbers
SIZES = {"small": 55, "medium": 18000, "large": 350000}


def make_inputs(size, seed):
    r = py_rng(seed)
    path = os.path.join(tempfile.gettempdir(), f"aiaccel-corpus-csv_report-{size}-{seed}.csv")
    return (float_matrix(r, size, COLS, -1e4, 1e4), path)


def _run_in(fn, rows, directory):
    path = os.path.join(directory, "report.csv")
    out = run_captured(fn, (rows, path))
    content = None
    if os.path.exists(path):
        with open(path, "rb") as fh:
            content = fh.read()
    return out, content


def oracle(candidate, original):
    r = py_rng(1500)
    cases = [
        ("random rows", make_inputs(30, 1501)[0]),
        ("one row", [[1.5, -2.0, 3.0]]),
        ("ints", int_matrix(r, 5, 3)),
        ("NaN and inf", [[float("nan"), 1.0], [float("inf"), -float("inf")]]),
        ("no rows", []),
        ("tiny and huge", [[1e-300, 1e300, 123456789.0]]),
    ]
    for label, rows in cases:
        with tempfile.TemporaryDirectory() as d_exp, tempfile.TemporaryDirectory() as d_got:
            exp, exp_file = _run_in(original, copy.deepcopy(rows), d_exp)
            got, got_file = _run_in(candidate, copy.deepcopy(rows), d_got)
        if (exp.exc is None) != (got.exc is None) or (
                exp.exc is not None and type(exp.exc) is not type(got.exc)):
            raise AssertionError(f"{label}: exception {type(got.exc).__name__ if got.exc else None} "
                                 f"!= expected {type(exp.exc).__name__ if exp.exc else None}")
        assert_same(got.result, exp.result, f"{label}: return value")
        assert_same(got.args[0], exp.args[0], f"{label}: rows after the call")
        if got_file != exp_file:
            if got_file is None or exp_file is None:
                raise AssertionError(f"{label}: file written: {got_file is not None}, expected "
                                     f"{exp_file is not None}")
            raise AssertionError(f"{label}: file contents differ: {got_file[:120]!r} != expected "
                                 f"{exp_file[:120]!r}")
        if got.stdout != exp.stdout:
            raise AssertionError(f"{label}: stdout differs")
        # reference: the file parses back to the rows and their totals
        if label == "random rows":
            lines = list(csv.reader(exp_file.decode().splitlines()))
            if len(lines) != len(rows) + 2 or len(lines[0]) != len(rows[0]):
                raise AssertionError("reference check csv_report: wrong number of lines or columns")
            for row, line in zip(rows, lines[1:-1]):
                for v, cell in zip(row, line):
                    if abs(float(cell) - v) > 1e-5 * abs(v) + 1e-9:
                        raise AssertionError("reference check csv_report: cell does not round-trip")
