//! The verifier's bound for rewrites that sum in another order (`--reorders-sums`, set for the
//! rules that declare `reorders_sums`, AX012): a matrix product through BLAS differs from the
//! loop on inputs built to cancel ([1e16, 1, ..., -1e16]), and is accepted within a bound from
//! the original run on the inputs' absolute values; wrong rewrites, including one that loses
//! precision (float32 products), are still rejected under that bound.

mod common;

use std::path::Path;

/// eval/gpu/kernels.py (its gemm) and a column sum.
fn fixture() -> Vec<u8> {
    let mut src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/gpu/kernels.py")).unwrap();
    src.push_str("\n\ndef col_sums(A):\n    n, m = A.shape\n    out = np.zeros(m)\n    for j in range(m):\n        s = 0.0\n        for i in range(n):\n            s += A[i, j]\n        out[j] = s\n    return out\n");
    src.into_bytes()
}

/// The rule's rewrite of `function`, with `edits` (from, to) applied to it.
fn candidate(repo: &common::TempRepo, function: &str, edits: &[(&str, &str)]) -> std::path::PathBuf {
    let out = common::aiaccel(&repo.root, &["rule", "AX012", "--apply", &format!("nd.py::{function}")]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let mut text = common::stdout(&out);
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` not in the rewrite:\n{text}");
        text = text.replace(from, to);
    }
    let path = repo.dir.path().join(format!("cand_{function}_{}.py", edits.len()));
    std::fs::write(&path, text).unwrap();
    path
}

fn check(repo: &common::TempRepo, function: &str, cand: &Path, reorders: bool) -> serde_json::Value {
    let target = format!("nd.py::{function}");
    let mut args = vec!["check", &target, "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture", "--json"];
    if reorders {
        args.push("--reorders-sums");
    }
    let out = common::aiaccel(&repo.root, &args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("no JSON: {}", common::stderr(&out)))
}

#[test]
fn a_blas_product_is_accepted_within_the_bound_and_only_with_it() {
    let repo = common::repo(&[("nd.py", &fixture())]);
    let cand = candidate(&repo, "gemm", &[]);
    let v = check(&repo, "gemm", &cand, true);
    assert_eq!(v["equivalent"], true, "{v}");
    assert!(v["evidence"]["reordered"].as_u64().unwrap() >= 1, "the cancelling inputs differ in order: {v}");
    let ratio = v["evidence"]["reorder_ratio"].as_f64().unwrap();
    assert!(ratio > 0.0 && ratio < 1.0, "{v}");
    // (column sums: each column of the cancelling input holds one big term, no cancellation)
    let cand = candidate(&repo, "col_sums", &[]);
    let v = check(&repo, "col_sums", &cand, true);
    assert_eq!(v["equivalent"], true, "{v}");
    // without the bound, the cancelling inputs show the other order
    let cand = candidate(&repo, "gemm", &[]);
    let v = check(&repo, "gemm", &cand, false);
    assert_eq!(v["equivalent"], false, "{v}");
}

#[test]
fn wrong_rewrites_stay_wrong_under_the_bound() {
    let repo = common::repo(&[("nd.py", &fixture())]);
    let wrong: &[(&str, &[(&str, &str)])] = &[
        // the transposed operand
        ("gemm", &[("A[:ni, :nk] @ B[:nk, :nj]", "A[:ni, :nk] @ B[:nk, :nj].T")]),
        // the last row left out
        ("gemm", &[("C[:ni, :nj] += _aiaccel_t0", "C[:ni - 1, :nj] += _aiaccel_t0[:-1]")]),
        // products in float32: rounding far past any summation order's
        ("gemm", &[("A[:ni, :nk] @ B[:nk, :nj]", "(A[:ni, :nk].astype(np.float32) @ B[:nk, :nj].astype(np.float32)).astype(np.float64)")]),
        // a sum that skips the first row
        ("col_sums", &[("A[:n, :m].sum", "A[1:n, :m].sum"), ("_aiaccel_np.einsum(\"ab->b\", A[:n, :m], optimize=True)", "_aiaccel_np.einsum(\"ab->b\", A[1:n, :m], optimize=True)")]),
    ];
    for (f, edits) in wrong {
        // (each edit list names what the rewrite contains; the col_sums one tries both spellings)
        let present: Vec<(&str, &str)> = {
            let out = common::aiaccel(&repo.root, &["rule", "AX012", "--apply", &format!("nd.py::{f}")]);
            let text = common::stdout(&out);
            edits.iter().copied().filter(|(from, _)| text.contains(from)).collect()
        };
        assert!(!present.is_empty(), "{f}: none of the edits apply");
        let cand = candidate(&repo, f, &present);
        let v = check(&repo, f, &cand, true);
        assert_eq!(v["equivalent"], false, "{f} with {present:?} was accepted: {v}");
        // (rejected for its results, not for a crash of the edited text)
        assert_eq!(v["verdict"]["verdict"], "diverged", "{f} with {present:?}: {v}");
        assert!(!v["verdict"]["message"].as_str().unwrap_or("").contains("raised"), "{f} with {present:?}: {v}");
    }
}
