//! Every rule's examples: the exact rewrite, the must-not-fire cases, re-parsing, and — through
//! the real verifier — that each example's rewrite is equivalent to its original.

mod common;

use aiaccel::propose::rules;

#[test]
fn every_rule_has_docs_and_examples() {
    let all = rules::all_rules();
    assert!(all.len() >= 4);
    for r in &all {
        assert!(r.code.starts_with("AX") && r.code.len() == 5, "{}", r.code);
        assert!(!r.what.trim().is_empty() && !r.why.trim().is_empty() && !r.assumes.trim().is_empty(), "{}", r.code);
        assert!(!r.examples.is_empty(), "{} has no example", r.code);
        assert!(!r.no_fire.is_empty(), "{} has no must-not-fire example", r.code);
    }
}

fn rewrite(code: &str, ex: &rules::Example) -> String {
    let f = rules::example_function(&ex.before, &ex.function).unwrap();
    let got = rules::apply(code, &f, &ex.before).unwrap();
    got.unwrap_or_else(|why| panic!("{code} does not fire on example {}: {why}", ex.name))
}

/// Each example's exact rewrite is a snapshot (tests/snapshots/rules__<code>_<example>.snap);
/// after a deliberate change, review the new ones (`cargo insta review`, or rerun with
/// INSTA_UPDATE=always and read the diff). The runtime modules' hashes are filtered out: a
/// change of the shared helpers does not change what a rule writes.
#[test]
fn examples_rewrite_exactly() {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"_aiaccel_(adapt|checked)_[0-9a-f]{8}", "_aiaccel_${1}_[HASH]");
    settings.set_prepend_module_to_snapshot(true);
    settings.bind(|| {
        for r in rules::all_rules() {
            for ex in &r.examples {
                let got = rewrite(&r.code, ex);
                insta::assert_snapshot!(format!("{}_{}", r.code, ex.name), got);
                // the rewrite splices back into the module and parses
                let f = rules::example_function(&ex.before, &ex.function).unwrap();
                aiaccel::edit::splice(&ex.before, &f, &got).unwrap();
            }
        }
    });
}

#[test]
fn no_fire_examples_do_not_fire() {
    for r in rules::all_rules() {
        for nf in &r.no_fire {
            let f = rules::example_function(&nf.before, &nf.function).unwrap();
            let got = rules::apply(&r.code, &f, &nf.before).unwrap();
            assert!(got.is_err(), "{} fired on {} ({}):\n{}", r.code, nf.name, nf.reason, got.unwrap());
        }
    }
}

/// The examples are not only exact but right: `aiaccel check` finds each rewrite equivalent.
#[test]
fn examples_are_equivalent_under_the_verifier() {
    let mut failures = Vec::new();
    for r in rules::all_rules() {
        for ex in &r.examples {
            let repo = common::repo(&[("example.py", ex.before.as_bytes())]);
            let cand = repo.dir.path().join("candidate.py");
            std::fs::write(&cand, rewrite(&r.code, ex)).unwrap();
            let target = format!("example.py::{}", ex.function);
            let mut args = vec!["check", &target, "--candidate", cand.to_str().unwrap(), "--no-bench", "--json"];
            if r.reorders_sums {
                args.push("--reorders-sums");
            }
            let out = common::aiaccel(&repo.root, &args);
            if out.status.code() != Some(0) {
                failures.push(format!("{} {}: exit {:?}\n{}\n{}", r.code, ex.name, out.status.code(), common::stdout(&out), common::stderr(&out)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_misspelled_strategy_is_an_error_not_manual() {
    let good = include_str!("../rules/AX001-numba-njit-adapter.toml");
    assert_eq!(rules::parse_rule("AX001", good).unwrap().strategy, aiaccel::Strategy::Numba);
    let typo = good.replacen("strategy = \"numba\"", "strategy = \"nunba\"", 1);
    assert!(typo.contains("\"nunba\""), "the test's replacement did not apply");
    let err = rules::parse_rule("AX001", &typo).unwrap_err().to_string();
    assert!(err.contains("nunba") && err.contains("rules/AX001"), "{err}");
}

/// A rule must not fire on its own output: a rewrite run through the pipeline again (a rerun on
/// a branch, a second rule pass) would otherwise stack adapter on adapter.
#[test]
fn no_rule_fires_on_its_own_output() {
    for r in rules::all_rules() {
        for ex in &r.examples {
            let f = rules::example_function(&ex.before, &ex.function).unwrap();
            let once = rules::apply(&r.code, &f, &ex.before).unwrap().unwrap_or_else(|why| panic!("{} does not fire on example {}: {why}", r.code, ex.name));
            let module = aiaccel::edit::splice(&ex.before, &f, &once).unwrap();
            let f2 = aiaccel::discover::function_at("example.py", &module, &ex.function).unwrap();
            let twice = rules::apply(&r.code, &f2, &module).unwrap();
            assert!(twice.is_err(), "{} fired on its own output for example {}:\n{module}\n--- became\n{}", r.code, ex.name, twice.unwrap());
        }
    }
}
