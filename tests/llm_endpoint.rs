//! Issue #3: an OpenAI-compatible endpoint (`--llm-url`) behind the same proposer: the prompt
//! reaches the server, its answer is extracted, verified and reported as `llm:<model>@host`.
//! The server is a fake on 127.0.0.1 that answers with a fixed completion.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

// rules do not accelerate string scanning; the "model" offers an equivalent generator version
const MODULE: &str = "def count_vowels(text: str) -> int:\n    n = 0\n    for ch in text:\n        if ch in 'aeiou':\n            n += 1\n    return n\n";
const ANSWER: &str = "Here is a faster version:\n\n```python\ndef count_vowels(text):\n    return sum(1 for ch in text if ch in 'aeiou')\n```\n";

fn serve(listener: TcpListener, seen: Arc<Mutex<Vec<String>>>, max: usize, answer: fn(&str) -> String) {
    for stream in listener.incoming().take(max) {
        let Ok(mut s) = stream else { continue };
        let mut reader = BufReader::new(s.try_clone().unwrap());
        let mut len = 0usize;
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0u8; len];
        reader.read_exact(&mut body).unwrap();
        let body = String::from_utf8_lossy(&body).to_string();
        seen.lock().unwrap().push(format!("{}\n{body}", first.trim()));
        let reply = serde_json::json!({
            "choices": [{"message": {"role": "assistant", "content": answer(&body)}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 321, "completion_tokens": 45}
        })
        .to_string();
        let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len());
    }
}

/// A fake endpoint on 127.0.0.1 answering up to `max` requests: its port and what it was sent.
fn fake_server(max: usize) -> (u16, Arc<Mutex<Vec<String>>>) {
    fake_server_answering(max, |_| ANSWER.to_string())
}

/// The same, with the answer a function of the request body.
fn fake_server_answering(max: usize, answer: fn(&str) -> String) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    std::thread::spawn(move || serve(listener, s2, max, answer));
    (port, seen)
}

#[test]
fn endpoint_answers_are_extracted_verified_and_reported() {
    let (port, seen) = fake_server(16);
    let repo = common::repo(&[("text.py", MODULE.as_bytes())]);
    let url = format!("http://127.0.0.1:{port}/v1");
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-capture", "--dry-run", "--json", "--llm-url", &url, "--llm-model", "fake-coder"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    let requests = seen.lock().unwrap().clone();
    assert!(!requests.is_empty(), "the endpoint was never asked:\n{err}");
    assert!(requests[0].starts_with("POST /v1/chat/completions"), "{}", requests[0]);
    let body: serde_json::Value = serde_json::from_str(requests[0].split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["model"], "fake-coder");
    assert!(body["messages"].to_string().contains("def count_vowels"), "the prompt lacks the function: {body}");
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let f = &report["functions"][0];
    let llm: Vec<&serde_json::Value> = f["candidates"].as_array().unwrap().iter().filter(|c| c["origin"].as_str().unwrap_or("").starts_with("llm:fake-coder@127.0.0.1")).collect();
    assert!(!llm.is_empty(), "no llm candidate in {f}");
    // verified equivalent (a verdict past verification: accepted, not faster, or not timed),
    // never diverged or invalid
    assert!(llm.iter().any(|c| matches!(c["verdict"].as_str(), Some("accepted") | Some("not_faster") | Some("bench_failed"))), "{f}");
    // the run summary gives the model's tokens and time (from the endpoint's usage counts)
    let summary = err.lines().find(|l| l.starts_with("llm:fake-coder@127.0.0.1")).unwrap_or_else(|| panic!("no model summary line:\n{err}"));
    let gens: usize = summary.split_once(": ").unwrap().1.split(' ').next().unwrap().parse().unwrap();
    assert!(gens >= 1 && summary.contains(&format!("{} prompt tokens", 321 * gens)) && summary.contains(&format!("{} generated", 45 * gens)), "{summary}");
}

/// Issue #14, triage: where the rules' compiled kernel ran, was equivalent and still lost to the
/// list conversion, no model rewrite can win: the model is not asked, and the report says why.
/// Where no rule applies (text scanning), it is asked.
#[test]
fn the_model_is_not_asked_where_no_win_is_possible() {
    let (port, seen) = fake_server(16);
    // one O(n) pass that returns a new list: converting in and out costs what the loop does
    let bound = "def shifted(xs, k):\n    out = []\n    for x in xs:\n        out.append(x + k)\n    return out\n";
    let repo = common::repo(&[("text.py", MODULE.as_bytes()), ("lists.py", bound.as_bytes())]);
    let url = format!("http://127.0.0.1:{port}/v1");
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-capture", "--dry-run", "--json", "--llm-url", &url, "--llm-model", "fake-coder"]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    let report: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let by = |q: &str| report["functions"].as_array().unwrap().iter().find(|f| f["function"] == q).cloned().unwrap();
    let shifted = by("shifted");
    let ax001 = shifted["candidates"].as_array().unwrap().iter().find(|c| c["origin"] == "rule:AX001").cloned().unwrap_or_default();
    // (the conversion in and out costs more than the loop: the kernel runs and loses)
    assert!(ax001["verdict"] == "not_faster" && ax001["speedup"].as_f64().is_some_and(|x| x < 0.9), "AX001 on shifted: {ax001}");
    assert!(shifted["model_not_asked"].as_str().is_some_and(|w| w.starts_with("no win possible")), "{shifted}");
    assert!(!shifted["candidates"].to_string().contains("llm:"), "{shifted}");
    assert!(err.contains("model not asked about 1 functions"), "{err}");
    let requests = seen.lock().unwrap().clone();
    assert!(requests.iter().all(|r| !r.contains("def shifted")), "the model was asked about shifted");
    // text scanning has no rule: the model is asked
    assert!(requests.iter().any(|r| r.contains("def count_vowels")), "the model was not asked about count_vowels:\n{err}");
    assert!(by("count_vowels")["model_not_asked"].is_null());
}

#[test]
fn an_unreachable_endpoint_is_a_warning_and_rules_go_on() {
    // a port nobody listens on
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let repo = common::repo(&[("text.py", MODULE.as_bytes())]);
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-capture", "--dry-run", "--llm-url", &format!("http://127.0.0.1:{port}/v1")]);
    let err = common::stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("did not answer") && err.contains("hint:"), "{err}");
}

/// `--llm-samples N` asks for N sampled answers per strategy on top of the greedy one, each with
/// the temperature and its own seed (identical answers are one candidate).
#[test]
fn llm_samples_adds_seeded_sampled_requests() {
    let (port, seen) = fake_server(32);
    let repo = common::repo(&[("text.py", MODULE.as_bytes())]);
    let url = format!("http://127.0.0.1:{port}/v1");
    let out = common::aiaccel(&repo.root, &["rewrite", ".", "--no-capture", "--dry-run", "--llm-url", &url, "--llm-samples", "2"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let bodies: Vec<serde_json::Value> =
        seen.lock().unwrap().iter().map(|r| serde_json::from_str(r.split_once('\n').unwrap().1).unwrap()).collect();
    let sampled: Vec<&serde_json::Value> = bodies.iter().filter(|b| b["temperature"].as_f64().unwrap_or(0.0) > 0.0).collect();
    // two strategies, two samples each, seeds 1 and 2
    assert_eq!(sampled.len(), 4, "{bodies:?}");
    let mut seeds: Vec<u64> = sampled.iter().map(|b| b["seed"].as_u64().unwrap()).collect();
    seeds.sort();
    assert_eq!(seeds, [1, 1, 2, 2]);
    assert_eq!(bodies.iter().filter(|b| b["temperature"].as_f64() == Some(0.0)).count(), 2, "one greedy request per strategy");
}

/// Issue #14, item 2: a rule's kernel that Numba cannot compile (`bin` is no Numba builtin) is
/// rejected as `untyped` with Numba's error, and the model is asked first to make that kernel
/// compile: it is shown the function, the rule's kernel and the error, and its kernel goes
/// through the same adapter and verifier.
#[test]
fn the_model_repairs_a_rule_kernel_numba_could_not_compile() {
    fn answer(body: &str) -> String {
        if body.contains("compiled: the loops of") {
            "```python\nfrom numba import njit\n\n\n@njit(cache=True)\ndef _popcount_total_kernel(xs):\n    total = 0\n    for x in xs:\n        v = -x if x < 0 else x\n        while v:\n            total += v & 1\n            v >>= 1\n    return total\n```\n".to_string()
        } else {
            "I cannot help with that.".to_string()
        }
    }
    let (port, seen) = fake_server_answering(16, answer);
    let repo = common::repo(&[("bits.py", &common::untyped_fixture())]);
    let url = format!("http://127.0.0.1:{port}/v1");
    let (report, err) = common::rewrite_report(&repo.root, &["--llm-url", &url, "--llm-model", "fake-coder"]);
    let f = &report["functions"][0];
    let cands = f["candidates"].as_array().unwrap();
    let rule = cands.iter().find(|c| c["origin"] == "rule:AX001").unwrap_or_else(|| panic!("{f}"));
    assert_eq!(rule["verdict"], "untyped", "{rule}");
    assert!(rule["message"].as_str().unwrap().contains("Untyped global name 'bin'"), "{rule}");
    // the first request is the repair: the function, the rule's kernel, Numba's error
    let requests = seen.lock().unwrap().clone();
    let first: serde_json::Value = serde_json::from_str(requests[0].split_once('\n').unwrap().1).unwrap();
    let turns: Vec<String> = first["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap().to_string()).collect();
    assert!(turns.iter().any(|t| t.contains("def popcount_total(xs: list[int]) -> int:")), "{turns:?}");
    assert!(turns.iter().any(|t| t.contains("@njit(cache=True)\ndef _popcount_total_kernel(xs):\n    total = 0\n    for x in xs:\n        total += bin(x).count(\"1\")")), "{turns:?}");
    assert!(turns.last().unwrap().contains("rule:AX001") && turns.last().unwrap().contains("Untyped global name 'bin'"), "{turns:?}");
    // the model's kernel compiles and is verified equivalent (faster or not is the benchmark's)
    let llm = cands.iter().find(|c| c["label"] == "llm numba from rule:AX001").unwrap_or_else(|| panic!("no repair candidate: {f}\n{err}"));
    assert!(matches!(llm["verdict"].as_str(), Some("accepted" | "not_faster")), "{llm}");
    // and the model's own proposals came only after, as the repair was not accepted... or not at all
    if llm["verdict"] == "accepted" {
        assert_eq!(requests.len(), 1, "a repair was accepted: the model was asked nothing more");
    }
}
