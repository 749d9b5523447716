//! Issue #5: the eval corpus is complete and self-consistent (its own pytest self-test), and
//! `aiaccel eval` scores what the pipeline accepts with the specs' oracles.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn corpus_has_40_functions_5_negative_controls_and_its_self_test_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/corpus");
    let specs = aiaccel::eval::load_corpus(&root).unwrap();
    let negatives = specs.iter().filter(|s| s.group == "negative").count();
    assert!(specs.len() - negatives >= 40, "{} functions", specs.len() - negatives);
    assert!(negatives >= 5, "{negatives} negative controls");
    // every generator is deterministic, every oracle accepts the original and rejects planted
    // wrong candidates, every legacy test passes
    let out = Command::new(common::python()).args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_corpus.py"]).current_dir(&root).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "corpus self-test failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn eval_scores_with_the_oracle_and_writes_json_markdown_and_svg() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval_mini");
    let out_dir = tempfile::tempdir().unwrap();
    let json = out_dir.path().join("r.json");
    let out = common::aiaccel(
        out_dir.path(),
        &["eval", corpus.to_str().unwrap(), "--no-llm", "--configs", "rules", "--sizes", "small", "--json", json.to_str().unwrap()],
    );
    let err = common::stderr(&out);
    // the planted oracle failure is a wrong accept: the command says so with exit 1
    assert_eq!(out.status.code(), Some(1), "{err}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rules = report["summaries"].as_array().unwrap().iter().find(|s| s["config"] == "rules").unwrap();
    assert_eq!(rules["wrong_accepted"], 1, "{rules}");
    assert_eq!(rules["accelerated"], 0, "a wrong rewrite never counts as accelerated: {rules}");
    assert_eq!(rules["negatives_accepted"], 0, "{rules}");
    let scale = report["results"].as_array().unwrap().iter().find(|r| r["name"] == "scale").unwrap();
    assert_eq!(scale["status"], "accepted", "{scale}");
    assert_eq!(scale["oracle_ok"], false);
    assert!(scale["oracle_message"].as_str().unwrap().contains("planted oracle failure"));
    assert!(scale["sizes"][0]["speedup"].as_f64().is_some(), "{scale}");
    // the compiled-loop reference: njit on the unchanged function, a figure or why there is none
    let refs = report["njit_reference"].as_array().unwrap();
    let r = refs.iter().find(|r| r["name"] == "scale").unwrap_or_else(|| panic!("no njit reference for scale: {refs:?}"));
    assert!(r["speedup"].as_f64().is_some_and(|x| x > 0.0) || !r["note"].as_str().unwrap().is_empty(), "{r}");
    let md = std::fs::read_to_string(json.with_extension("md")).unwrap();
    assert!(md.contains("| rules |") && md.contains("**WRONG**"), "{md}");
    assert!(md.contains("njit on arrays, kernel only"), "{md}");
    let svg = std::fs::read_to_string(json.with_extension("svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("scale"), "{svg}");

    // --compare against itself: no regressions
    let out = common::aiaccel(
        out_dir.path(),
        &["eval", corpus.to_str().unwrap(), "--no-llm", "--configs", "rules", "--sizes", "small", "--only", "logger", "--json", out_dir.path().join("r2.json").to_str().unwrap(), "--compare", json.to_str().unwrap()],
    );
    let err = common::stderr(&out);
    assert!(err.contains("compared with"), "{err}");
}
