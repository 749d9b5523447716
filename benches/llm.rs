//! Local model benchmark: load time, prefill and decode tokens/s, peak RSS, and the time of one
//! full propose step (a 60-line function, one greedy vectorize candidate) for each shipped model.
//!
//! `cargo bench --bench llm [-- MODEL...]` (needs `[[bench]] name = "llm", harness = false`).
//! Models are fetched on first use. Timings are wall clock on whatever else the machine is
//! doing: the load average is printed with each row so a busy machine shows.

use aiaccel::discover::{Function, FunctionKind, Param, ParamShape};
use aiaccel::propose::llm::generate::{Message, Model, Sampling};
use aiaccel::propose::llm::{fetch, LlmConfig, LlmProposer, LocalModel};
use aiaccel::propose::{ProposeContext, Proposer, Strategy};
use std::time::Instant;

/// `VmHWM` (peak resident set) of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Reset `VmHWM` so each model's peak is its own (Linux: write 5 to clear_refs).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(1).collect::<Vec<_>>().join(""))
        .unwrap_or_default()
}

/// A 60-line numeric function in the style of the legacy code aiaccel targets.
fn sixty_line_function() -> (String, Function) {
    let mut src = String::from(
        "def smooth_and_score(values, weights, window, threshold):\n    \"\"\"Weighted moving average, then score each point against a threshold.\"\"\"\n    n = len(values)\n    smoothed = []\n",
    );
    src.push_str("    for i in range(n):\n        lo = max(0, i - window)\n        hi = min(n, i + window + 1)\n        acc = 0.0\n        wsum = 0.0\n        for j in range(lo, hi):\n            acc += values[j] * weights[j]\n            wsum += weights[j]\n        if wsum > 0.0:\n            smoothed.append(acc / wsum)\n        else:\n            smoothed.append(0.0)\n");
    src.push_str("    mean = 0.0\n    for v in smoothed:\n        mean += v\n    mean = mean / n if n else 0.0\n    var = 0.0\n    for v in smoothed:\n        var += (v - mean) * (v - mean)\n    var = var / n if n else 0.0\n    std = var ** 0.5\n");
    src.push_str("    scores = []\n    for i in range(n):\n        if std > 0.0:\n            z = (smoothed[i] - mean) / std\n        else:\n            z = 0.0\n        if z > threshold:\n            scores.append(1.0)\n        elif z < -threshold:\n            scores.append(-1.0)\n        else:\n            scores.append(z / threshold)\n");
    src.push_str("    runs = []\n    current = 0\n    for s in scores:\n        if s >= 1.0:\n            current += 1\n        else:\n            if current > 0:\n                runs.append(current)\n            current = 0\n    if current > 0:\n        runs.append(current)\n    longest = 0\n    for r in runs:\n        if r > longest:\n            longest = r\n    total = 0.0\n    for i in range(n):\n        total += scores[i] * values[i]\n    return scores, longest, total\n");
    let p = |name: &str, shape| Param { name: name.into(), annotation: None, default: None, shape, variadic: false };
    let f = Function {
        path: "bench.py".into(),
        module: "bench".into(),
        qualname: "smooth_and_score".into(),
        name: "smooth_and_score".into(),
        kind: FunctionKind::Plain,
        range: 0..src.len(),
        indent: String::new(),
        line: 1,
        source: src.clone(),
        params: vec![
            p("values", ParamShape::FloatList),
            p("weights", ParamShape::FloatList),
            p("window", ParamShape::Size),
            p("threshold", ParamShape::Float),
        ],
        self_attrs: vec![],
            record_attrs: vec![],
            numpy_module: false,
        returns_value: true,
        loop_depth: 2,
        score: 1.0,
        reasons: vec![],
    };
    (src, f)
}

fn main() -> anyhow::Result<()> {
    let mut names: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        names = fetch::manifests().into_iter().map(|m| m.name).collect();
    }
    let root = fetch::cache_root();
    println!("threads: {}", candle_core::utils::get_num_threads());
    println!("| model | load s | prefill tok/s | decode tok/s | propose step, one token per pass | propose step, prompt-lookup drafts | peak RSS MiB | load avg |");
    println!("|---|---|---|---|---|---|---|---|");
    for name in names {
        let file = fetch::resolve_named(&root, &name, &fetch::FetchOptions::default())?;
        reset_peak_rss();
        let la = load_average();
        let t = Instant::now();
        let mut model = Model::load(&file)?;
        let load_s = t.elapsed().as_secs_f64();

        // Warm-up: first forward passes allocate and fault pages in.
        model.generate_chat(&[Message::user("hi")], &Sampling::greedy(4), &mut |_| {})?;

        // Prefill: the real 60-line prompt; decode: 96 tokens, no early stop. Best of three each:
        // on a shared 2-core machine any other busy process stalls candle's two worker threads.
        let (module, f) = sixty_line_function();
        let ctx = ProposeContext { function: &f, module_source: &module, observed_inputs: None };
        let prompt_msg = aiaccel::propose::llm::prompt::strategy_message(&ctx, Strategy::Vectorize);
        let mut prefill_tps: f64 = 0.0;
        let mut decode_tps: f64 = 0.0;
        let mut decode_sampling = Sampling::greedy(96);
        decode_sampling.stop_after_code_block = false;
        let long = Message::user("Write a long, well commented Python module implementing a priority queue, a trie and a union-find.");
        for _ in 0..3 {
            let g = model.generate_chat(std::slice::from_ref(&prompt_msg), &Sampling::greedy(1), &mut |_| {})?;
            prefill_tps = prefill_tps.max(g.prompt_tokens as f64 / g.prefill_seconds);
            let g = model.generate_chat(std::slice::from_ref(&long), &decode_sampling, &mut |_| {})?;
            decode_tps = decode_tps.max(g.generated_tokens as f64 / g.decode_seconds);
        }
        drop(model);

        // The full propose step through the proposer, model already loaded (loading is per run),
        // once decoding one token per pass and once drafting by prompt lookup (the default).
        // A fresh model each: neither may continue the other's KV cache.
        let config = LlmConfig { strategies: vec![Strategy::Vectorize], progress: false, ..LlmConfig::default() };
        let mut steps = Vec::new();
        for lookahead in [0, 8] {
            let mut local = LocalModel::new(file.clone());
            local.model()?.lookahead = lookahead;
            let mut proposer = LlmProposer::new(Box::new(local), config.clone(), None);
            let t = Instant::now();
            let candidates = proposer.propose(&ctx)?;
            let step_s = t.elapsed().as_secs_f64();
            let s = proposer.stats();
            steps.push(format!(
                "{step_s:.1} s, decode {:.1} tok/s ({} prompt tok, {} gen tok, {} candidate)",
                s.decode_tokens_per_second,
                s.prompt_tokens,
                s.generated_tokens,
                candidates.len()
            ));
        }
        println!(
            "| {name} | {load_s:.1} | {prefill_tps:.1} | {decode_tps:.1} | {} | {} | {:.0} | {la} |",
            steps[0],
            steps[1],
            peak_rss_mib()
        );
    }
    Ok(())
}
