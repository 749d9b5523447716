//! AX001 numba-njit-adapter and AX002 numba-prange: the loop body, unchanged but for local list
//! buffers turned into typed arrays, compiled as a private `@njit` kernel behind the adapter.
//!
//! The dtype trap this module exists for (`[0] * n` is an int64 list in Numba):
//! ```python
//! out = [0] * n
//! for i in range(n):
//!     out[i] = xs[i] * 0.5   # Numba would truncate to int; the kernel gets np.zeros(n, float64)
//! ```

use super::adapter::{self, is_float_expr, Conv, ParamPlan};
use super::checked;
use crate::edit::{apply_edits, Edit};
use crate::discover::{Function, ParamShape};
use crate::pyast::{self, ast, Expr, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// One local list buffer that becomes an array in the kernel.
#[derive(Debug)]
struct Buffer {
    /// Byte range of the initialising expression (module offsets).
    value: std::ops::Range<usize>,
    shape: Vec<String>,
    fill: String,
    dtype: Dtype,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dtype {
    Float,
    Int,
    Bool,
    /// The promoted dtype of the array arguments, decided at call time.
    Data,
}

pub struct KernelOptions {
    pub parallel: bool,
}

/// Build the candidate source, or say why the rule does not apply.
pub fn build(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, opts: &KernelOptions) -> Result<String, String> {
    let text = match f.kind {
        crate::discover::FunctionKind::ClassMethod => return Err("class methods are not compiled (their first argument is the class)".into()),
        crate::discover::FunctionKind::Method => build_method(f, module_src, def, opts)?,
        _ if !f.record_attrs.is_empty() => build_records(f, module_src, def, opts)?,
        _ => {
            // a loop over records the columns form cannot take: a kernel over the list itself
            // would never compile (Numba has no attributes on array elements)
            // (only where a record's attribute is assigned: other uses of a loop variable may be
            // an array's rows, which the plain kernel takes)
            if let Err(why) = crate::discover::records::records_form(module_src, def, &crate::discover::records::shaped_by(&f.params)) {
                if why.contains(": it assigns `") {
                    return Err(format!("a loop over records: {why}"));
                }
            }
            build_plain(f, module_src, def, opts)?
        }
    };
    // the helpers come from the shared runtime modules (`runtime`), imported by name
    Ok(adapter::script_safe_cache(adapter::runs_as_script(module_src), crate::runtime::with_imports(&text)))
}

/// A method through its plain form (`discover::method`): the plain function compiled as any
/// function is, the original body kept at module level, and the method a stub that calls the
/// one or the other.
fn build_method(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, opts: &KernelOptions) -> Result<String, String> {
    if opts.parallel {
        return Err("methods are compiled by AX001 only: the race audit does not run on instances".into());
    }
    let class = f.qualname.rsplit_once('.').map(|(c, _)| c.replace('.', "_")).unwrap_or_default();
    let form = crate::discover::method::plain_form(module_src, def, &class)?;
    transformed(f, module_src, &form.name, &form.text, &form.original, &form.stub(), opts)
}

/// A function over lists of records through its columns form (`discover::records`): the
/// columns function compiled as any function is, the original kept as `_aiaccel_<f>_records_py`,
/// and the function a stub that reads the columns or runs the original.
fn build_records(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, opts: &KernelOptions) -> Result<String, String> {
    if opts.parallel {
        return Err("loops over records are compiled by AX001 only: the race audit does not run on records".into());
    }
    let form = crate::discover::records::records_form(module_src, def, &crate::discover::records::shaped_by(&f.params))?;
    transformed(f, module_src, &form.name, &form.text, &form.original, &form.stub(), opts)
}

/// A transformed form's rewrite: the form (`name`, `text`) compiled as a module-level function
/// of the module it is added to, then the kept original, then the stub that chooses.
fn transformed(f: &Function, module_src: &str, name: &str, text: &str, original: &str, stub: &str, opts: &KernelOptions) -> Result<String, String> {
    let sep = if module_src.ends_with('\n') { "\n\n" } else { "\n\n\n" };
    let plain_module = format!("{module_src}{sep}{text}");
    let plain = crate::discover::function_at(&f.path, &plain_module, name)?;
    let suite = pyast::parse_module(&plain_module, &f.path)?;
    let Some(Stmt::FunctionDef(plain_def)) = suite.last() else { return Err(format!("internal error: `{name}` is not a function")) };
    let compiled = build_plain(&plain, &plain_module, plain_def, opts)?;
    Ok(format!("{compiled}\n\n{}\n\n{stub}", original.trim_end()))
}

/// The rewrite of a function (or static method) before its runtime imports.
fn build_plain(f: &Function, module_src: &str, def: &ast::StmtFunctionDef, opts: &KernelOptions) -> Result<String, String> {
    // (a module that does not parse has no helpers or state to take along)
    let module = pyast::parse_module(module_src, &f.path).unwrap_or_default();
    let helpers = module_helpers(f, def, module_src, &module)?;
    if f.loop_depth == 0 && !helpers.iter().any(|h| h.has_loop) {
        return Err("no loop to compile".into());
    }
    if opts.parallel && !helpers.is_empty() {
        return Err("calls module helpers: their int checks could not report from inside a prange loop".into());
    }
    let mut params = adapter::plan_params(f, def)?;
    if !params.iter().any(|p| matches!(p.conv, Conv::List { .. } | Conv::Array { .. } | Conv::Scalar)) {
        return Err("no numeric parameters".into());
    }
    if calls_round_ndigits(&def.body) {
        return Err("`round(x, ndigits)` rounds differently compiled: Numba scales by 10**ndigits, Python rounds the exact decimal value (round(2.675, 2) is 2.67 in Python, 2.68 in Numba)".into());
    }
    if has_unsupported(&def.body) {
        return Err("uses constructs Numba cannot compile (dicts, sets, strings, try, with, lambda, nested def, generators)".into());
    }
    let param_names: BTreeSet<String> = params.iter().map(|p| p.name.clone()).collect();
    let buffers = find_buffers(&def.body, module_src, &param_names);
    let mut edits: Vec<Edit> = Vec::new();
    // calls of module helpers go to their compiled copies
    let helper_names: Vec<String> = helpers.iter().map(|h| h.name.clone()).collect();
    for (range, name) in helper_calls(&def.body, &helper_names) {
        edits.push(Edit::new(range, helper_kernel_name(&name)));
    }
    edits.extend(full_slice_copies(&def.body));
    for b in &buffers {
        // `[0.0] * -3` is an empty list; np.zeros(-3) raises
        let dims: Vec<String> = b.shape.iter().map(|d| if d.chars().all(|c| c.is_ascii_digit()) { d.clone() } else { format!("max(0, {d})") }).collect();
        let shape = if dims.len() == 1 { dims[0].clone() } else { format!("({})", dims.join(", ")) };
        let dt = dtype_text(b.dtype);
        let text = match b.fill.as_str() {
            "0" | "0.0" | "False" => format!("_aiaccel_np.zeros({shape}, {dt})"),
            "1" | "1.0" | "True" => format!("_aiaccel_np.ones({shape}, {dt})"),
            fill => format!("_aiaccel_np.full({shape}, {fill}, {dt})"),
        };
        edits.push(Edit::new(b.value.clone(), text));
    }
    let array_names: BTreeSet<String> = params
        .iter()
        .filter(|p| matches!(p.conv, Conv::List { .. } | Conv::Array { .. }))
        .map(|p| p.name.clone())
        .chain(buffers_names(&def.body, &buffers))
        .chain(numpy_allocations(&def.body))
        .collect();
    let mut keep_reductions = BTreeSet::new();
    if opts.parallel {
        let loops = parallel_loops(&def.body, &array_names);
        if loops.is_empty() {
            return Err("no outer loop with independent iterations".into());
        }
        keep_reductions = float_reductions(&def.body, &loops)?;
        for r in loops {
            edits.push(Edit::new(r, "_aiaccel_nb.prange".to_string()));
        }
    }
    let appends = find_append_buffers(&def.body, module_src, &param_names);
    // what comes back: a parameter itself (`return xs`), or a list made of arrays (buffers, or a
    // list parameter among the returned values) through `_aiaccel_back`
    let list_params: BTreeSet<String> = params.iter().filter(|p| matches!(p.conv, Conv::List { .. })).map(|p| p.name.clone()).collect();
    let returned_itself = returned_param(&def.body);
    let returns_list_param = returned_names(&def.body).iter().any(|n| list_params.contains(n));
    let returns_list_itself = returned_itself.as_ref().is_some_and(|n| list_params.contains(n));
    // results that come back as lists (`_aiaccel_back`) hold Python floats, where the original
    // on ndarrays builds lists of NumPy scalars: there ndarrays for list parameters run the
    // original
    // whole copies of list parameters, `a = [row[:] for row in grid]`: array copies, which come
    // back as lists where returned (not in a function that takes ndarrays: `row[:]` of an
    // ndarray row is a view, no copy)
    let copies = if params.iter().any(|p| matches!(p.conv, Conv::Array { .. })) {
        ListCopies { edits: vec![], names: BTreeMap::new() }
    } else {
        list_copies(&def.body, &params)
    };
    let returns_copy = returned_names(&def.body).iter().any(|n| copies.names.contains_key(n));
    let list_result = !buffers.is_empty() || !appends.is_empty() || (returns_list_param && !returns_list_itself) || returns_copy;
    // a division by what may be zero, or a power of a negative base, gives NumPy's inf/nan on
    // the NumPy scalars of an ndarray and Python's exception (or complex) on a list's floats:
    // one compiled kernel cannot follow both, so there ndarrays for list parameters run the
    // original
    if list_result || risky_for_numpy_scalars(&def.body) {
        for p in params.iter_mut() {
            p.nd_too = false;
        }
    }
    for a in &appends {
        edits.extend(a.edits.iter().cloned());
    }
    // `return []` next to a returned buffer: Numba cannot type an empty list literal
    if let Some(dt) = appends.first().map(|a| a.dtype).or(buffers.first().map(|b| b.dtype)) {
        pyast::walk_stmts(&def.body, &mut |st| {
            if let Stmt::Return(r) = st {
                if matches!(r.value.as_deref(), Some(Expr::List(l)) if l.elts.is_empty()) {
                    edits.push(Edit::new(pyast::range(r.value.as_deref().unwrap()), format!("_aiaccel_np.empty(0, {})", dtype_text(dt))));
                }
            }
        });
    }
    let uses_dt = edits.iter().any(|e| e.text.contains("_aiaccel_dt.dtype"));
    // a list in a body that makes no float (`makes_floats`) and keeps no float-typed buffer or
    // helper of its own computes the same on ints as Python does: its int lists take the fast
    // path too
    //     for k in range(n): ... through_k = d_ik + row_k[j]   # floyd_warshall on int weights
    // (`m = 0.0; m = xs[i]` would make `m` a float in Numba where Python keeps the int.)
    // (a buffer of the inputs' promoted dtype is int64 on int lists, as Python's cells are ints:
    //     dp = [0] * (cap + 1); ... dp[c] = dp[c - w] + v      # knapsack on int weights, values)
    let int_buffers = buffers.iter().map(|b| b.dtype).chain(appends.iter().map(|a| a.dtype)).all(|d| matches!(d, Dtype::Int | Dtype::Bool | Dtype::Data));
    // (and no number parameter that may be a float: `C[i][j] *= beta` makes an int list's
    // elements floats in Python, truncated ints in an int64 array)
    let int_scalars = f.params.iter().all(|p| !matches!(p.shape, ParamShape::Float | ParamShape::Unknown));
    if int_buffers && int_scalars && helpers.is_empty() && !makes_floats(&def.body) {
        for p in params.iter_mut() {
            if let Conv::List { int_elems: false, as_float: false, ref mut ints_too, .. } = p.conv {
                *ints_too = true;
            }
        }
    }
    if !copies.names.is_empty() {
        copies_stores_fit(&def.body, &copies, &params)?;
        edits.retain(|e| !copies.edits.iter().any(|c| c.range.start <= e.range.start && e.range.end <= c.range.end));
        edits.extend(copies.edits.iter().cloned());
    }
    // a 1-D list read as ints and never written takes `bytes` too (indexing bytes gives ints);
    // one whose elements are only compared with each other takes a `str` too, as code points
    //     cost = 0 if a[i - 1] == b[j - 1] else 1     # edit distance, on str or on lists
    let seq_cands: BTreeSet<String> = params
        .iter()
        .filter(|p| !p.mutated && matches!(p.conv, Conv::List { ndim: 1, as_float: false, int_elems, ints_too, .. } if int_elems || ints_too))
        .map(|p| p.name.clone())
        .collect();
    // (`ord(ch)` or `ch == 'a'` make a `str` alone the fast path's: its code points are ints
    // whatever the list plan says of elements)
    let text_cands: BTreeSet<String> = params.iter().filter(|p| !p.mutated && matches!(p.conv, Conv::List { ndim: 1, as_float: false, .. })).map(|p| p.name.clone()).collect();
    let mut text = text_params(&def.body, module_src, &text_cands);
    if !text.str_only {
        // compared with each other only: bytes and int lists too, as ints
        text = text_params(&def.body, module_src, &seq_cands);
    }
    edits.extend(text.edits.iter().cloned());
    let texts = &text.names;
    // read-only, never returned: tuples and array.array read as the lists would
    //     for k in range(len(pts)): x, y = pts[k][0], pts[k][1]   # [(x, y), ...] too
    // (a slice of one would come back as a list where Python gives bytes, a tuple, an array)
    let returned = returned_as_is(&def.body);
    let sliced = sliced_names(&def.body);
    let copied: BTreeSet<&String> = copies.names.values().collect();
    for p in params.iter_mut() {
        if copied.contains(&p.name) {
            // (`b.copy()` of bytes, `t.copy()` of a tuple: AttributeError in the original; an
            // ndarray row's `[:]` is a view)
            p.nd_too = false;
            continue;
        }
        if let Conv::List { ref mut seq, .. } = p.conv {
            if sliced.contains(&p.name) {
                continue;
            }
            if texts.contains(&p.name) && text.str_only {
                *seq = 8; // a `str` alone (`_aiaccel_text`)
                continue;
            }
            if seq_cands.contains(&p.name) {
                *seq = if texts.contains(&p.name) { 3 } else { 1 };
            }
            if !p.mutated && !returned.contains(&p.name) {
                *seq |= 4;
            }
        }
    }
    let converts_to_int = calls_any(&def.body, &["int", "math.floor", "math.ceil", "math.trunc", "round"]);
    // Division by zero: Python floats raise, NumPy scalars (elements of ndarray parameters and
    // of arrays made with np.*) give inf/nan. A kernel that takes ndarrays follows NumPy's rule,
    // and each division with no NumPy operand calls a helper that raises as Python does; where
    // one cannot be rewritten so, the whole kernel follows Python's rule (the verifier's zero
    // inputs test both).
    //     c = dt / dx                    # _aiaccel_pdiv(dt, dx): ZeroDivisionError at dx == 0
    //     p[j, i] = (pn[j, i + 1] - pn[j, i - 1]) / dx   # np.float64 / 0.0: inf, no error
    let mut numpy_errors = false;
    let mut div_helpers = String::new();
    if params.iter().any(|p| matches!(p.conv, Conv::Array { .. })) {
        let py_divs = python_divisions(&def.body, &params, module_src);
        if py_divs.iter().all(Option::is_some) {
            numpy_errors = true;
            edits.extend(py_divs.into_iter().flatten().flatten());
            for (name, op) in [("_aiaccel_pdiv", "/"), ("_aiaccel_pfloordiv", "//"), ("_aiaccel_pmod", "%")] {
                if edits.iter().any(|e| e.text.contains(&format!("{name}("))) {
                    // (an explicit raise: called from a kernel under NumPy's rule, the helper's
                    // own division follows that rule too)
                    div_helpers.push_str(&format!(
                        "@_aiaccel_nb.njit(cache=True)\ndef {name}(a, b):\n    if b == 0:\n        raise ZeroDivisionError(\"division by zero\")\n    return a {op} b\n\n\n"
                    ));
                }
            }
        }
    }

    // kernel: original body with the edits, renamed, under @njit
    let body_start = pyast::line_start(module_src, pyast::range(&def.body[0]).start);
    let mut body = module_src[body_start..f.range.end].to_string();
    // `res = [0.0] * len(out)` with `out` an appended-to buffer: two rewrites of the same text
    body = apply_edits(&body, body_start, &edits).map_err(|e| format!("{e} (a buffer sized by a list that is appended to?)"))?;
    // Python's math.sqrt/math.log raise ValueError outside their domain; compiled code returns
    // nan/-inf instead. The kernel calls checked versions that raise the same error.
    //     math.sqrt(-1.0)  # ValueError: math domain error (numba: nan)
    // the helpers, compiled along with the kernel (named in a comment for the reviewer)
    let mut helper_text = String::new();
    for h in &helpers {
        helper_text.push_str(&format!("@_aiaccel_nb.njit(cache=True, boundscheck=True)\n{}\n\n", h.kernel_text.trim_end()));
    }
    let mut domain = String::new();
    for (name, cond) in [("sqrt", "x < 0.0"), ("log", "x <= 0.0")] {
        let call = format!("math.{name}(");
        if body.contains(&call) || helper_text.contains(&call) {
            body = body.replace(&call, &format!("_aiaccel_{name}("));
            helper_text = helper_text.replace(&call, &format!("_aiaccel_{name}("));
            domain.push_str(&format!(
                "@_aiaccel_nb.njit(cache=True)\ndef _aiaccel_{name}(x):\n    if {cond}:\n        raise ValueError(\"math domain error\")\n    return _aiaccel_math.{name}(x)\n\n\n"
            ));
        }
    }
    if !domain.is_empty() {
        domain = format!("import math as _aiaccel_math\n\n\n{domain}");
    }
    domain.push_str(&div_helpers);
    let kname = format!("_{}_kernel", f.name);
    let pyname = format!("_{}_py", f.name);
    let mut kparams: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    // module state the body reads goes in as arguments, read at each call: Numba would freeze
    // a global's value at compile time (and keep it in the on-disk cache)
    //     SCALE = 2.0 ... s += xs[i] * SCALE   # kernel(xs, SCALE): a later SCALE = 3.0 counts
    let module_state = module_state_read(def, &module);
    kparams.extend(module_state.iter().cloned());
    if uses_dt {
        kparams.push("_aiaccel_dt".into());
    }
    // a parallel kernel reports int overflow through a flag (exceptions inside prange are lost)
    let flag = opts.parallel.then(|| "_aiaccel_flag".to_string());
    if let Some(fl) = &flag {
        kparams.push(fl.clone());
    }
    let error_model = if numpy_errors { ", error_model=\"numpy\"" } else { "" };
    let deco = if opts.parallel {
        format!("@_aiaccel_nb.njit(cache=True, parallel=True, boundscheck=True{error_model})")
    } else {
        format!("@_aiaccel_nb.njit(cache=True, boundscheck=True{error_model})")
    };
    let kernel = format!("{deco}\ndef {kname}({}):\n{}", kparams.join(", "), indent4(&crate::edit::dedent(&body)));
    // ints that would leave int64 raise _AiaccelIntOverflow instead of wrapping
    let small_params = params.iter().filter(|p| matches!(p.conv, Conv::Scalar | Conv::Pass)).map(|p| p.name.clone()).collect();
    let (kernel, int_checked) = checked::checked(&kernel, &checked::CheckOptions { small_params, keep_reductions, flag: flag.clone() })?;
    let (helper_text, helpers_checked) = if helper_text.is_empty() {
        (String::new(), false)
    } else {
        let (t, c) = checked::checked(&helper_text, &checked::CheckOptions::default())?;
        let names: Vec<&str> = helpers.iter().map(|h| h.name.as_str()).collect();
        (format!("# module helpers `{}` compiled along with the kernel\n{t}\n", names.join("`, `")), c)
    };
    let int_checked = int_checked || helpers_checked;

    // adapter
    let (header, doc) = adapter::signature_and_doc(def, module_src);
    let list_arrays: Vec<String> = params.iter().filter(|p| matches!(p.conv, Conv::List { .. } | Conv::Array { .. })).map(ParamPlan::fast_name).collect();
    let mut extra = Vec::new();
    if texts.len() > 1 {
        // characters compared across parameters: all `str` or none ('a' == 97 is False)
        let kinds: Vec<String> = texts.iter().map(|t| format!("type({t}) is str")).collect();
        extra.push(format!("len({{{}}}) > 1", kinds.join(", ")));
    }
    if converts_to_int && !list_arrays.is_empty() {
        // int(nan) raises in Python and is garbage in compiled code
        extra.push(format!("not _aiaccel_finite({})", list_arrays.join(", ")));
    }
    if buffers.iter().any(|b| b.dtype == Dtype::Data) && !list_arrays.is_empty() {
        // `dp = [0] * (cap + 1)` filled with what the inputs give: on float data a cell the body
        // never writes stays the int 0 in Python and would be 0.0 in a float64 array, so only
        // int data (an int64 array, int cells as in Python) takes the fast path
        extra.push(format!("_aiaccel_np.result_type({}).kind not in \"iub\"", list_arrays.join(", ")));
    }
    // a size (a range bound, a list length) given as a float: Python raises TypeError, Numba's
    // range would truncate it
    for p in f.params.iter().filter(|p| p.shape == ParamShape::Size) {
        if params.iter().any(|q| q.name == p.name && matches!(q.conv, Conv::Scalar | Conv::Pass)) {
            extra.push(format!("type({}) is float", p.name));
        }
    }
    // a written argument that is (or views) module state the body reads: the kernel's copies
    // would not see each other's writes as the original does
    let written: Vec<&str> = params.iter().filter(|p| p.mutated).map(|p| p.name.as_str()).collect();
    if !written.is_empty() && !module_state.is_empty() {
        extra.push(format!("_aiaccel_shared({}, {})", written.join(", "), module_state.join(", ")));
    }
    // list parameters that may be ndarrays: all lists or all ndarrays at one call (a list
    // written from an ndarray's elements holds NumPy scalars in the original)
    let nd_lists: Vec<&str> = params.iter().filter(|p| p.nd_too).map(|p| p.name.as_str()).collect();
    if nd_lists.len() > 1 {
        let kinds: Vec<String> = nd_lists.iter().map(|n| format!("type({n}) is _aiaccel_np.ndarray")).collect();
        extra.push(format!("len({{{}}}) > 1", kinds.join(", ")));
    }
    // a number that may come back as it went in: compiled, an int there would come back
    // unified with the floats it met (5.0 where Python returns 5)
    extra.extend(adapter::exact_float_checks(&adapter::numbers_returned_as_is(f, def, &params)));
    for m in &module_state {
        // module state goes in as it is at each call: only values the kernel computes with as
        // Python does (not np.float32, which promotes differently compiled, nor an object)
        extra.push(format!("not _aiaccel_state_ok({m})"));
    }
    if converts_to_int {
        // a NaN/inf scalar flowing into int() as well
        for p in params.iter().filter(|p| matches!(p.conv, Conv::Scalar | Conv::Pass)) {
            extra.push(format!("not _aiaccel_np.isfinite({})", p.name));
        }
    }
    // degree 0: the kernel's int arithmetic is checked (an int leaving int64 raises and the
    // original runs), so the guard only keeps ints inside 2**53, where int-to-float conversion
    // and true division are exact as in Python
    let (guards, arrays) = adapter::guard_lines(&params, &pyname, 0, &[], &extra);
    let mut lines: Vec<String> = Vec::new();
    if let Some(d) = &doc {
        lines.push(d.clone());
    }
    lines.extend(guards);
    let mut args: Vec<String> = params.iter().map(ParamPlan::fast_name).collect();
    args.extend(module_state.iter().cloned());
    if uses_dt {
        let dt = if arrays.is_empty() { "_aiaccel_np.float64".to_string() } else { format!("_aiaccel_np.result_type({})", arrays.join(", ")) };
        args.push(format!("_aiaccel_np.empty(0, {dt})"));
    }
    // a kernel that cannot be typed for these inputs fails before it runs: the original decides
    // (e.g. floats where ints are XORed raise TypeError there). Any other exception leaves the
    // arrays exactly as far as the original would have got (same loop order, bounds checked),
    // so the partial update is written back before it propagates.
    // what the kernel changed reaches the caller's list, or the caller's own array buffer
    let puts: Vec<String> = params
        .iter()
        .filter(|p| p.mutated)
        .map(|p| match p.conv {
            Conv::Array { .. } => format!("{}[...] = {}", p.name, p.fast_name()),
            _ => format!("_aiaccel_put_rows({}, {})", p.name, p.fast_name()),
        })
        .collect();
    if let Some(fl) = &flag {
        lines.push(format!("{fl} = _aiaccel_np.zeros(1, _aiaccel_np.int64)"));
        args.push(fl.clone());
    }
    lines.push("try:".into());
    lines.push(format!("    _r = {kname}({})", args.join(", ")));
    lines.push("except _aiaccel_nb.core.errors.TypingError as _e:".into());
    lines.push("    _aiaccel_untyped(_e)".into());
    lines.push(format!("    {}", adapter::call_original(&params, &pyname)));
    if int_checked && flag.is_none() {
        // an int left int64: the kernel worked on copies, so the original runs on the caller's
        // untouched arguments and computes the exact big int
        lines.push("except _AiaccelIntOverflow:".into());
        lines.push(format!("    {}", adapter::call_original(&params, &pyname)));
    }
    if !puts.is_empty() || flag.is_some() {
        lines.push("except BaseException:".into());
        if let Some(fl) = &flag {
            // an exception after an int wrapped (a wrapped index) is not the original's
            lines.push(format!("    if {fl}[0]:"));
            lines.push(format!("        {}", adapter::call_original(&params, &pyname)));
        }
        for put in &puts {
            lines.push(format!("    {put}"));
        }
        lines.push("    raise".into());
    }
    if let Some(fl) = &flag {
        // the flag is read before anything is written back: the caller's lists stay untouched
        lines.push(format!("if {fl}[0]:"));
        lines.push(format!("    {}", adapter::call_original(&params, &pyname)));
    }
    lines.extend(puts);
    // Arrays come back as lists only where the rule made them out of lists (local list buffers,
    // list parameters). With neither, an ndarray result is one the original made itself:
    //     counts = np.zeros((h, w), dtype=np.int64); ...; return counts   # stays an ndarray
    let array_params: Vec<&ParamPlan> = params.iter().filter(|p| matches!(p.conv, Conv::Array { .. })).collect();
    if let Some(p) = returned_itself.as_ref().and_then(|n| array_params.iter().find(|p| &p.name == n)) {
        // `return grid`: the caller's own array object, as the original returns it
        lines.push(format!("return {}", p.name));
    } else if let Some(n) = returned_itself.as_ref().filter(|_| returns_list_itself) {
        // `return xs`: the caller's own list (its writes already put back), not a copy of it
        lines.push(format!("return {n}"));
    } else if buffers.is_empty() && appends.is_empty() && !returns_list_param && !returns_copy {
        // list parameters that may be ndarrays (a module that imports NumPy): their elements
        // are NumPy scalars where they are
        let maybe_nd: Vec<&ParamPlan> = array_params.iter().copied().chain(params.iter().filter(|p| p.nd_too)).collect();
        match numpy_scalar_result(&def.body, &maybe_nd) {
            Some(arrays) if arrays.iter().any(|a| params.iter().any(|p| p.nd_too && &p.name == a)) => {
                // the same, for those that came as ndarrays at this call
                lines.push("if type(_r) in (int, float, complex):".to_string());
                lines.push(format!("    _nd = [_v for _v in ({},) if type(_v) is _aiaccel_np.ndarray]", arrays.join(", ")));
                lines.push("    if _nd:".to_string());
                lines.push("        _r = _aiaccel_np.result_type(*_nd, _r).type(_r)".to_string());
                lines.push("return _r".into());
            }
            // the original's arithmetic on array elements yields NumPy scalars (np.float64, not
            // float): the kernel's Python scalar becomes the same NumPy type
            Some(arrays) => {
                lines.push("if type(_r) in (int, float, complex):".to_string());
                // (with the result itself: an int64 array's mean is a float, np.float64)
                lines.push(format!("    _r = _aiaccel_np.result_type({}, _r).type(_r)", arrays.join(", ")));
                lines.push("return _r".into());
            }
            None => lines.push("return _r".into()),
        }
    } else {
        lines.push("return _aiaccel_back(_r)".into());
    }
    let adapter_fn = adapter::public_def(&header, &lines);

    let original = adapter::original_renamed(f, def, module_src, &pyname);
    let push = if appends.is_empty() { "" } else { PUSH };
    // The renamed original comes last: its body then ends the rewrite exactly as the function
    // ended, so the diff is one hunk at the `def` line, and branches rewriting neighbouring
    // functions of one module merge without touching each other's lines
    Ok(format!("{push}{domain}{helper_text}{kernel}\n\n{adapter_fn}\n\n{original}"))
}

fn division_helper(op: &ast::Operator) -> Option<&'static str> {
    match op {
        ast::Operator::Div => Some("_aiaccel_pdiv"),
        ast::Operator::FloorDiv => Some("_aiaccel_pfloordiv"),
        ast::Operator::Mod => Some("_aiaccel_pmod"),
        _ => None,
    }
}

/// The divisions of the body with no operand that is a NumPy scalar in the original (an
/// element of an ndarray parameter or of an array the body makes with `np.*` or `.copy()`, or a
/// local computed from one): Python's rule applies to these. Each comes with the edits that make
/// it a call of the raising helper, where it can be rewritten so (`a / b` -> `_aiaccel_pdiv(a, b)`,
/// `s /= n` -> `s = _aiaccel_pdiv(s, n)`), else None.
///
/// ```python
/// denom = 2.0 * (dx * dx + dy * dy)                 # Python floats
/// p[j, i] = (pn[j, i + 1] + pn[j, i - 1]) / denom   # np.float64 / 0.0: inf, no error
/// c = dt / dx                                       # float / 0.0: ZeroDivisionError
/// ```
fn python_divisions(body: &[Stmt], params: &[ParamPlan], src: &str) -> Vec<Option<Vec<Edit>>> {
    let mut arrays: BTreeSet<String> = params.iter().filter(|p| matches!(p.conv, Conv::Array { .. })).map(|p| p.name.clone()).collect();
    let mut numpy_locals: BTreeSet<String> = BTreeSet::new();
    let is_numpy = |e: &Expr, arrays: &BTreeSet<String>, locals: &BTreeSet<String>| -> bool {
        let mut found = false;
        pyast::walk_expr(e, &mut |x| match x {
            Expr::Subscript(s) if adapter::subscript_base(&s.value).is_some_and(|b| arrays.contains(b)) => found = true,
            Expr::Name(n) if locals.contains(n.id.as_str()) => found = true,
            _ => {}
        });
        found
    };
    for _ in 0..4 {
        pyast::walk_stmts(body, &mut |s| {
            let (t, v) = match s {
                Stmt::Assign(a) if a.targets.len() == 1 => (pyast::name_of(&a.targets[0]), a.value.as_ref()),
                Stmt::AugAssign(a) => (pyast::name_of(&a.target), a.value.as_ref()),
                _ => return,
            };
            let Some(t) = t else { return };
            let makes_array = match v {
                Expr::Call(c) => {
                    let name = pyast::dotted(&c.func).unwrap_or_default();
                    name.starts_with("np.") || name.starts_with("numpy.") || (name.ends_with(".copy") && arrays.contains(name.trim_end_matches(".copy")))
                }
                _ => false,
            };
            if makes_array {
                arrays.insert(t.to_string());
            } else if is_numpy(v, &arrays, &numpy_locals) {
                numpy_locals.insert(t.to_string());
            }
        });
    }
    // the operator's own text between the operands: only spaces, parentheses, line breaks
    let op_at = |from: usize, to: usize, op: &str| -> Option<std::ops::Range<usize>> {
        let gap = &src[from..to];
        let k = gap.find(op)?;
        let rest_ok = |t: &str| t.chars().all(|c| c.is_whitespace() || c == '(' || c == ')' || c == '\\');
        // `a / b` -> `a, b`: the spaces before the operator go with it
        let spaces = gap[..k].len() - gap[..k].trim_end_matches(' ').len();
        (rest_ok(&gap[..k]) && rest_ok(&gap[k + op.len()..])).then(|| from + k - spaces..from + k + op.len())
    };
    let op_text = |op: &ast::Operator| match op {
        ast::Operator::Div => "/",
        ast::Operator::FloorDiv => "//",
        _ => "%",
    };
    let mut out = Vec::new();
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::BinOp(b) = e {
            let Some(helper) = division_helper(&b.op) else { return };
            if is_numpy(&b.left, &arrays, &numpy_locals) || is_numpy(&b.right, &arrays, &numpy_locals) {
                return;
            }
            let r = pyast::range(e);
            let edits = op_at(pyast::range(b.left.as_ref()).end, pyast::range(b.right.as_ref()).start, op_text(&b.op))
                .map(|op| vec![Edit::new(r.start..r.start, format!("{helper}(")), Edit::new(op, ","), Edit::new(r.end..r.end, ")")]);
            out.push(edits);
        }
    });
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::AugAssign(a) = s {
            let Some(helper) = division_helper(&a.op) else { return };
            if is_numpy(&a.target, &arrays, &numpy_locals) || is_numpy(&a.value, &arrays, &numpy_locals) {
                return;
            }
            let edits = pyast::name_of(&a.target).and_then(|t| {
                let op = op_at(pyast::range(a.target.as_ref()).end, pyast::range(a.value.as_ref()).start, &format!("{}=", op_text(&a.op)))?;
                let end = pyast::range(a.value.as_ref()).end;
                Some(vec![Edit::new(op, format!(" = {helper}({t},")), Edit::new(end..end, ")")])
            });
            out.push(edits);
        }
    });
    out
}

/// The parameter every `return` returns as it is (`return grid`), if there is one and the body
/// never rebinds the name (`grid = grid * 2; return grid` returns a new array).
fn returned_param(body: &[Stmt]) -> Option<String> {
    let mut names = BTreeSet::new();
    let mut other = false;
    let mut rebound = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| {
        match s {
            Stmt::Return(r) => match r.value.as_deref().and_then(pyast::name_of) {
                Some(n) => {
                    names.insert(n.to_string());
                }
                None => other = true,
            },
            _ => rebound.extend(binding_targets(s).into_iter().flat_map(bound_names)),
        }
    });
    if other || names.len() != 1 {
        return None;
    }
    let name = names.into_iter().next()?;
    (!rebound.contains(&name)).then_some(name)
}

/// When the function returns a scalar computed from elements of ndarray parameters (`s += a[i]`,
/// `return a[i, j] * 2`), the arrays whose dtype decides its NumPy type. A value that only
/// counts (`n += 1`) or comes from elsewhere stays a Python scalar (None).
///
/// ```python
/// def total(a):          # a: float64 ndarray
///     s = 0.0
///     for i in range(a.shape[0]):
///         s += a[i]      # s is np.float64 from the first iteration on
///     return s
/// ```
fn numpy_scalar_result(body: &[Stmt], arrays: &[&ParamPlan]) -> Option<Vec<String>> {
    if arrays.is_empty() {
        return None;
    }
    let array_names: BTreeSet<&str> = arrays.iter().map(|p| p.name.as_str()).collect();
    // the arrays whose elements reach an expression, directly or through tainted locals
    let reaches = |e: &Expr, tainted: &BTreeMap<String, BTreeSet<String>>| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        pyast::walk_expr(e, &mut |x| match x {
            Expr::Subscript(s) => {
                if let Some(b) = pyast::name_of(&s.value).filter(|b| array_names.contains(b)) {
                    out.insert(b.to_string());
                }
            }
            Expr::Name(n) => {
                if let Some(t) = tainted.get(n.id.as_str()) {
                    out.extend(t.iter().cloned());
                }
            }
            _ => {}
        });
        out
    };
    let mut tainted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for _ in 0..4 {
        pyast::walk_stmts(body, &mut |s| {
            let (target, value) = match s {
                Stmt::Assign(a) if a.targets.len() == 1 => (pyast::name_of(&a.targets[0]), Some(a.value.as_ref())),
                Stmt::AugAssign(a) => (pyast::name_of(&a.target), Some(a.value.as_ref())),
                _ => (None, None),
            };
            if let (Some(t), Some(v)) = (target, value) {
                let r = reaches(v, &tainted);
                if !r.is_empty() {
                    tainted.entry(t.to_string()).or_default().extend(r);
                }
            }
        });
    }
    let mut result: Option<BTreeSet<String>> = None;
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Return(r) = s {
            if let Some(v) = &r.value {
                if !matches!(v.as_ref(), Expr::Tuple(_) | Expr::List(_)) {
                    let got = reaches(v, &tainted);
                    if !got.is_empty() {
                        result.get_or_insert_with(BTreeSet::new).extend(got);
                    }
                }
            }
        }
    });
    result.map(|r| r.into_iter().collect())
}

/// Names sliced anywhere in the body (`xs[1:]`, `g[i][:k]`).
fn sliced_names(body: &[Stmt]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Subscript(s) = e {
            let has_slice = match s.slice.as_ref() {
                Expr::Slice(_) => true,
                Expr::Tuple(t) => t.elts.iter().any(|x| matches!(x, Expr::Slice(_))),
                _ => false,
            };
            if has_slice {
                if let Some(b) = adapter::subscript_base(&s.value) {
                    out.insert(b.to_string());
                }
            }
        }
    });
    out
}

/// Names a `return` hands back as they are: `return xs`, `return xs, s`, `return a if c else b`
/// (not names only used inside a returned expression: `return f(xs)`, `return xs[0]`).
fn returned_as_is(body: &[Stmt]) -> BTreeSet<String> {
    fn collect(e: &Expr, out: &mut BTreeSet<String>) {
        match e {
            Expr::Name(n) => {
                out.insert(n.id.to_string());
            }
            Expr::Tuple(t) => t.elts.iter().for_each(|x| collect(x, out)),
            Expr::List(l) => l.elts.iter().for_each(|x| collect(x, out)),
            Expr::IfExp(i) => {
                collect(&i.body, out);
                collect(&i.orelse, out);
            }
            Expr::NamedExpr(n) => collect(&n.value, out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Return(r) = s {
            if let Some(v) = &r.value {
                collect(v, &mut out);
            }
        }
    });
    out
}

/// Names that appear in `return` expressions.
fn returned_names(body: &[Stmt]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Return(r) = s {
            if let Some(v) = &r.value {
                pyast::walk_expr(v, &mut |e| {
                    if let Expr::Name(n) = e {
                        out.insert(n.id.to_string());
                    }
                });
            }
        }
    });
    out
}

/// Appending into a growing array: the compiled stand-in for `list.append`.
const PUSH: &str = "@_aiaccel_nb.njit(cache=True)
def _aiaccel_push(buf, n, value):
    if n == buf.shape[0]:
        grown = _aiaccel_np.empty(2 * n + 16, buf.dtype)
        grown[:n] = buf[:n]
        buf = grown
    buf[n] = value
    return buf, n + 1


";

/// `out = []` filled only by `out.append(x)`: becomes a growing typed array in the kernel.
struct AppendBuffer {
    dtype: Dtype,
    edits: Vec<Edit>,
}

fn find_append_buffers(body: &[Stmt], src: &str, params: &BTreeSet<String>) -> Vec<AppendBuffer> {
    let mut assigns: BTreeMap<String, usize> = BTreeMap::new();
    pyast::walk_stmts(body, &mut |s| {
        let targets = binding_targets(s);
        for t in targets {
            for n in bound_names(t) {
                *assigns.entry(n).or_default() += 1;
            }
        }
    });
    let mut out = Vec::new();
    pyast::walk_stmts(body, &mut |s| {
        let Stmt::Assign(a) = s else { return };
        let Some(name) = a.targets.first().and_then(pyast::name_of) else { return };
        if a.targets.len() != 1 || params.contains(name) || assigns.get(name).copied().unwrap_or(0) != 1 {
            return;
        }
        if !matches!(a.value.as_ref(), Expr::List(l) if l.elts.is_empty()) {
            return;
        }
        let counter = format!("_n_{name}");
        let mut edits = vec![Edit::new(pyast::range(s), String::new())]; // text filled once the dtype is known
        let mut values: Vec<&Expr> = Vec::new();
        let mut ok = true;
        pyast::walk_stmts(body, &mut |st| {
            if std::ptr::eq(st, s) {
                return;
            }
            // out.append(E) as a statement
            if let Stmt::Expr(e) = st {
                if let Expr::Call(c) = e.value.as_ref() {
                    if let Expr::Attribute(at) = c.func.as_ref() {
                        if pyast::name_of(&at.value) == Some(name) {
                            if at.attr.as_str() == "append" && c.args.len() == 1 && c.keywords.is_empty() && !mentions(&c.args[0], name) {
                                values.push(&c.args[0]);
                                let v = pyast::text(src, &c.args[0]);
                                edits.push(Edit::new(pyast::range(st), format!("{name}, {counter} = _aiaccel_push({name}, {counter}, {v})")));
                            } else {
                                ok = false;
                            }
                            return;
                        }
                    }
                }
            }
            if let Stmt::Return(r) = st {
                if let Some(v) = &r.value {
                    let elts: Vec<&Expr> = match v.as_ref() {
                        Expr::Tuple(t) => t.elts.iter().collect(),
                        other => vec![other],
                    };
                    for e in elts {
                        if pyast::name_of(e) == Some(name) {
                            edits.push(Edit::new(pyast::range(e), format!("{name}[:{counter}]")));
                        } else if mentions(e, name) {
                            ok = false;
                        }
                    }
                    return;
                }
            }
            for e in pyast::stmt_exprs(st) {
                pyast::walk_expr(e, &mut |x| match x {
                    Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("len") && c.args.len() == 1 && pyast::name_of(&c.args[0]) == Some(name) => {
                        edits.push(Edit::new(pyast::range(x), counter.clone()));
                    }
                    _ => {}
                });
                if !len_only(e, name) {
                    ok = false;
                }
            }
        });
        // only scalars go into a typed array: `rows.append(row)` keeps its list of lists
        if !ok || values.is_empty() || values.iter().any(|v| list_valued(v, body)) {
            return;
        }
        let dtype = if values.iter().any(|v| is_float_expr(v)) {
            Dtype::Float
        } else if values.iter().all(|v| is_bool_expr(v)) {
            Dtype::Bool
        } else if values.iter().all(|v| is_int_expr(v, name, body)) {
            Dtype::Int
        } else {
            Dtype::Data
        };
        edits[0].text = format!("{name}, {counter} = _aiaccel_np.empty(16, {}), 0", dtype_text(dtype));
        out.push(AppendBuffer { dtype, edits });
    });
    out
}

/// Every use of `name` in `e` is `len(name)`.
fn len_only(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Name(n) => n.id.as_str() != name,
        Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("len") && c.args.len() == 1 && pyast::name_of(&c.args[0]) == Some(name) => true,
        _ => pyast::expr_children(e).into_iter().all(|c| len_only(c, name)),
    }
}

fn dtype_text(d: Dtype) -> &'static str {
    match d {
        Dtype::Float => "_aiaccel_np.float64",
        Dtype::Int => "_aiaccel_np.int64",
        Dtype::Bool => "_aiaccel_np.bool_",
        Dtype::Data => "_aiaccel_dt.dtype",
    }
}

fn calls_any(body: &[Stmt], names: &[&str]) -> bool {
    let mut found = false;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Call(c) = e {
            if let Some(n) = pyast::dotted(&c.func) {
                if names.contains(&n.as_str()) {
                    found = true;
                }
            }
        }
    });
    found
}

/// The text parameters (see `text_params`), the kernel's edits for them, and whether those
/// edits make the kernel right for `str` only.
struct Texts {
    names: BTreeSet<String>,
    edits: Vec<Edit>,
    str_only: bool,
}

/// The parameters among `cands` whose characters, were they `str`, the body only compares with
/// each other's or with one-character literals, passes to `ord` (and measures, and iterates):
/// then their code points compute the same (`text_params_once`). Anything else a character
/// could meet (a longer literal, a number, a method, a return) keeps the parameter off the
/// `str` path.
/// ```python
/// ca = a[i - 1]                   # a char local: every binding is a character of `a`
/// if ca == b[j - 1]: ...          # compared with a character: fine on code points
/// ```
fn text_params(body: &[Stmt], src: &str, cands: &BTreeSet<String>) -> Texts {
    let mut cands = cands.clone();
    loop {
        let (ok, edits, str_only) = text_params_once(body, src, &cands);
        if ok == cands {
            return Texts { names: ok, edits, str_only };
        }
        cands = ok;
    }
}

/// A one-character `str` literal's code point.
fn char_literal(e: &Expr) -> Option<u32> {
    match e {
        Expr::Constant(c) => match &c.value {
            ast::Constant::Str(s) if s.chars().count() == 1 => s.chars().next().map(|c| c as u32),
            _ => None,
        },
        _ => None,
    }
}

/// Parameters whose characters the body only compares (with each other, or with one-character
/// literals), passes to `ord`, or measures with `len`: a `str` there is its code points, as
/// ints, in the kernel. Comparing characters with each other holds for `bytes` and int lists
/// too; `ord(c)` and `c == 'a'` hold for a `str` only (`ord` of an int raises, and `b'a'[0]
/// == 'a'` is False), so with them the kernel takes `str` alone (`str_only`), with its edits:
/// ```python
/// code = ord(ch)          # kernel: code = ch
/// if 'a' <= ch <= 'z':    # kernel: if 97 <= ch <= 122:
/// if ch in "aeiou":       # kernel: if ch in (97, 101, 105, 111, 117):
/// ```
fn text_params_once(body: &[Stmt], src: &str, cands: &BTreeSet<String>) -> (BTreeSet<String>, Vec<Edit>, bool) {
    type R = std::ops::Range<usize>;
    let is_elem = |e: &Expr| -> bool {
        matches!(e, Expr::Subscript(s) if !matches!(s.slice.as_ref(), Expr::Slice(_)) && pyast::name_of(&s.value).is_some_and(|n| cands.contains(n)))
    };
    // char-binding sites: `c = a[i]`, `for c in a`
    let mut char_bind: BTreeSet<(usize, usize)> = BTreeSet::new();
    // (bound name, the value or iterable's range, and that of the parameter's name in it)
    let mut bind_values: Vec<(String, R, R)> = Vec::new();
    pyast::walk_stmts(body, &mut |st| match st {
        Stmt::Assign(a) if a.targets.len() == 1 && pyast::name_of(&a.targets[0]).is_some() && is_elem(&a.value) => {
            let r = pyast::range(&a.targets[0]);
            char_bind.insert((r.start, r.end));
            let Expr::Subscript(sub) = a.value.as_ref() else { return };
            bind_values.push((pyast::name_of(&a.targets[0]).unwrap_or("").to_string(), pyast::range(a.value.as_ref()), pyast::range(sub.value.as_ref())));
        }
        Stmt::For(f) if pyast::name_of(&f.target).is_some() && pyast::name_of(&f.iter).is_some_and(|n| cands.contains(n)) => {
            let r = pyast::range(f.target.as_ref());
            char_bind.insert((r.start, r.end));
            let it = pyast::range(f.iter.as_ref());
            bind_values.push((pyast::name_of(&f.target).unwrap_or("").to_string(), it.clone(), it));
        }
        _ => {}
    });
    // char locals: names every binding of which is a char binding
    let mut stores: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Name(n) = e {
            if matches!(n.ctx, ast::ExprContext::Store | ast::ExprContext::Del) {
                let r = pyast::range(e);
                stores.entry(n.id.to_string()).or_default().push((r.start, r.end));
            }
        }
    });
    let char_locals: BTreeSet<String> = stores.iter().filter(|(_, rs)| rs.iter().all(|r| char_bind.contains(r))).map(|(n, _)| n.clone()).collect();
    let is_char = |e: &Expr| is_elem(e) || pyast::name_of(e).is_some_and(|n| char_locals.contains(n));
    // allowed places: operands of comparisons among characters, `len(a)`, binding values
    let mut allowed: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (name, value, inner) in &bind_values {
        if char_locals.contains(name) {
            allowed.insert((value.start, value.end));
            allowed.insert((inner.start, inner.end));
        }
    }
    let allow_elem = |e: &Expr, allowed: &mut BTreeSet<(usize, usize)>| {
        let r = pyast::range(e);
        allowed.insert((r.start, r.end));
        if let Expr::Subscript(s) = e {
            let r = pyast::range(s.value.as_ref());
            allowed.insert((r.start, r.end));
        }
    };
    let mut edits: Vec<Edit> = Vec::new();
    let mut str_only = false;
    pyast::walk_body_exprs(body, &mut |e| match e {
        Expr::Compare(c) => {
            let ops: Vec<&Expr> = std::iter::once(c.left.as_ref()).chain(c.comparators.iter()).collect();
            if ops.iter().all(|o| is_char(o)) {
                for o in ops {
                    allow_elem(o, &mut allowed);
                }
                return;
            }
            // with literals: `'a' <= ch <= 'z'`, `ch == ' '`, `ch in "aeiou"` (a character on
            // the left of `in`, a non-empty literal on its right)
            let mut lits: Vec<Edit> = Vec::new();
            let mut fine = ops.iter().any(|o| is_char(o));
            for (k, op) in c.ops.iter().enumerate() {
                let (l, r) = (ops[k], ops[k + 1]);
                let lit_edit = |x: &Expr| char_literal(x).map(|cp| Edit::new(pyast::range(x), cp.to_string()));
                match op {
                    ast::CmpOp::In | ast::CmpOp::NotIn => {
                        let set = match r {
                            Expr::Constant(k) => match &k.value {
                                ast::Constant::Str(s) if !s.is_empty() => Some(s.chars().map(|c| (c as u32).to_string()).collect::<Vec<_>>()),
                                _ => None,
                            },
                            _ => None,
                        };
                        match set {
                            Some(cps) if is_char(l) && k + 2 == ops.len() => lits.push(Edit::new(pyast::range(r), format!("({},)", cps.join(", ")))),
                            _ => fine = false,
                        }
                    }
                    _ => {
                        for x in [l, r] {
                            if !is_char(x) {
                                match lit_edit(x) {
                                    Some(ed) if !lits.iter().any(|q| q.range == ed.range) => lits.push(ed),
                                    Some(_) => {}
                                    None => fine = false,
                                }
                            }
                        }
                    }
                }
            }
            if fine && !lits.is_empty() {
                for o in ops.iter().filter(|o| is_char(o)) {
                    allow_elem(o, &mut allowed);
                }
                edits.extend(lits);
                str_only = true;
            }
        }
        Expr::Call(c) if pyast::name_of(&c.func) == Some("len") && c.args.len() == 1 => {
            let r = pyast::range(&c.args[0]);
            allowed.insert((r.start, r.end));
        }
        // `ord(ch)`: the code point the kernel already has
        Expr::Call(c) if pyast::name_of(&c.func) == Some("ord") && c.args.len() == 1 && c.keywords.is_empty() && is_char(&c.args[0]) => {
            allow_elem(&c.args[0], &mut allowed);
            edits.push(Edit::new(pyast::range(e), pyast::text(src, &c.args[0]).to_string()));
            str_only = true;
        }
        _ => {}
    });
    // every load of a candidate or a char local is in an allowed place
    let mut bad: BTreeSet<String> = BTreeSet::new();
    let mut local_bad = false;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Name(n) = e {
            if !matches!(n.ctx, ast::ExprContext::Load) {
                return;
            }
            let r = pyast::range(e);
            let here = allowed.contains(&(r.start, r.end));
            if cands.contains(n.id.as_str()) && !here {
                bad.insert(n.id.to_string());
            }
            if char_locals.contains(n.id.as_str()) && !here {
                local_bad = true;
            }
        }
    });
    if local_bad {
        return (BTreeSet::new(), Vec::new(), false);
    }
    (cands.iter().filter(|c| !bad.contains(*c)).cloned().collect(), edits, str_only)
}

/// Locals bound once, to a new NumPy array: `out = np.zeros((n, m))`, `un = u.copy()`.
fn numpy_allocations(body: &[Stmt]) -> Vec<String> {
    const MAKERS: &[&str] = &["zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like", "array", "copy"];
    let mut binds: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    pyast::walk_stmts(body, &mut |s| {
        let targets = binding_targets(s);
        for t in targets {
            let names = bound_names(t);
            let alloc = match s {
                Stmt::Assign(a) if a.targets.len() == 1 && pyast::name_of(t).is_some() => match a.value.as_ref() {
                    Expr::Call(c) => pyast::dotted(&c.func).is_some_and(|d| {
                        let (m, f) = d.rsplit_once('.').unwrap_or(("", d.as_str()));
                        ((m == "np" || m == "numpy" || m == "_aiaccel_np") && MAKERS.contains(&f)) || (f == "copy" && c.args.is_empty() && !m.is_empty())
                    }),
                    _ => false,
                },
                _ => false,
            };
            for n in names {
                let e = binds.entry(n).or_insert((0, true));
                e.0 += 1;
                e.1 &= alloc;
            }
        }
    });
    binds.into_iter().filter(|(_, (k, alloc))| *k == 1 && *alloc).map(|(n, _)| n).collect()
}

/// Whether the body makes a float anywhere, whatever its inputs: a float or complex literal,
/// a true division (`/`, `/=`), `float()`, a float function of `math`. On int inputs such a
/// body mixes ints and floats, which Numba unifies to floats where Python keeps each apart:
/// ```python
/// acc = xs[0]
/// for i in range(1, len(xs)): acc = (acc + xs[i]) / 2   # ema([3]) is the int 3 in Python
/// ```
fn makes_floats(body: &[Stmt]) -> bool {
    let mut found = false;
    pyast::walk_stmts(body, &mut |s| {
        if matches!(s, Stmt::AugAssign(a) if matches!(a.op, ast::Operator::Div)) {
            found = true;
        }
        for e in pyast::stmt_exprs(s) {
            found |= is_float_expr(e);
        }
    });
    pyast::walk_body_exprs(body, &mut |e| {
        found |= matches!(e, Expr::Constant(c) if matches!(c.value, ast::Constant::Complex { .. }));
    });
    found
}

fn indent4(text: &str) -> String {
    text.lines().map(|l| if l.trim().is_empty() { "\n".to_string() } else { format!("    {}\n", adapter::expand_indent_tabs(l)) }).collect()
}

fn buffers_names(body: &[Stmt], buffers: &[Buffer]) -> Vec<String> {
    let mut names = Vec::new();
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Assign(a) = s {
            if buffers.iter().any(|b| b.value == pyast::range(a.value.as_ref())) {
                if let Some(n) = a.targets.first().and_then(pyast::name_of) {
                    names.push(n.to_string());
                }
            }
        }
    });
    names
}

/// A division (`/`, `//`, `%`) by anything but a non-zero number literal, or a power whose
/// exponent is not an int literal: where NumPy scalars and Python floats part ways (inf/nan
/// against ZeroDivisionError; nan against a complex result).
fn risky_for_numpy_scalars(body: &[Stmt]) -> bool {
    let nonzero_literal = |e: &Expr| match e {
        Expr::Constant(c) => match &c.value {
            ast::Constant::Int(i) => i.to_string() != "0",
            ast::Constant::Float(f) => *f != 0.0,
            _ => false,
        },
        _ => false,
    };
    let int_literal = |e: &Expr| matches!(e, Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_)));
    // `x / y` and `x /= y` alike
    let risky_op = |op: &ast::Operator, rhs: &Expr| match op {
        ast::Operator::Div | ast::Operator::FloorDiv | ast::Operator::Mod => !nonzero_literal(rhs),
        ast::Operator::Pow => !int_literal(rhs),
        _ => false,
    };
    let mut risky = false;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::BinOp(b) = e {
            risky |= risky_op(&b.op, &b.right);
        }
    });
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::AugAssign(a) = s {
            risky |= risky_op(&a.op, &a.value);
        }
    });
    risky
}

/// `round(x, n)` with a number of digits.
fn calls_round_ndigits(body: &[Stmt]) -> bool {
    let mut found = false;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Call(c) = e {
            if pyast::dotted(&c.func).as_deref() == Some("round") && (c.args.len() > 1 || !c.keywords.is_empty()) {
                found = true;
            }
        }
    });
    found
}

/// Module-level names (bound by a top-level assignment: constants, tables, arrays) the body of
/// `def` reads and never binds itself, in order of first use.
fn module_state_read(def: &ast::StmtFunctionDef, module: &[Stmt]) -> Vec<String> {
    let mut module_names: BTreeSet<String> = BTreeSet::new();
    for s in module {
        let targets: Vec<&Expr> = match s {
            Stmt::Assign(a) => a.targets.iter().collect(),
            Stmt::AnnAssign(a) => vec![a.target.as_ref()],
            Stmt::AugAssign(a) => vec![a.target.as_ref()],
            _ => vec![],
        };
        for t in targets {
            module_names.extend(bound_names(t));
        }
    }
    let mut local: BTreeSet<String> = def.args.posonlyargs.iter().chain(def.args.args.iter()).chain(def.args.kwonlyargs.iter()).map(|a| a.def.arg.to_string()).collect();
    pyast::walk_body_exprs(&def.body, &mut |e| {
        if let Expr::Name(n) = e {
            if !matches!(n.ctx, ast::ExprContext::Load) {
                local.insert(n.id.to_string());
            }
        }
    });
    let mut out: Vec<String> = Vec::new();
    pyast::walk_body_exprs(&def.body, &mut |e| {
        if let Expr::Name(n) = e {
            let id = n.id.as_str();
            if matches!(n.ctx, ast::ExprContext::Load) && module_names.contains(id) && !local.contains(id) && !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
    });
    out
}

/// Constructs that nopython mode rejects or that change meaning under it.
fn has_unsupported(body: &[Stmt]) -> bool {
    let mut bad = false;
    pyast::walk_stmts(body, &mut |s| {
        if matches!(s, Stmt::Try(_) | Stmt::TryStar(_) | Stmt::With(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_) | Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Delete(_) | Stmt::Match(_)) {
            bad = true;
        }
    });
    pyast::walk_body_exprs(body, &mut |e| match e {
        Expr::Dict(_) | Expr::Set(_) | Expr::DictComp(_) | Expr::SetComp(_) | Expr::Lambda(_) | Expr::JoinedStr(_) | Expr::GeneratorExp(_) | Expr::Yield(_) => bad = true,
        Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_) | ast::Constant::Bytes(_)) => {
            // a docstring is fine; other strings are not numeric work
        }
        Expr::Call(c) => {
            if let Some(n) = pyast::dotted(&c.func) {
                if matches!(n.as_str(), "sorted" | "reversed" | "isinstance" | "getattr" | "setattr" | "str" | "repr" | "dict" | "set") {
                    bad = true;
                }
            }
        }
        _ => {}
    });
    bad || calls_round_ndigits(body)
}

/// Literal fill value of a list initialiser: `0`, `-1.5`, `True`, `float('inf')`.
fn literal(e: &Expr, src: &str) -> Option<(String, Dtype)> {
    match e {
        Expr::Constant(c) => match &c.value {
            ast::Constant::Int(_) => Some((pyast::text(src, e).to_string(), Dtype::Int)),
            ast::Constant::Float(_) => Some((pyast::text(src, e).to_string(), Dtype::Float)),
            ast::Constant::Bool(_) => Some((pyast::text(src, e).to_string(), Dtype::Bool)),
            _ => None,
        },
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => literal(&u.operand, src).map(|(t, d)| (format!("-{t}"), d)).filter(|(_, d)| *d != Dtype::Bool),
        Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("float") && c.args.len() == 1 => {
            let arg = pyast::text(src, &c.args[0]).trim_matches(|ch| ch == '"' || ch == '\'').to_lowercase();
            match arg.as_str() {
                "inf" | "+inf" | "infinity" => Some(("_aiaccel_np.inf".into(), Dtype::Float)),
                "-inf" | "-infinity" => Some(("-_aiaccel_np.inf".into(), Dtype::Float)),
                _ => None,
            }
        }
        _ => match pyast::dotted(e).as_deref() {
            Some("math.inf") => Some(("_aiaccel_np.inf".into(), Dtype::Float)),
            _ => None,
        },
    }
}

/// `[lit] * n`, `[lit for _ in range(n)]`, `[[lit] * m for _ in range(n)]` -> (shape, fill).
fn list_init(e: &Expr, src: &str) -> Option<(Vec<String>, String, Dtype)> {
    match e {
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Mult) => {
            let (list, n) = match (b.left.as_ref(), b.right.as_ref()) {
                (Expr::List(l), n) | (n, Expr::List(l)) => (l, n),
                _ => return None,
            };
            if list.elts.len() != 1 || matches!(n, Expr::List(_)) {
                return None;
            }
            let (fill, dt) = literal(&list.elts[0], src)?;
            Some((vec![pyast::text(src, n).to_string()], fill, dt))
        }
        Expr::ListComp(lc) if lc.generators.len() == 1 && lc.generators[0].ifs.is_empty() => {
            let g = &lc.generators[0];
            let Expr::Call(c) = &g.iter else { return None };
            if pyast::dotted(&c.func).as_deref() != Some("range") || c.args.len() != 1 {
                return None;
            }
            // the comprehension variable must not be used in the element
            if let Some(v) = pyast::name_of(&g.target) {
                let mut used = false;
                pyast::walk_expr(&lc.elt, &mut |x| {
                    if pyast::name_of(x) == Some(v) {
                        used = true
                    }
                });
                if used {
                    return None;
                }
            } else {
                return None;
            }
            let n = pyast::text(src, &c.args[0]).to_string();
            if let Some((fill, dt)) = literal(&lc.elt, src) {
                return Some((vec![n], fill, dt));
            }
            let (mut inner, fill, dt) = list_init(&lc.elt, src)?;
            inner.insert(0, n);
            Some((inner, fill, dt))
        }
        _ => None,
    }
}

fn find_buffers(body: &[Stmt], src: &str, params: &BTreeSet<String>) -> Vec<Buffer> {
    // every assignment of each local name
    let mut assigns: BTreeMap<String, usize> = BTreeMap::new();
    pyast::walk_stmts(body, &mut |s| {
        let targets = binding_targets(s);
        for t in targets {
            for n in bound_names(t) {
                *assigns.entry(n).or_default() += 1;
            }
        }
    });
    let stores = adapter::element_stores(body);
    let mut out = Vec::new();
    pyast::walk_stmts(body, &mut |s| {
        let Stmt::Assign(a) = s else { return };
        if a.targets.len() != 1 {
            return;
        }
        let Some(name) = pyast::name_of(&a.targets[0]) else { return };
        if params.contains(name) || assigns.get(name).copied().unwrap_or(0) != 1 {
            return;
        }
        let Some((shape, fill, init_dt)) = list_init(&a.value, src) else { return };
        if !only_array_uses(body, name, shape.len()) {
            return;
        }
        // the element type: what the body stores into it
        let values: Vec<&Expr> = stores.iter().filter(|(b, _)| b == name).filter_map(|(_, v)| *v).collect();
        let dtype = if init_dt == Dtype::Float || values.iter().any(|v| is_float_expr(v)) {
            Dtype::Float
        } else if init_dt == Dtype::Bool && values.iter().all(|v| is_bool_expr(v)) {
            Dtype::Bool
        } else if init_dt == Dtype::Int && values.iter().all(|v| is_int_expr(v, name, body)) {
            Dtype::Int
        } else if init_dt == Dtype::Bool {
            return; // bools mixed with numbers: leave the list alone
        } else {
            Dtype::Data
        };
        out.push(Buffer { value: pyast::range(a.value.as_ref()), shape, fill, dtype });
    });
    out
}

/// The buffer is only indexed, measured, iterated or returned: an array behaves the same.
fn only_array_uses(body: &[Stmt], name: &str, ndim: usize) -> bool {
    let mut ok = true;
    // parents of each Name occurrence: check by scanning expressions that contain it
    pyast::walk_stmts(body, &mut |s| {
        match s {
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    if let Some(n) = pyast::name_of(v) {
                        if n == name {
                            return;
                        }
                    }
                    if let Expr::Tuple(t) = v.as_ref() {
                        if t.elts.iter().any(|e| pyast::name_of(e) == Some(name)) && t.elts.iter().all(|e| pyast::name_of(e).is_some() || !mentions(e, name)) {
                            return;
                        }
                    }
                }
            }
            Stmt::For(f) if pyast::name_of(&f.iter) == Some(name) && ndim == 1 => return,
            Stmt::Assign(a) if a.targets.len() == 1 && pyast::name_of(&a.targets[0]) == Some(name) => {
                if !uses_ok(&a.value, name) {
                    ok = false;
                }
                return;
            }
            _ => {}
        }
        for e in pyast::stmt_exprs(s) {
            if !uses_ok(e, name) {
                ok = false;
            }
        }
    });
    ok
}

fn mentions(e: &Expr, name: &str) -> bool {
    let mut m = false;
    pyast::walk_expr(e, &mut |x| {
        if pyast::name_of(x) == Some(name) {
            m = true
        }
    });
    m
}

/// Every occurrence of `name` in `e` is `name[...]` or `len(name)`.
fn uses_ok(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Name(n) => n.id.as_str() != name,
        Expr::Subscript(s) if pyast::name_of(&s.value) == Some(name) => {
            !matches!(s.slice.as_ref(), Expr::Slice(_)) && uses_ok(&s.slice, name)
        }
        Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("len") && c.args.len() == 1 && pyast::name_of(&c.args[0]) == Some(name) => true,
        Expr::Call(c) if matches!(pyast::dotted(&c.func).as_deref(), Some("sum" | "min" | "max")) && c.args.len() == 1 && pyast::name_of(&c.args[0]) == Some(name) => true,
        _ => pyast::expr_children(e).into_iter().all(|c| uses_ok(c, name)),
    }
}

fn is_bool_expr(e: &Expr) -> bool {
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Bool(_)),
        Expr::Compare(_) => true,
        Expr::BoolOp(b) => b.values.iter().all(is_bool_expr),
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::Not),
        _ => false,
    }
}

/// Certainly an int: int literals, loop indices over range, len(), int(), `//`, `%`, and the
/// buffer's own elements (`counts[k] + 1`).
fn is_int_expr(e: &Expr, buffer: &str, body: &[Stmt]) -> bool {
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_) | ast::Constant::Bool(_)),
        Expr::Name(n) => int_locals(body).contains(n.id.as_str()),
        Expr::Subscript(_) => adapter::subscript_base(e) == Some(buffer),
        // (max/min of ints: `dp[i][j] = max(dp[i - 1][j], dp[i][j - 1])`)
        Expr::Call(c) if matches!(pyast::dotted(&c.func).as_deref(), Some("max" | "min" | "abs")) => c.keywords.is_empty() && !c.args.is_empty() && c.args.iter().all(|a| is_int_expr(a, buffer, body)),
        Expr::Call(c) => matches!(pyast::dotted(&c.func).as_deref(), Some("len" | "int" | "math.floor" | "math.ceil" | "round")) && (pyast::dotted(&c.func).as_deref() != Some("round") || c.args.len() == 1),
        Expr::BinOp(b) => {
            matches!(b.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv | ast::Operator::Mod)
                && is_int_expr(&b.left, buffer, body)
                && is_int_expr(&b.right, buffer, body)
        }
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && is_int_expr(&u.operand, buffer, body),
        _ => false,
    }
}

/// Locals that only ever hold ints: range indices, and names every assignment of which is an
/// int expression (to a fixpoint: `best = j` where j is a range index).
fn int_locals(body: &[Stmt]) -> BTreeSet<String> {
    let mut ints = range_indices(body);
    let mut assigned: BTreeMap<String, Vec<&Expr>> = BTreeMap::new();
    let mut other: BTreeSet<String> = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| match s {
        Stmt::Assign(a) if a.targets.len() == 1 => match pyast::name_of(&a.targets[0]) {
            Some(n) => assigned.entry(n.to_string()).or_default().push(&a.value),
            None => other.extend(bound_names(&a.targets[0])),
        },
        Stmt::Assign(a) => a.targets.iter().for_each(|t| other.extend(bound_names(t))),
        Stmt::AugAssign(a) => {
            if let Some(n) = pyast::name_of(&a.target) {
                if matches!(a.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv | ast::Operator::Mod) {
                    assigned.entry(n.to_string()).or_default().push(&a.value);
                } else {
                    other.insert(n.to_string());
                }
            }
        }
        Stmt::For(f) => {
            let is_range = matches!(f.iter.as_ref(), Expr::Call(c) if pyast::dotted(&c.func).as_deref() == Some("range"));
            if !is_range {
                other.extend(bound_names(&f.target));
            }
        }
        _ => {}
    });
    loop {
        let before = ints.len();
        for (n, values) in &assigned {
            if !ints.contains(n) && !other.contains(n) && values.iter().all(|v| int_with(v, &ints)) {
                ints.insert(n.clone());
            }
        }
        if ints.len() == before {
            return ints;
        }
    }
}

fn int_with(e: &Expr, ints: &BTreeSet<String>) -> bool {
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_) | ast::Constant::Bool(_)),
        Expr::Name(n) => ints.contains(n.id.as_str()),
        Expr::Call(c) => matches!(pyast::dotted(&c.func).as_deref(), Some("len" | "int")),
        Expr::BinOp(b) => {
            matches!(b.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv | ast::Operator::Mod)
                && int_with(&b.left, ints)
                && int_with(&b.right, ints)
        }
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && int_with(&u.operand, ints),
        _ => false,
    }
}

fn range_indices(body: &[Stmt]) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    pyast::walk_stmts(body, &mut |st| {
        if let Stmt::For(f) = st {
            if let (Some(n), Expr::Call(c)) = (pyast::name_of(&f.target), f.iter.as_ref()) {
                if pyast::dotted(&c.func).as_deref() == Some("range") {
                    s.insert(n.to_string());
                }
            }
        }
    });
    s
}

/// Top-level `for i in range(...)` loops whose iterations are independent: the byte ranges of
/// their `range` names, to become `prange`.
fn parallel_loops(body: &[Stmt], arrays: &BTreeSet<String>) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for (k, s) in body.iter().enumerate() {
        let Stmt::For(f) = s else { continue };
        let (Some(i), Expr::Call(c)) = (pyast::name_of(&f.target), f.iter.as_ref()) else { continue };
        if pyast::dotted(&c.func).as_deref() != Some("range") || c.args.is_empty() || c.args.len() > 2 || !f.orelse.is_empty() {
            continue;
        }
        if independent(&f.body, i, arrays, &body[k + 1..]) {
            out.push(pyast::range(c.func.as_ref()));
        }
    }
    out
}

/// A module-level function the function calls (directly or through other helpers), compiled
/// as `_aiaccel_h_<name>` beside the kernel so the call costs nothing in the loop.
struct Helper {
    name: String,
    /// Its `def`, renamed, with calls of other helpers renamed too (undecorated).
    kernel_text: String,
    has_loop: bool,
}

/// `row[:]` read as a value: a copy of a list in Python, but a view of an array in Numba, so
/// writes to the "copy" would reach the original. Each becomes `row.copy()`.
/// ```python
/// tmp = [row[:] for row in grid]   # kernel: [row.copy() for row in grid]
/// ```
/// (Of a list of lists the Python copy is shallow; the kernel's is deep. Writes through both
/// differ, and the verifier's after-call comparison of the arguments sees it.)
fn full_slice_copies(body: &[Stmt]) -> Vec<Edit> {
    let mut out = Vec::new();
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Subscript(s) = e {
            let full = matches!(s.slice.as_ref(), Expr::Slice(sl) if sl.lower.is_none() && sl.upper.is_none() && sl.step.is_none());
            if full && matches!(s.ctx, ast::ExprContext::Load) {
                if let Some(n) = pyast::name_of(&s.value) {
                    out.push(Edit::new(pyast::range(e), format!("{n}.copy()")));
                }
            }
        }
    });
    out
}

fn helper_kernel_name(name: &str) -> String {
    format!("_aiaccel_h_{name}")
}

/// `eval_a(i, j)` calls in `body` whose callee is one of the helpers `names`: (range of the
/// callee name, name).
fn helper_calls(body: &[Stmt], names: &[String]) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Call(c) = e {
            if let Some(n) = pyast::name_of(&c.func) {
                if names.iter().any(|h| h == n) {
                    out.push((pyast::range(c.func.as_ref()), n.to_string()));
                }
            }
        }
    });
    out
}

/// The module-level functions `f` calls, and those they call (three levels deep), that can be
/// compiled along: plain `def`s with positional parameters, no decorators, no constructs Numba
/// rejects, not shadowed by a local name. A helper that Numba still cannot type makes the
/// kernel fail to type, and the adapter runs the original.
///
/// ```python
/// def eval_a(i, j):                      # compiled as _aiaccel_h_eval_a
///     return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)
/// def times_a(u):
///     ...  s += eval_a(i, j) * u[j]     # calls _aiaccel_h_eval_a inside the kernel
/// ```
fn module_helpers(f: &Function, def: &ast::StmtFunctionDef, module_src: &str, module: &[Stmt]) -> Result<Vec<Helper>, String> {
    let defs: BTreeMap<&str, &ast::StmtFunctionDef> = module
        .iter()
        .filter_map(|s| match s {
            Stmt::FunctionDef(d) => Some((d.name.as_str(), d)),
            _ => None,
        })
        .collect();
    let called = |body: &[Stmt], own: &ast::StmtFunctionDef| -> Vec<String> {
        let mut locals: BTreeSet<String> = own.args.args.iter().map(|a| a.def.arg.to_string()).collect();
        pyast::walk_stmts(body, &mut |s| {
            let targets = binding_targets(s);
            for t in targets {
                locals.extend(bound_names(t));
            }
        });
        let mut names = Vec::new();
        pyast::walk_body_exprs(body, &mut |e| {
            if let Expr::Call(c) = e {
                if let Some(n) = pyast::name_of(&c.func) {
                    if defs.contains_key(n) && !locals.contains(n) && n != f.name && c.keywords.is_empty() && !c.args.iter().any(|a| matches!(a, Expr::Starred(_))) {
                        names.push(n.to_string());
                    }
                }
            }
        });
        names
    };
    let mut order: Vec<String> = Vec::new();
    let mut frontier = called(&def.body, def);
    for _ in 0..3 {
        let mut next = Vec::new();
        for n in frontier {
            if order.contains(&n) {
                continue;
            }
            let d = defs[n.as_str()];
            let a = &d.args;
            if !d.decorator_list.is_empty() || a.vararg.is_some() || a.kwarg.is_some() || !a.kwonlyargs.is_empty() || !a.posonlyargs.is_empty() || a.args.iter().any(|x| x.default.is_some()) || has_unsupported(&d.body) {
                continue; // left as a Python call: the kernel will not type, the original runs
            }
            let state = module_state_read(d, module);
            if !state.is_empty() {
                // Numba freezes a global's value when it compiles: a helper reading module state
                // would keep the value of its first call
                return Err(format!("helper `{n}` reads module state (`{}`), which a compiled copy would freeze", state.join("`, `")));
            }
            next.extend(called(&d.body, d));
            order.push(n);
        }
        frontier = next;
    }
    let mut helpers = Vec::new();
    for n in &order {
        let d = defs[n.as_str()];
        let r = pyast::range(d);
        let start = pyast::line_start(module_src, r.start);
        let end = pyast::line_end(module_src, r.end);
        let mut text = module_src[start..end].to_string();
        // rename the def and the calls of other helpers inside it (back to front)
        let mut edits: Vec<Edit> = Vec::new();
        for (range, name) in helper_calls(&d.body, &order) {
            edits.push(Edit::new(range, helper_kernel_name(&name)));
        }
        let name_at = text.find(&format!("def {n}")).ok_or_else(|| format!("helper `{n}` not found in its text"))? + 4;
        edits.push(Edit::new(start + name_at..start + name_at + n.len(), helper_kernel_name(n)));
        text = apply_edits(&text, start, &edits)?;
        let mut has_loop = false;
        pyast::walk_stmts(&d.body, &mut |s| has_loop |= matches!(s, Stmt::For(_) | Stmt::While(_)));
        helpers.push(Helper { name: n.clone(), kernel_text: crate::edit::dedent(&text), has_loop });
    }
    Ok(helpers)
}

/// Scalars carried across the iterations of the parallel loops (`total += ...` with `total`
/// bound before the loop): Numba's prange recognises only the plain `+=` form as a reduction,
/// so these cannot become checked calls. They are kept when they are floats from the start;
/// an int reduction could wrap unseen, so the rule does not fire.
///
/// ```python
/// count = 0
/// for i in range(len(xs)):      # prange: `count += ...` must stay `+=`, and int64 can wrap
///     count += xs[i] * xs[i]
/// ```
fn float_reductions(body: &[Stmt], loops: &[std::ops::Range<usize>]) -> Result<BTreeSet<String>, String> {
    let mut keep = BTreeSet::new();
    for s in body {
        let Stmt::For(f) = s else { continue };
        let Expr::Call(c) = f.iter.as_ref() else { continue };
        if !loops.contains(&pyast::range(c.func.as_ref())) {
            continue;
        }
        let mut bound_inside = BTreeSet::new();
        let mut reduced = BTreeSet::new();
        pyast::walk_stmts(&f.body, &mut |st| match st {
            Stmt::Assign(a) => a.targets.iter().flat_map(bound_names).for_each(|n| {
                bound_inside.insert(n);
            }),
            Stmt::For(inner) => bound_names(&inner.target).into_iter().for_each(|n| {
                bound_inside.insert(n);
            }),
            Stmt::AugAssign(a) => {
                if let Some(n) = pyast::name_of(&a.target) {
                    reduced.insert(n.to_string());
                }
            }
            _ => {}
        });
        for name in reduced.difference(&bound_inside) {
            let mut float_init = None;
            pyast::walk_stmts(body, &mut |st| {
                if let Stmt::Assign(a) = st {
                    if a.targets.len() == 1 && pyast::name_of(&a.targets[0]) == Some(name.as_str()) && pyast::range(st).end <= pyast::range(s).start {
                        float_init = Some(is_float_expr(&a.value));
                    }
                }
            });
            if float_init != Some(true) {
                return Err(format!("`{name}` is reduced across parallel iterations and may be an int: int64 could wrap there unchecked (AX001 checks it)"));
            }
            keep.insert(name.clone());
        }
    }
    Ok(keep)
}

/// Iterations of a loop over `i` touch disjoint data: every element store is `a[i]...` into an
/// array, reads of stored arrays are at `[i]` too, scalars are private or `+=` reductions.
fn independent(body: &[Stmt], i: &str, arrays: &BTreeSet<String>, after: &[Stmt]) -> bool {
    let mut ok = true;
    pyast::walk_stmts(body, &mut |s| match s {
        Stmt::Break(_) | Stmt::Return(_) | Stmt::Raise(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => ok = false,
        _ => {}
    });
    if !ok {
        return false;
    }
    let stores = adapter::element_stores(body);
    let stored: BTreeSet<String> = stores.iter().map(|(b, _)| b.clone()).collect();
    for b in &stored {
        if !arrays.contains(b) {
            return false; // a Python list (or unknown) shared between threads
        }
    }
    // every subscript of a stored array must start with [i]
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Subscript(_) = e {
            let (base, first) = first_index(e);
            if let Some(b) = base {
                if stored.contains(b) && first.map(|x| pyast::name_of(x) != Some(i)).unwrap_or(true) {
                    ok = false;
                }
            }
        }
        if let Expr::Call(c) = e {
            if let Expr::Attribute(_) = c.func.as_ref() {
                let d = pyast::dotted(&c.func).unwrap_or_default();
                if !d.starts_with("math.") && !d.starts_with("_aiaccel_np.") && !d.starts_with("np.") {
                    ok = false; // method calls may mutate shared state
                }
            }
        }
    });
    if !ok {
        return false;
    }
    // scalars: private to an iteration (first occurrence is a plain store, and every occurrence
    // lies in the block of that store) or pure `+=`/`-=`/`*=` reductions
    let mut occs: BTreeMap<String, Vec<Occ>> = BTreeMap::new();
    let mut next_block = 1usize;
    occurrences(body, &mut vec![0], &mut next_block, &mut occs);
    for (name, list) in &occs {
        if !list.iter().any(|o| o.kind != OccKind::Load) {
            continue; // only read: loop-invariant
        }
        if name == i {
            return false; // the index itself is reassigned
        }
        let first = &list[0];
        let private = first.kind == OccKind::Store && list.iter().all(|o| o.path.starts_with(&first.path));
        let reduction = list.iter().all(|o| o.kind == OccKind::Reduce);
        if !private && !reduction {
            return false;
        }
        // after a parallel loop a private's value is whichever thread wrote last
        if private && mentions_any(after, name) {
            return false;
        }
    }
    true
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum OccKind {
    Load,
    Store,
    /// `x += e`, `x -= e`, `x *= e`
    Reduce,
    /// another augmented assignment: a load and a store
    Update,
}

#[derive(Debug)]
struct Occ {
    path: Vec<usize>,
    kind: OccKind,
}

/// Name occurrences in execution order, each with the path of blocks it sits in.
fn occurrences(stmts: &[Stmt], path: &mut Vec<usize>, next: &mut usize, out: &mut BTreeMap<String, Vec<Occ>>) {
    let push = |out: &mut BTreeMap<String, Vec<Occ>>, n: &str, kind: OccKind, path: &[usize]| {
        out.entry(n.to_string()).or_default().push(Occ { path: path.to_vec(), kind });
    };
    let loads = |e: &Expr, out: &mut BTreeMap<String, Vec<Occ>>, path: &[usize]| {
        pyast::walk_expr(e, &mut |x| {
            if let Expr::Name(n) = x {
                out.entry(n.id.to_string()).or_default().push(Occ { path: path.to_vec(), kind: OccKind::Load });
            }
        });
    };
    for s in stmts {
        match s {
            Stmt::Assign(a) => {
                loads(&a.value, out, path);
                for t in &a.targets {
                    if bound_names(t).is_empty() {
                        loads(t, out, path); // a[i] = ...: loads a and i
                    }
                    for n in bound_names(t) {
                        push(out, &n, OccKind::Store, path);
                    }
                }
            }
            Stmt::AugAssign(a) => {
                loads(&a.value, out, path);
                match pyast::name_of(&a.target) {
                    Some(n) => {
                        let k = if matches!(a.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult) { OccKind::Reduce } else { OccKind::Update };
                        push(out, n, k, path);
                    }
                    None => loads(&a.target, out, path),
                }
            }
            Stmt::For(f) => {
                loads(&f.iter, out, path);
                *next += 1;
                path.push(*next);
                for n in bound_names(&f.target) {
                    push(out, &n, OccKind::Store, path);
                }
                occurrences(&f.body, path, next, out);
                path.pop();
            }
            other => {
                for e in pyast::stmt_exprs(other) {
                    loads(e, out, path);
                }
                for b in pyast::stmt_blocks(other) {
                    *next += 1;
                    path.push(*next);
                    occurrences(b, path, next, out);
                    path.pop();
                }
            }
        }
    }
}

/// (`a`, first index expression) of `a[x][y]`.
fn first_index(e: &Expr) -> (Option<&str>, Option<&Expr>) {
    match e {
        Expr::Subscript(s) => match s.value.as_ref() {
            // `out[i, j]`: the first of the tuple
            Expr::Name(n) => match s.slice.as_ref() {
                Expr::Tuple(t) => (Some(n.id.as_str()), t.elts.first()),
                sl => (Some(n.id.as_str()), Some(sl)),
            },
            inner @ Expr::Subscript(_) => first_index(inner),
            _ => (None, None),
        },
        _ => (None, None),
    }
}

/// The targets a statement binds names in: `x = ...`, `x += ...`, `for x in ...`.
fn binding_targets(s: &Stmt) -> Vec<&Expr> {
    match s {
        Stmt::Assign(a) => a.targets.iter().collect(),
        Stmt::AugAssign(a) => vec![a.target.as_ref()],
        Stmt::For(f) => vec![f.target.as_ref()],
        _ => vec![],
    }
}

/// Names a target binds: `x`, `(a, b)`; not `a[i]` (that stores into a, it does not rebind it).
fn bound_names(t: &Expr) -> Vec<String> {
    match t {
        Expr::Name(n) => vec![n.id.to_string()],
        Expr::Tuple(tu) => tu.elts.iter().flat_map(bound_names).collect(),
        Expr::List(l) => l.elts.iter().flat_map(bound_names).collect(),
        Expr::Starred(s) => bound_names(&s.value),
        _ => vec![],
    }
}

/// The expression is (or names) a list: a literal, a comprehension, a slice, or a local bound
/// to one of those or to `[]`.
fn list_valued(e: &Expr, body: &[Stmt]) -> bool {
    let is_list_expr = |x: &Expr| matches!(x, Expr::List(_) | Expr::ListComp(_) | Expr::Tuple(_)) || matches!(x, Expr::Subscript(s) if matches!(s.slice.as_ref(), Expr::Slice(_))) || matches!(x, Expr::BinOp(b) if matches!(b.left.as_ref(), Expr::List(_)) || matches!(b.right.as_ref(), Expr::List(_)));
    if is_list_expr(e) {
        return true;
    }
    let Some(name) = pyast::name_of(e) else { return false };
    let mut found = false;
    pyast::walk_stmts(body, &mut |s| {
        if let Stmt::Assign(a) = s {
            if a.targets.iter().any(|t| pyast::name_of(t) == Some(name)) && (is_list_expr(&a.value) || matches!(a.value.as_ref(), Expr::Call(_))) {
                found = true;
            }
        }
    });
    found
}

fn mentions_any(stmts: &[Stmt], name: &str) -> bool {
    let mut m = false;
    pyast::walk_body_exprs(stmts, &mut |e| {
        if pyast::name_of(e) == Some(name) {
            m = true;
        }
    });
    m
}

/// Locals that are whole copies of a list parameter, made once and then only indexed: in the
/// kernel each is a copy of the parameter's array (a list of arrays would not compile).
/// ```python
/// a = [[row[:] for row in plane] for plane in grid]   # kernel: a = grid.copy()
/// b = [row[:] for row in grid]; ...; a, b = b, a      # swapped between time steps too
/// ```
struct ListCopies {
    /// The copies' expressions, each `param.copy()`.
    edits: Vec<Edit>,
    /// Local name -> the list parameter it copies.
    names: BTreeMap<String, String>,
}

fn list_copies(body: &[Stmt], params: &[ParamPlan]) -> ListCopies {
    let ndim_of = |n: &str| params.iter().find(|p| p.name == n).and_then(|p| match p.conv {
        Conv::List { ndim, .. } => Some(ndim),
        _ => None,
    });
    // candidates: names assigned a whole copy of a list parameter
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut edits: Vec<(String, Edit)> = Vec::new();
    let mut spoiled: BTreeSet<String> = BTreeSet::new();
    pyast::walk_stmts(body, &mut |s| {
        let Stmt::Assign(a) = s else { return };
        let ([Expr::Name(t)], Some((src, levels))) = (a.targets.as_slice(), pyast::list_copy_of(&a.value)) else { return };
        if ndim_of(&src) != Some(levels) || params.iter().any(|p| p.name == t.id.as_str()) {
            return;
        }
        if names.get(t.id.as_str()).is_some_and(|prev| prev != &src) {
            spoiled.insert(t.id.to_string());
        }
        names.insert(t.id.to_string(), src.clone());
        edits.push((t.id.to_string(), Edit::new(pyast::range(a.value.as_ref()), format!("{src}.copy()"))));
    });
    for n in &spoiled {
        names.remove(n);
    }
    // every other binding of them swaps them among themselves (`a, b = b, a`), and every use is
    // an element's index (`a[i][j]`, the full depth), `len(a)` or a `return`
    loop {
        let before = names.len();
        let mut bad: BTreeSet<String> = BTreeSet::new();
        pyast::walk_stmts(body, &mut |s| {
            if let Stmt::Assign(a) = s {
                if let ([Expr::Name(_)], Some(_)) = (a.targets.as_slice(), pyast::list_copy_of(&a.value)) {
                    return; // (a copy: checked above; a copy of something else rebinds below)
                }
                if let ([Expr::Tuple(t)], Expr::Tuple(v)) = (a.targets.as_slice(), a.value.as_ref()) {
                    let all_copies = |xs: &[Expr]| xs.iter().all(|x| pyast::name_of(x).is_some_and(|n| names.contains_key(n)));
                    let same_source: BTreeSet<&String> = t.elts.iter().chain(v.elts.iter()).filter_map(|x| pyast::name_of(x).and_then(|n| names.get(n))).collect();
                    if all_copies(&t.elts) && all_copies(&v.elts) && same_source.len() == 1 {
                        return;
                    }
                }
            }
            for t in binding_targets(s) {
                for n in bound_names(t) {
                    if names.contains_key(&n) {
                        bad.insert(n);
                    }
                }
            }
        });
        // a copy assigned once more from something that is not a copy
        pyast::walk_stmts(body, &mut |s| {
            if let Stmt::Assign(a) = s {
                if let [Expr::Name(t)] = a.targets.as_slice() {
                    if names.contains_key(t.id.as_str()) && pyast::list_copy_of(&a.value).is_none_or(|(src, _)| names.get(t.id.as_str()) != Some(&src)) {
                        bad.insert(t.id.to_string());
                    }
                }
            }
        });
        for (n, src) in &names {
            if !copy_uses_ok(body, n, ndim_of(src).unwrap_or(0), &names) {
                bad.insert(n.clone());
            }
        }
        names.retain(|n, _| !bad.contains(n));
        if names.len() == before {
            break;
        }
    }
    let edits = edits.into_iter().filter(|(n, _)| names.contains_key(n)).map(|(_, e)| e).collect();
    ListCopies { edits, names }
}

/// Every load of `name` is the base of an element index of the full depth (`a[i][j]` for a 2-D
/// copy; a row `a[i]` would be a list in one and a view in the other, with `+` and `*` meaning
/// other things), `len(a)`, `len(a[i])`, a `return` (alone or in a tuple), or a swap among
/// the copies.
fn copy_uses_ok(body: &[Stmt], name: &str, ndim: usize, copies: &BTreeMap<String, String>) -> bool {
    fn depth(e: &Expr) -> usize {
        match e {
            Expr::Subscript(s) if !matches!(s.slice.as_ref(), Expr::Slice(_) | Expr::Tuple(_)) => 1 + depth(&s.value),
            _ => 0,
        }
    }
    let mut allowed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut allow = |e: &Expr| {
        let r = pyast::range(e);
        allowed.insert((r.start, r.end));
    };
    pyast::walk_body_exprs(body, &mut |e| match e {
        Expr::Subscript(_) if depth(e) == ndim && adapter::subscript_base(e) == Some(name) => {
            let mut x = e;
            while let Expr::Subscript(s) = x {
                x = s.value.as_ref();
            }
            allow(x);
        }
        Expr::Call(c) if pyast::name_of(&c.func) == Some("len") && c.args.len() == 1 && depth(&c.args[0]) < ndim && adapter::subscript_base(&c.args[0]) == Some(name) => {
            let mut x = &c.args[0];
            while let Expr::Subscript(s) = x {
                x = s.value.as_ref();
            }
            allow(x);
        }
        _ => {}
    });
    pyast::walk_stmts(body, &mut |s| match s {
        Stmt::Return(r) => match r.value.as_deref() {
            Some(v @ Expr::Name(_)) => allow(v),
            Some(Expr::Tuple(t)) => t.elts.iter().filter(|x| matches!(x, Expr::Name(_))).for_each(|x| allow(x)),
            _ => {}
        },
        Stmt::Assign(a) => {
            if let ([Expr::Tuple(_)], Expr::Tuple(v)) = (a.targets.as_slice(), a.value.as_ref()) {
                v.elts.iter().filter(|x| pyast::name_of(x).is_some_and(|n| copies.contains_key(n))).for_each(|x| allow(x));
            }
        }
        _ => {}
    });
    let mut ok = true;
    pyast::walk_body_exprs(body, &mut |e| {
        if let Expr::Name(n) = e {
            let r = pyast::range(e);
            if n.id.as_str() == name && matches!(n.ctx, ast::ExprContext::Load) && !allowed.contains(&(r.start, r.end)) {
                ok = false;
            }
        }
    });
    ok
}

/// A value stored into a copy is of its elements' type whatever the inputs are: `int` (an int
/// literal, an int local, an element of `bases`, `+ - * // %` of those, `len`, `int`, `abs`,
/// `min`, `max`) or a float (a float literal, true division, `float`, float `math` functions,
/// an element of `bases`, arithmetic with one of those). (Python's copy would hold the int 0
/// where the kernel's float array holds 0.0.)
fn of_elem_type(e: &Expr, bases: &BTreeSet<String>, int: bool, ints: &BTreeSet<String>) -> bool {
    let same = |x: &Expr| of_elem_type(x, bases, int, ints);
    match e {
        Expr::Constant(c) => matches!(c.value, ast::Constant::Int(_)) == int && matches!(c.value, ast::Constant::Int(_) | ast::Constant::Float(_)),
        Expr::Subscript(_) => adapter::subscript_base(e).is_some_and(|b| bases.contains(b)),
        Expr::Name(n) => int && ints.contains(n.id.as_str()),
        Expr::BinOp(b) if int => matches!(b.op, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv | ast::Operator::Mod) && same(&b.left) && same(&b.right),
        // (`x ** 0.5` of a negative float is complex in Python: a power only to an int literal)
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Pow) => same(&b.left) && matches!(b.right.as_ref(), Expr::Constant(c) if matches!(c.value, ast::Constant::Int(_))),
        Expr::BinOp(b) => matches!(b.op, ast::Operator::Div) || (!matches!(b.op, ast::Operator::MatMult | ast::Operator::BitAnd | ast::Operator::BitOr | ast::Operator::BitXor | ast::Operator::LShift | ast::Operator::RShift) && (same(&b.left) || same(&b.right))),
        Expr::UnaryOp(u) => matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) && same(&u.operand),
        Expr::IfExp(i) => same(&i.body) && same(&i.orelse),
        Expr::Call(c) if c.keywords.is_empty() => match pyast::dotted(&c.func).as_deref() {
            Some("abs") => c.args.len() == 1 && same(&c.args[0]),
            Some("min" | "max") => c.args.len() > 1 && c.args.iter().all(same),
            Some("len" | "int") => int && c.args.len() == 1,
            Some("float") => !int && c.args.len() == 1,
            Some(m) if m.starts_with("math.") => !int && !matches!(m, "math.floor" | "math.ceil" | "math.trunc" | "math.comb" | "math.perm" | "math.factorial" | "math.gcd" | "math.isqrt" | "math.isnan" | "math.isinf" | "math.isfinite"),
            _ => false,
        },
        _ => false,
    }
}

/// Why the copies cannot be arrays of their parameter's element type, if so: what the body
/// stores into them must be of that type (see `of_elem_type`).
fn copies_stores_fit(body: &[Stmt], copies: &ListCopies, params: &[ParamPlan]) -> Result<(), String> {
    let ints = int_locals(body);
    for (name, src) in &copies.names {
        let Some(Conv::List { int_elems, ints_too, as_float, .. }) = params.iter().find(|p| &p.name == src).map(|p| p.conv.clone()) else { continue };
        let bases: BTreeSet<String> = copies.names.iter().filter(|(_, s)| *s == src).map(|(n, _)| n.clone()).chain([src.clone()]).collect();
        let mut why: Option<String> = None;
        pyast::walk_stmts(body, &mut |s| {
            let (targets, value): (Vec<&Expr>, Option<&Expr>) = match s {
                Stmt::Assign(a) => (a.targets.iter().collect(), Some(a.value.as_ref())),
                Stmt::AugAssign(a) => (vec![a.target.as_ref()], Some(a.value.as_ref())),
                Stmt::AnnAssign(a) => (vec![a.target.as_ref()], a.value.as_deref()),
                _ => (vec![], None),
            };
            for t in targets {
                let into_copy = |x: &Expr| matches!(x, Expr::Subscript(_)) && adapter::subscript_base(x) == Some(name.as_str());
                let hit = into_copy(t) || matches!(t, Expr::Tuple(tu) if tu.elts.iter().any(into_copy));
                if !hit {
                    continue;
                }
                let op = match s {
                    Stmt::AugAssign(a) => Some(a.op.clone()),
                    _ => None,
                };
                let int_op = |o: &ast::Operator| matches!(o, ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::FloorDiv | ast::Operator::Mod);
                let fits = match (value, matches!(t, Expr::Tuple(_))) {
                    // ints or floats, or ints made floats: Python's copy keeps what it is given
                    (Some(_), false) if ints_too || (as_float && int_elems) => false,
                    (Some(v), false) if int_elems => op.as_ref().is_none_or(int_op) && of_elem_type(v, &bases, true, &ints),
                    // `a[i] += v` on a float element is a float whatever v is (a number)
                    (Some(v), false) => op.as_ref().map_or_else(|| of_elem_type(v, &bases, false, &ints), |o| int_op(o) || matches!(o, ast::Operator::Div)),
                    _ => false,
                };
                if !fits && why.is_none() {
                    why = Some(format!("`{name}`, a copy of the list `{src}`, is stored a value that may not be of its elements' type (Python's copy would hold it as it is, an array converts it)"));
                }
            }
        });
        if let Some(w) = why {
            return Err(w);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Vec<Stmt> {
        match pyast::parse_module(src, "m.py").unwrap().into_iter().next() {
            Some(Stmt::FunctionDef(d)) => d.body,
            _ => panic!("no def"),
        }
    }

    #[test]
    fn an_outer_loop_over_rows_of_a_numpy_output_is_parallel() {
        let b = body(
            "def conv(image, kernel):\n    ih, iw = image.shape\n    kh, kw = kernel.shape\n    out = np.zeros((ih - kh + 1, iw - kw + 1))\n    for i in range(ih - kh + 1):\n        for j in range(iw - kw + 1):\n            acc = 0.0\n            for u in range(kh):\n                for v in range(kw):\n                    acc += image[i + u, j + v] * kernel[u, v]\n            out[i, j] = acc\n    return out\n",
        );
        let allocs = numpy_allocations(&b);
        assert_eq!(allocs, vec!["out".to_string()]);
        let arrays: BTreeSet<String> = ["image", "kernel", "out"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parallel_loops(&b, &arrays).len(), 1);
        // a write to another row (out[j, i]) is not provably private to iteration i
        let b = body("def sym(a):\n    n = a.shape[0]\n    out = np.zeros((n, n))\n    for i in range(n):\n        for j in range(n):\n            out[i, j] = a[i, j]\n            out[j, i] = a[i, j]\n    return out\n");
        assert!(parallel_loops(&b, &["a".to_string(), "out".to_string()].into_iter().collect()).is_empty());
    }

    #[test]
    fn a_returned_parameter_is_the_callers_object_only_when_never_rebound() {
        assert_eq!(returned_param(&body("def f(a):\n    a[0] = 1.0\n    return a\n")), Some("a".to_string()));
        // a new array under the old name: the caller's object is not what comes back
        assert_eq!(returned_param(&body("def f(a):\n    a = a * 2.0\n    return a\n")), None);
        assert_eq!(returned_param(&body("def f(a, b):\n    if a[0] > 0:\n        return a\n    return b\n")), None);
        assert_eq!(returned_param(&body("def f(a):\n    a[0] = 1.0\n    return\n")), None);
    }
    #[test]
    fn characters_passed_to_ord_or_compared_with_literals_take_a_str_alone() {
        let src = "def f(text, key):\n    n = 0\n    for ch in text:\n        if 'a' <= ch <= 'z' or ch in \"!?\":\n            n += ord(ch) + key\n    return n\n";
        let b = body(src);
        let cands: BTreeSet<String> = ["text".to_string()].into_iter().collect();
        let t = text_params(&b, src, &cands);
        assert!(t.str_only && t.names.contains("text"));
        let mut edits = t.edits.clone();
        edits.sort_by_key(|e| e.range.start);
        let texts: Vec<&str> = edits.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, vec!["97", "122", "(33, 63,)", "ch"]);
        // only compared with each other: bytes and int lists too, nothing to edit
        let src = "def f(a, b):\n    k = 0\n    for i in range(len(a)):\n        if a[i] == b[i]:\n            k += 1\n    return k\n";
        let both: BTreeSet<String> = ["a".to_string(), "b".to_string()].into_iter().collect();
        let t = text_params(&body(src), src, &both);
        assert!(!t.str_only && t.edits.is_empty() && t.names.len() == 2);
        // a literal of two characters, or a character used as a number: no text
        for src in ["def f(s):\n    k = 0\n    for c in s:\n        if c == 'ab':\n            k += 1\n    return k\n", "def f(s):\n    k = 0\n    for c in s:\n        k += c\n    return k\n"] {
            let one: BTreeSet<String> = ["s".to_string()].into_iter().collect();
            assert!(text_params(&body(src), src, &one).names.is_empty(), "{src}");
        }
    }

    #[test]
    fn whole_copies_of_list_parameters_are_array_copies_and_shallow_ones_are_not() {
        use adapter::{Conv, ParamPlan};
        let plan = |name: &str, ndim: usize, int_elems: bool| ParamPlan { name: name.into(), conv: Conv::List { ndim, as_float: false, int_elems, ints_too: false, seq: 0 }, mutated: false, stores_non_ints: false, nd_too: false };
        let src = "def f(grid, steps):\n    a = [[r[:] for r in p] for p in grid]\n    b = [[list(r) for r in p] for p in grid]\n    for t in range(steps):\n        b[1][1][1] = a[1][1][1] * 0.5\n        a, b = b, a\n    return a\n";
        let b = body(src);
        let params = vec![plan("grid", 3, false)];
        let c = list_copies(&b, &params);
        assert_eq!(c.names.keys().cloned().collect::<Vec<_>>(), vec!["a".to_string(), "b".to_string()]);
        assert!(c.edits.iter().all(|e| e.text == "grid.copy()") && c.edits.len() == 2);
        assert!(copies_stores_fit(&b, &c, &params).is_ok());
        // an int grid's copy given a float: Python's copy holds the float, an int64 array cannot
        let ints = vec![plan("grid", 3, true)];
        assert!(copies_stores_fit(&b, &list_copies(&b, &ints), &ints).is_err());
        // rows shared with the parameter, a copy of too few levels, a row used as a list
        for src in [
            "def f(grid):\n    a = [r for r in grid]\n    a[0][0] = 1.0\n    return a\n",
            "def f(grid):\n    a = grid[:]\n    a[0][0] = 1.0\n    return a\n",
            "def f(grid):\n    a = [r[:] for r in grid]\n    return a[0] + a[1]\n",
            "def f(grid):\n    a = [r[:] for r in grid]\n    a = 3\n    return a\n",
        ] {
            assert!(list_copies(&body(src), &[plan("grid", 2, false)]).names.is_empty(), "{src}");
        }
    }

}
