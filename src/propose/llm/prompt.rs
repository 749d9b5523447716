//! The prompts: one per strategy, built from the function, its module context and observed inputs.
//!
//! Prefill costs about 30 tokens a second on two cores, so every line here is paid for on every
//! function: the module context holds only what the function refers to (imports, the constants
//! and helpers it names), and each strategy carries one small worked example. The prompt must never
//! include anything but the HEAD text the proposer was given.

use crate::discover::{Function, FunctionKind, ParamShape};
use crate::propose::{ProposeContext, Strategy};
use rustpython_parser::ast::{self, Ranged, Stmt};
use rustpython_parser::{parse, Mode};
use std::collections::BTreeSet;

use super::kernel::KernelPlan;
use super::generate::Message;

/// Lines of one helper or constant shown before it is cut.
const MAX_ITEM_LINES: usize = 40;
/// Lines of module context in all.
const MAX_CONTEXT_LINES: usize = 120;

/// What the strategy asks for, in one paragraph.
fn strategy_instructions(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Vectorize => {
            "Use NumPy vectorization: replace the Python loops with whole-array NumPy operations \
(slicing, broadcasting, np.cumsum, np.convolve, np.dot, np.where, reductions). No Python loop over elements."
        }
        Strategy::Numba => {
            "Use Numba: move the loops into a private helper decorated with @njit(cache=True) that works on \
NumPy arrays; the public function converts its inputs with np.asarray, calls the helper and converts the result back."
        }
        Strategy::NumbaParallel | Strategy::Parallel => {
            "Use all CPU cores: move the loops into a private helper decorated with @njit(parallel=True, cache=True) \
and make the outer loop over independent iterations a numba.prange loop. Never prange a loop whose \
iterations depend on each other (running sums, recurrences)."
        }
        Strategy::Cupy => {
            "Use the GPU with CuPy: move the arrays to the device with cp.asarray, compute with whole-array CuPy \
operations, and bring the result back with cp.asnumpy before returning."
        }
        Strategy::Manual => "Make it faster.",
    }
}

const EXAMPLE_ORIGINAL: &str = "def prefix_sums(xs):
    out = []
    s = 0.0
    for x in xs:
        s += x
        out.append(s)
    return out";

/// The worked example for a strategy: the same small function rewritten the way we want.
fn strategy_example(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Vectorize | Strategy::Manual => {
            "import numpy as np

def prefix_sums(xs):
    a = np.asarray(xs, dtype=np.float64)
    out = np.cumsum(a)
    return out.tolist()"
        }
        Strategy::Numba => {
            "import numpy as np
from numba import njit

@njit(cache=True)
def _prefix_sums_kernel(a):
    out = np.empty(a.shape[0])
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
        out[i] = s
    return out

def prefix_sums(xs):
    out = _prefix_sums_kernel(np.asarray(xs, dtype=np.float64))
    return out.tolist()"
        }
        Strategy::NumbaParallel | Strategy::Parallel => {
            "import numpy as np
from numba import njit, prange

@njit(parallel=True, cache=True)
def _row_sums_kernel(m):
    out = np.empty(m.shape[0])
    for i in prange(m.shape[0]):
        s = 0.0
        for j in range(m.shape[1]):
            s += m[i, j]
        out[i] = s
    return out

def row_sums(rows):
    out = _row_sums_kernel(np.asarray(rows, dtype=np.float64))
    return out.tolist()"
        }
        Strategy::Cupy => {
            "import cupy as cp

def prefix_sums(xs):
    a = cp.asarray(xs, dtype=cp.float64)
    out = cp.asnumpy(cp.cumsum(a))
    return out.tolist()"
        }
    }
}

/// For the parallel example the original differs (a running sum cannot be parallel).
fn example_original(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::NumbaParallel | Strategy::Parallel => {
            "def row_sums(rows):
    out = []
    for row in rows:
        s = 0.0
        for v in row:
            s += v
        out.append(s)
    return out"
        }
        _ => EXAMPLE_ORIGINAL,
    }
}

fn shape_words(shape: ParamShape) -> &'static str {
    match shape {
        ParamShape::Size => "non-negative int (a size)",
        ParamShape::Int => "int",
        ParamShape::Float => "float",
        ParamShape::Bool => "bool",
        ParamShape::FloatList => "list of floats",
        ParamShape::IntList => "list of ints",
        ParamShape::FloatMatrix => "list of lists of floats (rectangular)",
        ParamShape::IntMatrix => "list of lists of ints (rectangular)",
        ParamShape::FloatCube => "3-level nested lists of floats",
        ParamShape::Array1 => "1-D NumPy array",
        ParamShape::Array2 => "2-D NumPy array",
        ParamShape::Array3 => "3-D NumPy array",
        ParamShape::Str => "str",
        ParamShape::Bytes => "bytes",
        ParamShape::Unknown => "unknown",
    }
}

/// The inputs line: what was observed, else what discovery inferred.
fn inputs_description(ctx: &ProposeContext<'_>) -> Option<String> {
    if let Some(obs) = ctx.observed_inputs.filter(|s| !s.trim().is_empty()) {
        return Some(obs.trim().to_string());
    }
    let parts: Vec<String> = ctx
        .function
        .params
        .iter()
        .filter(|p| !p.variadic && p.name != "self" && p.name != "cls")
        .filter(|p| p.shape != ParamShape::Unknown)
        .map(|p| format!("{}: {}", p.name, shape_words(p.shape)))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The module context block, when the function uses any.
fn push_module_context(m: &mut String, ctx: &ProposeContext<'_>) {
    let context = module_context(ctx.module_source, ctx.function);
    if !context.is_empty() {
        m.push_str("Module context (imports, constants and helpers it uses):\n```python\n");
        m.push_str(&context);
        m.push_str("\n```\n\n");
    }
}

/// The first user message for `strategy`.
pub fn strategy_message(ctx: &ProposeContext<'_>, strategy: Strategy) -> Message {
    let f = ctx.function;
    let code = crate::edit::dedent(&f.source);
    let signature = super::extract::signature_of(&code, &f.name)
        .map(|s| s.render())
        .unwrap_or_else(|| "(...)".into());
    let mut m = String::new();
    m.push_str(&format!(
        "Rewrite the Python function `{}` to run much faster. {}\n\n",
        f.name,
        strategy_instructions(strategy)
    ));
    push_module_context(&mut m, ctx);
    if f.kind == FunctionKind::Method || f.kind == FunctionKind::ClassMethod {
        m.push_str(&format!(
            "It is a method of class `{}`; write it as a plain `def` with the same parameters.\n\n",
            f.qualname.rsplit_once('.').map(|(c, _)| c).unwrap_or("?")
        ));
    }
    m.push_str("Function:\n```python\n");
    m.push_str(code.trim_end());
    m.push_str("\n```\n");
    if let Some(inputs) = inputs_description(ctx) {
        m.push_str(&format!("Typical inputs: {inputs}\n"));
    }
    m.push_str(&format!(
        "\nRequirements:\n\
- Keep the name `{name}` and exactly the parameters {signature}.\n\
- Return the same type as the original: where it returns a list, compute a NumPy array `out` and \
`return out.tolist()`; a number stays a Python number (float(...) or int(...)); a tuple stays a tuple.\n\
- Give the same results; do not modify the inputs.\n\
- Import only from: {allowed}.\n\
- Answer with one ```python block holding the imports, any helpers and the complete function. No tests, no example usage.\n\n",
        name = f.name,
        allowed = super::extract::allowed_imports(strategy == Strategy::Cupy).join(", "),
    ));
    m.push_str(&format!(
        "Example. Original:\n```python\n{}\n```\nRewrite:\n```python\n{}\n```\n",
        example_original(strategy),
        strategy_example(strategy)
    ));
    Message::user(m)
}

/// What a strategy asks of a kernel (kernel mode: arrays in, arrays or numbers out).
fn kernel_instructions(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Vectorize | Strategy::Manual => {
            "Use whole-array NumPy operations (slicing, broadcasting, np.cumsum, np.dot, np.where, \
reductions along an axis) instead of Python loops over elements."
        }
        Strategy::Numba => {
            "Decorate the kernel with @njit(cache=True) from numba and keep the loops (they compile); \
index 2-D arrays as a[i, j]."
        }
        Strategy::NumbaParallel | Strategy::Parallel => {
            "Decorate the kernel with @njit(parallel=True, cache=True) from numba and make the outer \
loop over independent iterations a numba.prange loop. Never prange a loop whose iterations depend on \
each other (running sums, recurrences)."
        }
        Strategy::Cupy => {
            "Use the GPU with CuPy: cp.asarray the arrays, compute with whole-array CuPy operations, and \
return results brought back with cp.asnumpy."
        }
    }
}

/// CuPy has no rule: its worked example is AX011's `rescale` kernel, on the device.
const CUPY_KERNEL: &str = "import cupy as cp


def _rescale_kernel(xs, scale, shift):
    return cp.asnumpy(cp.asarray(xs) * scale + shift)
";

/// Worked examples for kernel mode, taken from the rules' examples that carry a kernel
/// (`rules/examples/*.kernel.py`): (original, kernel).
pub fn kernel_examples(strategy: Strategy) -> Vec<(String, String)> {
    let codes: &[&str] = match strategy {
        Strategy::Vectorize | Strategy::Manual => &["AX010", "AX011"],
        Strategy::Numba => &["AX001"],
        Strategy::NumbaParallel | Strategy::Parallel => &["AX002"],
        Strategy::Cupy => &["AX011"],
    };
    let mut out = Vec::new();
    for rule in crate::propose::rules::all_rules().into_iter().filter(|r| codes.contains(&r.code.as_str())) {
        if let Some(ex) = rule.examples.into_iter().find(|e| e.kernel.is_some()) {
            let kernel = if strategy == Strategy::Cupy { CUPY_KERNEL.to_string() } else { ex.kernel.unwrap_or_default() };
            out.push((ex.before.trim().to_string(), kernel.trim().to_string()));
        }
    }
    out
}

/// The first user message in kernel mode: the model writes `_<name>_kernel` only.
/// `examples`: the worked examples chosen for this function (`examples::select`); with none
/// (or for CuPy, which no rule's kernel shows), the strategy's fixed ones.
pub fn kernel_message(ctx: &ProposeContext<'_>, strategy: Strategy, plan: &KernelPlan, examples: &[super::examples::Worked]) -> Message {
    let f = ctx.function;
    let code = crate::edit::dedent(&f.source);
    // What every strategy shares comes first, so that the next strategy's prompt for the same
    // function continues the KV cache instead of reading it again (`generate`: common prefix).
    let mut m = format!("Write a fast kernel for the Python function `{}`.\n\n", f.name);
    push_module_context(&mut m, ctx);
    m.push_str("Function:\n```python\n");
    m.push_str(code.trim_end());
    m.push_str("\n```\n\n");
    m.push_str(&format!(
        "Write `{}({})`. aiaccel calls it from `{}` with:\n",
        plan.kernel,
        plan.param_names().join(", "),
        f.name
    ));
    for line in plan.describe_params() {
        m.push_str(&format!("- {line}\n"));
    }
    m.push_str("Other inputs (empty, NaN, mixed types) never reach the kernel.\n");
    if let Some(obs) = ctx.observed_inputs.filter(|s| !s.trim().is_empty()) {
        m.push_str(&format!("Observed calls: {}\n", obs.trim()));
    }
    m.push_str(&format!(
        "\nRequirements:\n\
- Compute exactly what `{name}` computes, raising the same exceptions.\n\
- Where `{name}` returns a list, return a NumPy array (aiaccel turns it back into a list); a number: \
return a number; a tuple: a tuple of these.\n\
- Import only from: {allowed}.\n\
- Answer with one ```python block holding the imports, any helpers and `{kernel}`. Do not write \
`{name}` itself. No tests, no example usage.\n",
        name = f.name,
        kernel = plan.kernel,
        allowed = super::extract::allowed_imports(strategy == Strategy::Cupy).join(", "),
    ));
    m.push_str(&format!("\nHow: {}\n", kernel_instructions(strategy)));
    let shown: Vec<(String, String)> = if strategy == Strategy::Cupy || examples.is_empty() {
        kernel_examples(strategy)
    } else {
        examples.iter().map(|w| (w.original.clone(), w.kernel.clone())).collect()
    };
    for (before, kernel) in shown {
        m.push_str(&format!("\nExample. Original:\n```python\n{before}\n```\nKernel:\n```python\n{kernel}\n```\n"));
    }
    Message::user(m)
}

/// The follow-up turn after the verifier rejected the model's previous answer.
/// `kernel`: the model wrote only this kernel and aiaccel wrapped it as `name`.
pub fn repair_message(name: &str, kernel: Option<&str>, feedback: &str) -> Message {
    let feedback = truncate_lines(feedback.trim(), 30);
    Message::user(match kernel {
        None => format!(
            "aiaccel tested your `{name}` against the original and rejected it:\n```\n{feedback}\n```\n\
Fix the problem. Keep the same name, parameters and return type. Answer with one ```python block \
holding the complete corrected code."
        ),
        Some(kernel) => format!(
            "aiaccel called your `{kernel}` from `{name}` and compared with the original; it rejected it:\n```\n{feedback}\n```\n\
Fix `{kernel}`. Keep its name and parameters. Answer with one ```python block holding the imports, \
any helpers and the complete corrected `{kernel}`."
        ),
    })
}

/// The kernel a rule compiled, as the model would write it: the loops of `f` as they are under
/// `@njit` (the rule's own kernel differs only in aiaccel's overflow-checked int arithmetic,
/// which the model neither writes nor imports: aiaccel adds it). None where `f` does not parse.
pub fn rule_kernel_text(f: &crate::discover::Function, kernel: &str, params: &[String]) -> Option<String> {
    let code = crate::edit::dedent(&f.source);
    let module = crate::pyast::parse_module(&code, "<function>").ok()?;
    let Some(Stmt::FunctionDef(def)) = module.first() else { return None };
    let mut body: &[Stmt] = &def.body;
    if let Some(Stmt::Expr(e)) = body.first() {
        if matches!(&*e.value, ast::Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))) && body.len() > 1 {
            body = &body[1..]; // the docstring
        }
    }
    let start = crate::pyast::line_start(&code, crate::pyast::range(body.first()?).start);
    Some(format!("from numba import njit\n\n\n@njit(cache=True)\ndef {kernel}({}):\n{}", params.join(", "), code[start..].trim_end()))
}

/// The turn after a rule's compiled kernel (shown as the previous answer) was rejected: most
/// often Numba could not compile it, and the model is asked for a kernel that compiles.
pub fn rule_repair_message(name: &str, kernel: &str, rule: &str, feedback: &str) -> Message {
    let hint = untyped_hint(feedback).map(|h| format!("Hint: {h}\n")).unwrap_or_default();
    let feedback = truncate_lines(feedback.trim(), 30);
    Message::user(format!(
        "That kernel is what aiaccel's rule {rule} compiled: the loops of `{name}` as they are. aiaccel rejected it:\n```\n{feedback}\n```\n\
Write `{kernel}` again so that Numba compiles it and it computes exactly what `{name}` computes: replace what \
Numba cannot compile (builtins such as bin, hex or str, string methods, dicts, sets, lists of mixed types) with \
arithmetic and loops over numbers and NumPy arrays. Keep its name and parameters. {hint}Answer with one ```python block \
holding the imports, any helpers and the complete `{kernel}`."
    ))
}

/// What to write instead of a Python builtin Numba does not type, from its error
/// (`Untyped global name 'bin'`, `Unknown attribute 'bit_length'`).
fn untyped_hint(feedback: &str) -> Option<&'static str> {
    let named = |what: &str, n: &str| feedback.contains(&format!("{what} '{n}'"));
    let global = |n: &str| named("Untyped global name", n);
    if global("bin") || global("hex") || global("oct") || named("Unknown attribute", "bit_count") || named("Unknown attribute", "bit_length") {
        Some("Numba has no bin(), hex(), oct() or int.bit_count(): count or read an int's bits or digits with a while loop over `v & 1` and `v >>= 1` (or `v % base` and `v //= base`), on abs(v) and with the sign handled as the original does.")
    } else if global("str") || global("repr") || global("format") {
        Some("Numba cannot build strings from numbers: compute with the numbers themselves (digits by `% 10` and `// 10`).")
    } else if global("ord") || global("chr") {
        Some("the kernel gets code points as ints already: compare and compute with them directly, without ord() or chr().")
    } else if global("sorted") || global("set") || global("dict") {
        Some("use NumPy arrays instead: np.sort, np.unique, or an array indexed by the key.")
    } else {
        None
    }
}

/// Keep the head and the tail of a long message: exception chains (numba's typing errors above
/// all) put the summary first and the offending line last.
fn truncate_lines(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return text.to_string();
    }
    let head = max / 3;
    let tail = max - head;
    format!(
        "{}\n... ({} lines omitted)\n{}",
        lines[..head].join("\n"),
        lines.len() - max,
        lines[lines.len() - tail..].join("\n")
    )
}

/// Identifiers that appear in `text` (over-approximates: words in strings and comments count).
pub(super) fn identifiers(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else if !cur.is_empty() {
            if !cur.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                out.insert(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    out
}

fn stmt_text<'a>(src: &'a str, s: &Stmt) -> &'a str {
    let mut start = s.range().start().to_usize();
    let decorators: &[ast::Expr] = match s {
        Stmt::FunctionDef(f) => &f.decorator_list,
        Stmt::AsyncFunctionDef(f) => &f.decorator_list,
        Stmt::ClassDef(c) => &c.decorator_list,
        _ => &[],
    };
    for d in decorators {
        start = start.min(d.range().start().to_usize());
    }
    let start = src[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = s.range().end().to_usize();
    src[start..end].trim_end()
}

fn cut(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_ITEM_LINES {
        text.to_string()
    } else {
        format!("{}\n    ...", lines[..MAX_ITEM_LINES].join("\n"))
    }
}

/// Imports, and the module-level constants and functions that `function` names, in module order.
/// For a method, the class's `__init__` too (it shows the attributes). Empty when nothing applies.
pub fn module_context(module_source: &str, function: &Function) -> String {
    let used = identifiers(&function.source);
    let class_name = match function.kind {
        FunctionKind::Plain => None,
        _ => function.qualname.rsplit_once('.').map(|(c, _)| c.to_string()),
    };
    let body = match parse(module_source, Mode::Module, &function.path) {
        Ok(ast::Mod::Module(m)) => m.body,
        // The HEAD text should parse; if not, fall back to the import lines.
        _ => {
            return module_source
                .lines()
                .filter(|l| l.starts_with("import ") || l.starts_with("from "))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let mut items: Vec<String> = Vec::new();
    for s in &body {
        let text = stmt_text(module_source, s);
        let keep = match s {
            Stmt::Import(_) | Stmt::ImportFrom(_) => true,
            Stmt::FunctionDef(f) => f.name.as_str() != function.name && used.contains(f.name.as_str()),
            Stmt::AsyncFunctionDef(f) => {
                f.name.as_str() != function.name && used.contains(f.name.as_str())
            }
            Stmt::Assign(a) => a.targets.iter().any(|t| target_used(t, &used)),
            Stmt::AnnAssign(a) => target_used(&a.target, &used),
            Stmt::ClassDef(c) => {
                if class_name.as_deref() == Some(c.name.as_str()) {
                    // The class line and its __init__ only.
                    let header = text.lines().next().unwrap_or("").to_string();
                    let init = c.body.iter().find_map(|s| match s {
                        Stmt::FunctionDef(f) if f.name.as_str() == "__init__" => {
                            Some(cut(stmt_text(module_source, s)))
                        }
                        _ => None,
                    });
                    items.push(match init {
                        Some(init) => format!("{header}\n{init}"),
                        None => format!("{header}\n    ..."),
                    });
                }
                false
            }
            _ => false,
        };
        if keep {
            items.push(cut(text));
        }
    }
    let mut out = Vec::new();
    let mut lines = 0;
    for item in items {
        let n = item.lines().count();
        if lines + n > MAX_CONTEXT_LINES {
            out.push("# ... (more module context omitted)".to_string());
            break;
        }
        lines += n;
        out.push(item);
    }
    out.join("\n")
}

fn target_used(t: &ast::Expr, used: &BTreeSet<String>) -> bool {
    match t {
        ast::Expr::Name(n) => used.contains(n.id.as_str()),
        ast::Expr::Tuple(tup) => tup.elts.iter().any(|e| target_used(e, used)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{Param, ParamShape};

    const MODULE: &str = "import math\nimport numpy as np\nfrom os import path\n\nSCALE = 2.0\nUNUSED = 3\n\n\
def _helper(v):\n    return v * SCALE\n\ndef unrelated():\n    return 1\n\n\
def moving_average(xs, w):\n    out = []\n    for i in range(len(xs) - w + 1):\n        out.append(_helper(sum(xs[i:i + w])) / w)\n    return out\n";

    fn function() -> Function {
        let source = "def moving_average(xs, w):\n    out = []\n    for i in range(len(xs) - w + 1):\n        out.append(_helper(sum(xs[i:i + w])) / w)\n    return out\n";
        let start = MODULE.find("def moving_average").unwrap();
        Function {
            path: "pkg/sig.py".into(),
            module: "pkg.sig".into(),
            qualname: "moving_average".into(),
            name: "moving_average".into(),
            kind: FunctionKind::Plain,
            range: start..MODULE.len(),
            indent: String::new(),
            line: 14,
            source: source.into(),
            params: vec![
                Param { name: "xs".into(), annotation: None, default: None, shape: ParamShape::FloatList, variadic: false },
                Param { name: "w".into(), annotation: None, default: None, shape: ParamShape::Size, variadic: false },
            ],
            self_attrs: vec![],
            record_attrs: vec![],
            numpy_module: false,
            returns_value: true,
            loop_depth: 1,
            score: 1.0,
            reasons: vec![],
        }
    }

    #[test]
    fn module_context_keeps_imports_and_what_the_function_names() {
        let f = function();
        assert_eq!(
            module_context(MODULE, &f),
            "import math\nimport numpy as np\nfrom os import path\ndef _helper(v):\n    return v * SCALE"
        );
        // SCALE is used by the helper, not by the function itself: we only look one level deep.
    }

    #[test]
    fn strategy_prompts_carry_function_inputs_rules_and_example() {
        let f = function();
        let ctx = ProposeContext { function: &f, module_source: MODULE, observed_inputs: None };
        let m = strategy_message(&ctx, Strategy::Numba).content;
        assert!(m.starts_with("Rewrite the Python function `moving_average` to run much faster. Use Numba"));
        assert!(m.contains("Function:\n```python\ndef moving_average(xs, w):\n"));
        assert!(m.contains("Typical inputs: xs: list of floats; w: non-negative int (a size)\n"));
        assert!(m.contains("exactly the parameters (xs, w)."));
        assert!(m.contains(".tolist()"));
        assert!(m.contains("@njit(cache=True)\ndef _prefix_sums_kernel"));
        let obs = ProposeContext { function: &f, module_source: MODULE, observed_inputs: Some("xs: list[float] len 1000; w: int") };
        let v = strategy_message(&obs, Strategy::Vectorize).content;
        assert!(v.contains("Typical inputs: xs: list[float] len 1000; w: int\n"));
        assert!(v.contains("out = np.cumsum(a)\n    return out.tolist()"));
        assert!(!v.contains("njit"));
    }

    #[test]
    fn repair_message_quotes_feedback_and_truncates_it() {
        let long: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let m = repair_message("f", None, &long).content;
        assert!(m.contains("line 9\n... (20 lines omitted)\nline 30\n"));
        assert!(m.contains("line 49\n```"));
        assert!(!m.contains("line 10\n") && !m.contains("line 29\n"));
    }
}
