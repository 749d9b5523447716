//! The benchmark times inputs shaped like the repo's own calls. `convolve2d(image, kernel)` is
//! called with a 40x40 image and a 3x3 kernel in the repo's tests; timing it on square inputs
//! (an n x n kernel over an n x n image: one output pixel) would measure list conversion, not
//! the function, and reject a real speedup.

mod common;

const MODULE: &str = "def convolve2d(image, kernel):
    ih = len(image)
    iw = len(image[0])
    kh = len(kernel)
    kw = len(kernel[0])
    out = []
    for i in range(ih - kh + 1):
        row = []
        for j in range(iw - kw + 1):
            acc = 0.0
            for u in range(kh):
                for v in range(kw):
                    acc += image[i + u][j + v] * kernel[u][v]
            row.append(acc)
        out.append(row)
    return out
";

const TEST: &str = "from conv import convolve2d


def test_convolve2d():
    image = [[float((i * 7 + j * 3) % 11) for j in range(40)] for i in range(40)]
    kernel = [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]
    out = convolve2d(image, kernel)
    assert len(out) == 38 and len(out[0]) == 38
";

#[test]
fn benchmark_sizes_follow_the_captured_call_shapes() {
    let repo = common::repo(&[("conv.py", MODULE.as_bytes()), ("test_conv.py", TEST.as_bytes())]);
    let rule = common::aiaccel(&repo.root, &["rule", "AX001", "--apply", "conv.py::convolve2d"]);
    assert!(rule.status.success(), "{}", common::stderr(&rule));
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(&cand, &rule.stdout).unwrap();
    let out = common::aiaccel(&repo.root, &["check", "conv.py::convolve2d", "--candidate", cand.to_str().unwrap(), "--min-speedup", "0"]);
    let err = common::stderr(&out);
    assert!(err.contains("captured"), "the repo's test call was not captured:\n{err}");
    let timed: Vec<&str> = err.lines().filter(|l| l.trim_start().starts_with("n=")).collect();
    assert_eq!(timed.len(), 3, "three sizes are timed:\n{err}");
    assert!(timed.iter().all(|l| l.contains("second argument small")), "timed on square inputs, unlike the captured call:\n{err}");
}

const ND_MODULE: &str = "import numpy as np


def total(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s
";

const ND_TEST: &str = "import numpy as np

from energy import total


def test_total():
    x = np.linspace(0.0, 1.0, 500)
    assert abs(total(x) - float((x * x).sum())) < 1e-9
";

/// A parameter indexed like a list, in a module that imports NumPy, that the repo's own calls
/// pass ndarrays for: the scaled sizes are timed on ndarrays too (on lists they would time the
/// list conversion, a cost these callers never pay), and the evidence says so.
#[test]
fn list_indexed_parameters_the_repo_passes_ndarrays_for_are_timed_as_ndarrays() {
    let repo = common::repo(&[("energy.py", ND_MODULE.as_bytes()), ("test_energy.py", ND_TEST.as_bytes())]);
    let rule = common::aiaccel(&repo.root, &["rule", "AX001", "--apply", "energy.py::total"]);
    assert!(rule.status.success(), "{}", common::stderr(&rule));
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(&cand, &rule.stdout).unwrap();
    let out = common::aiaccel(&repo.root, &["check", "energy.py::total", "--candidate", cand.to_str().unwrap(), "--min-speedup", "0"]);
    let err = common::stderr(&out);
    assert!(err.contains("ndarray[500] float64"), "the repo's test call was not captured:\n{err}");
    let timed: Vec<&str> = err.lines().filter(|l| l.trim_start().starts_with("n=")).collect();
    assert_eq!(timed.len(), 3, "three sizes are timed:\n{err}");
    assert!(timed.iter().all(|l| l.contains("ndarrays as in the captured calls")), "timed on lists, unlike the captured call:\n{err}");
}
