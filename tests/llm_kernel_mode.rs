//! Kernel mode end to end, without a model: kernels wrapped by aiaccel's adapter
//! (`propose::llm::kernel`) go through the real verifier with `aiaccel check`.
//!
//! - every worked example the LLM prompts show (rules/examples/*.kernel.py) is equivalent to the
//!   rule example's original once wrapped, so the prompts never teach a wrong kernel;
//! - a kernel that is right only on the inputs the adapter lets through is accepted (NaN and
//!   empty input run the original), where the same code as a whole function is rejected;
//! - a wrong kernel is still rejected with a counterexample.

mod common;

use aiaccel::propose::llm::kernel;
use aiaccel::propose::rules;

fn check(module: &str, function: &str, candidate: &str) -> (Option<i32>, String) {
    let repo = common::repo(&[("m.py", module.as_bytes())]);
    let cand = repo.dir.path().join("cand.py");
    std::fs::write(&cand, candidate).unwrap();
    let out = common::aiaccel(
        &repo.root,
        &["check", &format!("m.py::{function}"), "--candidate", cand.to_str().unwrap(), "--no-bench", "--no-capture"],
    );
    (out.status.code(), format!("{}\n{}", common::stdout(&out), common::stderr(&out)))
}

fn wrapped(module: &str, function: &str, kernel_code: &str) -> String {
    let f = rules::example_function(module, function).unwrap();
    let plan = kernel::plan(&f, module).unwrap_or_else(|e| panic!("{function}: no kernel mode: {e}"));
    plan.assemble(kernel_code).unwrap_or_else(|e| panic!("{function}: {e}"))
}

#[test]
fn the_prompts_worked_example_kernels_verify_equivalent() {
    let mut seen = 0;
    for rule in rules::all_rules() {
        for ex in rule.examples.iter().filter(|e| e.kernel.is_some()) {
            let candidate = wrapped(&ex.before, &ex.function, ex.kernel.as_deref().unwrap());
            let (code, out) = check(&ex.before, &ex.function, &candidate);
            assert_eq!(code, Some(0), "{} {}: the prompt's worked kernel is not equivalent:\n{out}", rule.code, ex.name);
            seen += 1;
        }
    }
    assert!(seen >= 4, "each rule carries a worked kernel for the prompts; found {seen}");
}

const LARGEST: &str = "def largest(xs):\n    m = xs[0] * 1.0\n    for x in xs:\n        if x > m:\n            m = x\n    return m\n";

#[test]
fn a_kernel_right_on_the_fast_path_is_accepted_where_the_whole_function_is_not() {
    // np.max propagates NaN and raises on an empty array; the loop skips NaN (unless first) and
    // raises IndexError on []. Neither input reaches the kernel.
    let candidate = wrapped(LARGEST, "largest", "import numpy as np\n\n\ndef _largest_kernel(xs):\n    return np.max(xs)\n");
    let (code, out) = check(LARGEST, "largest", &candidate);
    assert_eq!(code, Some(0), "{out}");
    let whole = "import numpy as np\n\n\ndef largest(xs):\n    return float(np.max(np.asarray(xs, dtype=np.float64)))\n";
    let (code, out) = check(LARGEST, "largest", whole);
    assert_eq!(code, Some(1), "the unguarded rewrite must be rejected (NaN or empty input):\n{out}");
}

#[test]
fn a_wrong_kernel_is_rejected_with_a_counterexample() {
    let module = &rules::rule("AX001").unwrap().examples[0].before;
    let off_by_one = "import numpy as np\n\n\ndef _moving_average_kernel(values, window):\n    c = np.cumsum(values)\n    return (c[window - 1:] - np.concatenate(([0.0], c[:-window]))) / (window + 1)\n";
    let candidate = wrapped(module, "moving_average", off_by_one);
    let (code, out) = check(module, "moving_average", &candidate);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT equivalent") && out.contains("input:") && out.contains("expected:"), "the verdict shows a counterexample:\n{out}");
}
