//! Kernel mode: the model writes only `_<name>_kernel`, a function over NumPy arrays, and aiaccel
//! writes the public function around it with the same guarded adapter the rules use. The model
//! never has to get list/ndarray conversion, empty inputs, NaN, big ints or argument write-back
//! right; those are the mistakes small models make most:
//!
//! ```python
//! def moving_average(values, window):          # written by aiaccel
//!     _a_values = _aiaccel_arr(values, 1, float)   # None: not an all-float, non-empty list
//!     if _a_values is None or not _aiaccel_scalar_ok(window):
//!         return _moving_average_py(values, window)  # the original, renamed
//!     ...
//!     _r = _moving_average_kernel(_a_values, window) # written by the model
//!     return _aiaccel_back(_r)                       # ndarray -> list, numpy scalar -> Python
//! ```
//!
//! The fast path sees only non-empty rectangular arrays of finite float64 (or int64 small enough
//! that degree-2 arithmetic stays in range) and finite scalars; everything else runs the original.
//! A floating-point event NumPy would pass over silently (division by zero, overflow, invalid)
//! raises inside the kernel and sends the call to the original, which raises or not as Python
//! does. Other exceptions from the kernel propagate, so the verifier sees a kernel that fails.

use crate::discover::{Function, FunctionKind, ParamShape};
use crate::propose::rules::adapter::{self, Conv, ParamPlan};
use crate::propose::rules::checked;
use crate::pyast::{self, Stmt};

/// Everything aiaccel needs to wrap a model's kernel for one function.
#[derive(Debug, Clone)]
pub struct KernelPlan {
    /// The public name (`moving_average`).
    pub name: String,
    /// What the model must define (`_moving_average_kernel`).
    pub kernel: String,
    /// The original, renamed (`_moving_average_py`): the exact-behaviour fallback.
    pub fallback: String,
    pub params: Vec<ParamPlan>,
    shapes: Vec<ParamShape>,
    /// Number parameters that may come back as they went in: a float only on the fast path
    /// (`adapter::numbers_returned_as_is`).
    exact_floats: Vec<String>,
    header: String,
    doc: Option<String>,
    original_renamed: String,
    /// The module also runs as a script: no Numba on-disk cache (`adapter::script_safe_cache`).
    runs_as_script: bool,
}

/// Plan kernel mode for `f`, or say why the model must write the whole function instead.
pub fn plan(f: &Function, module_src: &str) -> Result<KernelPlan, String> {
    if f.kind != FunctionKind::Plain {
        return Err("kernel mode wraps module-level functions only".into());
    }
    let module = pyast::parse_module(module_src, &f.path)?;
    let def = crate::edit::find_def(&module, f).ok_or_else(|| format!("`{}` not found", f.qualname))?;
    let mut generator = false;
    pyast::walk_stmts(&def.body, &mut |s| {
        for e in pyast::stmt_exprs(s) {
            pyast::walk_expr(e, &mut |x| generator |= matches!(x, pyast::Expr::Yield(_) | pyast::Expr::YieldFrom(_)));
        }
        generator |= matches!(s, Stmt::Global(_) | Stmt::Nonlocal(_));
    });
    if generator {
        return Err("a generator or a function with global state".into());
    }
    // An ndarray the original builds itself must come back as an ndarray; the adapter turns
    // arrays into lists, so a function that already uses NumPy is rewritten whole.
    if mentions_numpy(&f.source) {
        return Err("it already uses NumPy".into());
    }
    let params = adapter::plan_params(f, def)?;
    if let Some(p) = params.iter().find(|p| matches!(p.conv, Conv::Array { .. })) {
        return Err(format!("parameter `{}` is an ndarray (kernel mode wraps list functions)", p.name));
    }
    if let Some(p) = params.iter().find(|p| matches!(p.conv, Conv::Pass)) {
        return Err(format!("the type of parameter `{}` is not known", p.name));
    }
    if !params.iter().any(|p| matches!(p.conv, Conv::List { .. })) {
        return Err("no list parameter to turn into an array".into());
    }
    let (header, doc) = adapter::signature_and_doc(def, module_src);
    let fallback = format!("_{}_py", f.name);
    Ok(KernelPlan {
        name: f.name.clone(),
        kernel: format!("_{}_kernel", f.name),
        original_renamed: adapter::original_renamed(f, def, module_src, &fallback),
        runs_as_script: adapter::runs_as_script(module_src),
        fallback,
        shapes: f.params.iter().map(|p| p.shape).collect(),
        exact_floats: adapter::numbers_returned_as_is(f, def, &params),
        params,
        header,
        doc,
    })
}

fn mentions_numpy(source: &str) -> bool {
    let names = super::prompt::identifiers(source);
    ["np", "numpy", "ndarray"].iter().any(|w| names.contains(*w))
}

impl KernelPlan {
    /// One line per parameter: what the kernel receives.
    pub fn describe_params(&self) -> Vec<String> {
        self.params
            .iter()
            .zip(&self.shapes)
            .map(|(p, shape)| match p.conv {
                Conv::List { ndim, as_float, int_elems, .. } => {
                    let dtype = if int_elems && !as_float { "int64" } else { "float64" };
                    let of = match ndim {
                        1 => "the list",
                        2 => "the list of lists, rectangular",
                        _ => "the nested lists, rectangular",
                    };
                    let mut s = format!("`{}`: a {ndim}-D NumPy {dtype} array ({of}), non-empty", p.name);
                    if dtype == "float64" {
                        s.push_str(", finite");
                    }
                    if p.mutated {
                        s.push_str(&format!("; the original changes `{}` in place: change the array in place the same way", p.name));
                    }
                    s
                }
                _ => {
                    let what = match shape {
                        ParamShape::Size => "a non-negative Python int",
                        ParamShape::Int => "a Python int",
                        ParamShape::Bool => "a Python bool",
                        ParamShape::Float => "a finite Python float",
                        _ => "a finite Python number",
                    };
                    format!("`{}`: {what}", p.name)
                }
            })
            .collect()
    }

    /// The positional parameter names the kernel takes, in order.
    pub fn param_names(&self) -> Vec<String> {
        self.params.iter().map(|p| p.name.clone()).collect()
    }

    /// Names the model must not define (aiaccel writes them).
    pub fn written_by_aiaccel(&self) -> [&str; 2] {
        [&self.name, &self.fallback]
    }

    /// The candidate: helpers, the model's kernel code, the original renamed, and the public
    /// function that guards, converts, calls the kernel and converts back.
    pub fn assemble(&self, kernel_code: &str) -> Result<String, String> {
        let uses_numba = kernel_code.contains("numba");
        let (kernel_code, int_checked) = self.int_safe(kernel_code, uses_numba)?;
        let kernel_code = kernel_code.as_str();
        let call_orig = adapter::call_original(&self.params, &self.fallback);
        let list_arrays: Vec<String> =
            self.params.iter().filter(|p| matches!(p.conv, Conv::List { .. })).map(ParamPlan::fast_name).collect();
        let mut extra = vec![format!("not _aiaccel_finite({})", list_arrays.join(", "))];
        for p in self.params.iter().filter(|p| matches!(p.conv, Conv::Scalar)) {
            extra.push(format!("not _aiaccel_np.isfinite({})", p.name));
        }
        extra.extend(adapter::exact_float_checks(&self.exact_floats));
        let (guards, _) = adapter::guard_lines(&self.params, &self.fallback, 2, &[], &extra);
        let mut lines: Vec<String> = Vec::new();
        if let Some(d) = &self.doc {
            lines.push(d.clone());
        }
        lines.extend(guards);
        let args: Vec<String> = self.params.iter().map(ParamPlan::fast_name).collect();
        lines.push("try:".into());
        lines.push("    with _aiaccel_np.errstate(divide=\"raise\", over=\"raise\", invalid=\"raise\", under=\"ignore\"):".into());
        lines.push(format!("        _r = {}({})", self.kernel, args.join(", ")));
        lines.push("except FloatingPointError:".into());
        lines.push(format!("    {call_orig}"));
        if uses_numba {
            // the kernel cannot be compiled for these argument types: the original decides
            lines.push("except _aiaccel_nb.core.errors.TypingError as _e:".into());
            lines.push("    _aiaccel_untyped(_e)".into());
            lines.push(format!("    {call_orig}"));
        }
        if int_checked {
            // an int left int64 inside the kernel: Python's exact big int comes from the original
            lines.push("except _AiaccelIntOverflow:".into());
            lines.push(format!("    {call_orig}"));
        }
        let mutated: Vec<&ParamPlan> = self.params.iter().filter(|p| p.mutated).collect();
        if !mutated.is_empty() {
            // the kernel worked on copies: on any failure the caller's lists are untouched and
            // the original runs on them, leaving exactly its own partial update and exception
            lines.push("except Exception:".into());
            lines.push(format!("    {call_orig}"));
        }
        for p in &mutated {
            lines.push(format!("_aiaccel_put_rows({}, {})", p.name, p.fast_name()));
        }
        lines.push("return _aiaccel_back(_r)".into());
        let public = adapter::public_def(&self.header, &lines);
        let numba = if uses_numba { "import numba as _aiaccel_nb\n\n\n" } else { "" };
        // (the renamed original last: the diff is one hunk at the `def` line)
        let text = crate::runtime::with_imports(&format!("{numba}{}\n\n\n{public}\n\n{}", kernel_code.trim_end(), self.original_renamed.trim_end()));
        Ok(adapter::script_safe_cache(self.runs_as_script, text))
    }

    /// Int arrays reach the kernel only where every int it computes is checked: in Numba code,
    /// whose scalar arithmetic becomes checked calls. NumPy's whole-array int arithmetic and
    /// reductions wrap silently (`np.sum(np.array([2**62, 2**62]))` is negative), so a kernel
    /// that uses them on int data is refused with the reason, which goes back to the model.
    fn int_safe(&self, code: &str, uses_numba: bool) -> Result<(String, bool), String> {
        let int_params: Vec<&str> = self.params.iter().filter(|p| matches!(p.conv, Conv::List { int_elems: true, as_float: false, .. })).map(|p| p.name.as_str()).collect();
        let small_params = self.params.iter().filter(|p| matches!(p.conv, Conv::Scalar)).map(|p| p.name.clone()).collect();
        let opts = checked::CheckOptions { small_params, ..Default::default() };
        if int_params.is_empty() {
            // float data: ints the kernel computes come from loop indices and scalars; checked in
            // Numba code, where they could wrap unseen
            return if uses_numba { checked::checked(code, &opts) } else { Ok((code.to_string(), false)) };
        }
        let ints = int_params.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
        if !uses_numba {
            return Err(format!(
                "{ints} hold int64 values, and NumPy int arithmetic wraps silently where Python's ints grow: write `{}` as loops under numba.njit",
                self.kernel
            ));
        }
        let module = pyast::parse_module(code, "kernel.py")?;
        let mut refused: Option<String> = None;
        let mut look = |e: &pyast::Expr| {
            if refused.is_none() {
                refused = int_hazard(e);
            }
        };
        pyast::walk_body_exprs(&module, &mut look);
        // walk_body_exprs does not enter function bodies
        for s in &module {
            if let pyast::Stmt::FunctionDef(d) = s {
                pyast::walk_body_exprs(&d.body, &mut look);
            }
        }
        if let Some(what) = refused {
            return Err(format!(
                "{ints} hold int64 values and the kernel uses {what}, whose int arithmetic wraps silently where Python's ints grow: compute with explicit loops (aiaccel checks their arithmetic)"
            ));
        }
        checked::checked(code, &opts)
    }
}

/// NumPy functions a kernel may call on int data: allocation, copies, comparisons, order.
/// Everything else (sums, products, dot, cumsum, diff, ...) can wrap int64 unseen.
const SAFE_NUMPY_ON_INTS: &[&str] = &[
    "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "arange", "copy", "int64", "float64", "bool_",
    "minimum", "maximum", "argmin", "argmax", "amin", "amax", "sort", "argsort", "searchsorted", "sqrt", "isnan", "isfinite", "where",
];

/// A NumPy call, array method or operator whose int arithmetic can wrap int64 unseen.
fn int_hazard(e: &pyast::Expr) -> Option<String> {
    match e {
        pyast::Expr::BinOp(b) if matches!(b.op, pyast::ast::Operator::MatMult) => Some("`@`".into()),
        pyast::Expr::Call(c) => {
            let pyast::Expr::Attribute(a) = c.func.as_ref() else { return None };
            let numpy = matches!(pyast::dotted(&a.value).as_deref(), Some("np" | "numpy" | "_aiaccel_np"));
            if numpy && !SAFE_NUMPY_ON_INTS.contains(&a.attr.as_str()) {
                Some(format!("`np.{}`", a.attr))
            } else if !numpy && WRAPPING_METHODS.contains(&a.attr.as_str()) {
                Some(format!("`.{}()`", a.attr))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Array methods whose int arithmetic wraps.
const WRAPPING_METHODS: &[&str] = &["sum", "prod", "cumsum", "cumprod", "dot", "trace"];

#[cfg(test)]
mod tests {
    use super::*;

    fn function(src: &str, name: &str) -> Function {
        crate::discover::function_at("m.py", src, name).unwrap()
    }

    const SRC: &str = "import math\n\ndef norms(rows, scale):\n    \"\"\"Row norms.\"\"\"\n    out = []\n    for r in rows:\n        s = 0.0\n        for v in r:\n            s += v * v\n        out.append(math.sqrt(s) * scale)\n    return out\n\ndef normalise(xs):\n    t = 0.0\n    for x in xs:\n        t += x\n    for i in range(len(xs)):\n        xs[i] = xs[i] / t\n";

    #[test]
    fn plan_describes_what_the_kernel_gets() {
        let f = function(SRC, "norms");
        let p = plan(&f, SRC).unwrap();
        assert_eq!(p.kernel, "_norms_kernel");
        let d = p.describe_params();
        assert!(d[0].starts_with("`rows`: a 2-D NumPy float64 array (the list of lists, rectangular), non-empty, finite"), "{d:?}");
        assert!(d[1].starts_with("`scale`: a finite"), "{d:?}");
        let g = function(SRC, "normalise");
        let d = plan(&g, SRC).unwrap().describe_params();
        assert!(d[0].contains("change the array in place"), "{d:?}");
    }

    #[test]
    fn assembled_candidate_guards_calls_and_converts_back() {
        let f = function(SRC, "norms");
        let p = plan(&f, SRC).unwrap();
        let code = "import numpy as np\n\ndef _norms_kernel(rows, scale):\n    return np.sqrt((rows * rows).sum(axis=1)) * scale\n";
        let c = p.assemble(code).unwrap();
        pyast::parse_module(&c, "c.py").unwrap();
        assert!(c.contains(&format!("    from .{} import ", crate::runtime::modules()[0].stem)));
        assert!(c.contains("def _norms_py(rows, scale):\n    \"\"\"Row norms.\"\"\"\n"));
        assert!(c.contains("def norms(rows, scale):\n    \"\"\"Row norms.\"\"\"\n    _a_rows = _aiaccel_arr(rows, 2, float)\n"));
        assert!(c.contains("not _aiaccel_finite(_a_rows) or not _aiaccel_np.isfinite(scale)"));
        assert!(c.contains("        _r = _norms_kernel(_a_rows, scale)\nexcept FloatingPointError:\n".replace('\n', "\n    ").trim_start()));
        assert!(!c.contains("TypingError"), "no numba, no TypingError clause");
        assert!(c.contains("    return _aiaccel_back(_r)\n\n\ndef _norms_py(rows, scale):"), "the renamed original comes last:\n{c}");

        let g = function(SRC, "normalise");
        let q = plan(&g, SRC).unwrap();
        let c = q.assemble("from numba import njit\n\n@njit(cache=True)\ndef _normalise_kernel(xs):\n    xs /= xs.sum()\n").unwrap();
        pyast::parse_module(&c, "c.py").unwrap();
        assert!(c.contains("import numba as _aiaccel_nb\n"));
        assert!(c.contains("except _aiaccel_nb.core.errors.TypingError as _e:\n        _aiaccel_untyped(_e)\n        return _normalise_py(xs)\n    except Exception:\n        return _normalise_py(xs)\n    _aiaccel_put_rows(xs, _a_xs)\n"));
    }

    #[test]
    fn kernel_mode_is_refused_where_the_adapter_cannot_stand_in() {
        let src = "import numpy as np\n\ndef a(xs):\n    return np.array([x * 2 for x in xs])\n\n\
                   def b(xs):\n    for x in xs:\n        yield x * 2\n\n\
                   def c(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n";
        for (name, why) in [("a", "NumPy"), ("b", "generator"), ("c", "no list parameter")] {
            let f = function(src, name);
            let err = plan(&f, src).unwrap_err();
            assert!(err.contains(why), "{name}: {err}");
        }
    }
}
