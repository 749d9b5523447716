//! Small helpers over rustpython-parser's AST: parsing, walking, byte ranges.
//! Read-only: nothing here edits source text.

pub use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::Parse;
use std::ops::Range;

/// How deep statements and expressions may nest. CPython gives up near 3000 levels ("maximum
/// recursion depth exceeded during compilation") and at 200 nested brackets; aiaccel's analyses
/// recurse once per level, so deeper text is a syntax error here rather than a stack overflow.
pub const MAX_NESTING: usize = 1000;

/// Parse a module. The error is a one-line, human message with the line number.
///
/// The parser and the tree's destructor recurse once per nesting level, and only the length of
/// the text bounds the nesting (`x = ----...1`), so the parse runs on a thread whose stack fits
/// the text; a tree nested deeper than [`MAX_NESTING`] is dropped there and never returned.
pub fn parse_module(src: &str, path: &str) -> Result<Vec<Stmt>, String> {
    let stack = (16 << 20) + src.len().saturating_mul(1024).min(2 << 30);
    let parse = || {
        let line = |offset: usize| src[..offset.min(src.len())].matches('\n').count() + 1;
        let suite = ast::Suite::parse(src, path).map_err(|e| format!("syntax error at line {}: {}", line(e.offset.to_usize()), e.error))?;
        let mut depth = NestingLimit { depth: 0 };
        let checked: Result<Vec<Stmt>, usize> = suite.into_iter().map(|s| ast::fold::Fold::fold_stmt(&mut depth, s)).collect();
        checked.map_err(|at| format!("syntax error at line {}: nested more than {MAX_NESTING} levels deep", line(at)))
    };
    std::thread::scope(|scope| match std::thread::Builder::new().name("aiaccel-parse".into()).stack_size(stack).spawn_scoped(scope, parse) {
        Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        Err(e) => Err(format!("could not start a parser thread: {e}")),
    })
}

/// Rebuilds a tree unchanged, failing (with the byte offset) below [`MAX_NESTING`] levels.
struct NestingLimit {
    depth: usize,
}

impl NestingLimit {
    fn enter(&mut self, node: &impl Ranged) -> Result<(), usize> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(node.range().start().to_usize());
        }
        Ok(())
    }
}

// Every recursive path through the tree passes through a statement, an expression or a pattern.
impl ast::fold::Fold<ast::text_size::TextRange> for NestingLimit {
    type TargetU = ast::text_size::TextRange;
    type Error = usize;
    type UserContext = ();

    fn will_map_user(&mut self, _: &ast::text_size::TextRange) {}

    fn map_user(&mut self, user: ast::text_size::TextRange, _: ()) -> Result<ast::text_size::TextRange, usize> {
        Ok(user)
    }

    fn fold_stmt(&mut self, node: Stmt) -> Result<Stmt, usize> {
        self.enter(&node)?;
        let out = ast::fold::fold_stmt(self, node);
        self.depth -= 1;
        out
    }

    fn fold_expr(&mut self, node: Expr) -> Result<Expr, usize> {
        self.enter(&node)?;
        let out = ast::fold::fold_expr(self, node);
        self.depth -= 1;
        out
    }

    fn fold_pattern(&mut self, node: ast::Pattern) -> Result<ast::Pattern, usize> {
        self.enter(&node)?;
        let out = ast::fold::fold_pattern(self, node);
        self.depth -= 1;
        out
    }
}

pub fn range<T: Ranged>(node: &T) -> Range<usize> {
    let r = node.range();
    r.start().to_usize()..r.end().to_usize()
}

pub fn text<'a, T: Ranged>(src: &'a str, node: &T) -> &'a str {
    &src[range(node)]
}

/// Direct sub-expressions of an expression (lambdas and comprehensions included).
pub fn expr_children(e: &Expr) -> Vec<&Expr> {
    let mut v: Vec<&Expr> = Vec::new();
    match e {
        Expr::BoolOp(x) => v.extend(x.values.iter()),
        Expr::NamedExpr(x) => {
            v.push(&x.target);
            v.push(&x.value)
        }
        Expr::BinOp(x) => {
            v.push(&x.left);
            v.push(&x.right)
        }
        Expr::UnaryOp(x) => v.push(&x.operand),
        Expr::Lambda(x) => v.push(&x.body),
        Expr::IfExp(x) => {
            v.push(&x.test);
            v.push(&x.body);
            v.push(&x.orelse)
        }
        Expr::Dict(x) => {
            v.extend(x.keys.iter().flatten());
            v.extend(x.values.iter())
        }
        Expr::Set(x) => v.extend(x.elts.iter()),
        Expr::ListComp(x) => {
            v.push(&x.elt);
            comp(&x.generators, &mut v)
        }
        Expr::SetComp(x) => {
            v.push(&x.elt);
            comp(&x.generators, &mut v)
        }
        Expr::DictComp(x) => {
            v.push(&x.key);
            v.push(&x.value);
            comp(&x.generators, &mut v)
        }
        Expr::GeneratorExp(x) => {
            v.push(&x.elt);
            comp(&x.generators, &mut v)
        }
        Expr::Await(x) => v.push(&x.value),
        Expr::Yield(x) => v.extend(x.value.as_deref()),
        Expr::YieldFrom(x) => v.push(&x.value),
        Expr::Compare(x) => {
            v.push(&x.left);
            v.extend(x.comparators.iter())
        }
        Expr::Call(x) => {
            v.push(&x.func);
            v.extend(x.args.iter());
            v.extend(x.keywords.iter().map(|k| &k.value))
        }
        Expr::FormattedValue(x) => {
            v.push(&x.value);
            v.extend(x.format_spec.as_deref())
        }
        Expr::JoinedStr(x) => v.extend(x.values.iter()),
        Expr::Constant(_) | Expr::Name(_) => {}
        Expr::Attribute(x) => v.push(&x.value),
        Expr::Subscript(x) => {
            v.push(&x.value);
            v.push(&x.slice)
        }
        Expr::Starred(x) => v.push(&x.value),
        Expr::List(x) => v.extend(x.elts.iter()),
        Expr::Tuple(x) => v.extend(x.elts.iter()),
        Expr::Slice(x) => {
            v.extend(x.lower.as_deref());
            v.extend(x.upper.as_deref());
            v.extend(x.step.as_deref())
        }
    }
    v
}

fn comp<'a>(gens: &'a [ast::Comprehension], v: &mut Vec<&'a Expr>) {
    for g in gens {
        v.push(&g.target);
        v.push(&g.iter);
        v.extend(g.ifs.iter());
    }
}

/// Pre-order walk over an expression and all its sub-expressions.
pub fn walk_expr<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    for c in expr_children(e) {
        walk_expr(c, f);
    }
}

/// Expressions directly owned by a statement (not those of nested statements).
pub fn stmt_exprs(s: &Stmt) -> Vec<&Expr> {
    let mut v: Vec<&Expr> = Vec::new();
    match s {
        Stmt::FunctionDef(x) => {
            v.extend(x.decorator_list.iter());
            v.extend(x.args.defaults());
        }
        Stmt::AsyncFunctionDef(x) => v.extend(x.decorator_list.iter()),
        Stmt::ClassDef(x) => {
            v.extend(x.bases.iter());
            v.extend(x.decorator_list.iter())
        }
        Stmt::Return(x) => v.extend(x.value.as_deref()),
        Stmt::Delete(x) => v.extend(x.targets.iter()),
        Stmt::Assign(x) => {
            v.extend(x.targets.iter());
            v.push(&x.value)
        }
        Stmt::TypeAlias(x) => v.push(&x.value),
        Stmt::AugAssign(x) => {
            v.push(&x.target);
            v.push(&x.value)
        }
        Stmt::AnnAssign(x) => {
            v.push(&x.target);
            v.extend(x.value.as_deref())
        }
        Stmt::For(x) => {
            v.push(&x.target);
            v.push(&x.iter)
        }
        Stmt::AsyncFor(x) => {
            v.push(&x.target);
            v.push(&x.iter)
        }
        Stmt::While(x) => v.push(&x.test),
        Stmt::If(x) => v.push(&x.test),
        Stmt::With(x) => {
            for i in &x.items {
                v.push(&i.context_expr);
                v.extend(i.optional_vars.as_deref());
            }
        }
        Stmt::AsyncWith(x) => {
            for i in &x.items {
                v.push(&i.context_expr);
            }
        }
        Stmt::Match(x) => v.push(&x.subject),
        Stmt::Raise(x) => {
            v.extend(x.exc.as_deref());
            v.extend(x.cause.as_deref())
        }
        Stmt::Try(x) => {
            for h in &x.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.extend(h.type_.as_deref());
            }
        }
        Stmt::TryStar(_) => {}
        Stmt::Assert(x) => {
            v.push(&x.test);
            v.extend(x.msg.as_deref())
        }
        Stmt::Expr(x) => v.push(&x.value),
        _ => {}
    }
    v
}

/// Nested statement blocks of a statement (bodies of loops, ifs, try ...). Function and class
/// bodies are included: callers that must not descend into them check the statement kind.
pub fn stmt_blocks(s: &Stmt) -> Vec<&[Stmt]> {
    match s {
        Stmt::FunctionDef(x) => vec![&x.body],
        Stmt::AsyncFunctionDef(x) => vec![&x.body],
        Stmt::ClassDef(x) => vec![&x.body],
        Stmt::For(x) => vec![&x.body, &x.orelse],
        Stmt::AsyncFor(x) => vec![&x.body, &x.orelse],
        Stmt::While(x) => vec![&x.body, &x.orelse],
        Stmt::If(x) => vec![&x.body, &x.orelse],
        Stmt::With(x) => vec![&x.body],
        Stmt::AsyncWith(x) => vec![&x.body],
        Stmt::Match(x) => x.cases.iter().map(|c| c.body.as_slice()).collect(),
        Stmt::Try(x) => {
            let mut v: Vec<&[Stmt]> = vec![&x.body, &x.orelse, &x.finalbody];
            for h in &x.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v
        }
        Stmt::TryStar(x) => {
            let mut v: Vec<&[Stmt]> = vec![&x.body, &x.orelse, &x.finalbody];
            for h in &x.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v
        }
        _ => vec![],
    }
}

/// Walk statements in order, descending into blocks but not into nested defs/classes.
pub fn walk_stmts<'a>(stmts: &'a [Stmt], f: &mut dyn FnMut(&'a Stmt)) {
    for s in stmts {
        f(s);
        if matches!(s, Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_)) {
            continue;
        }
        for b in stmt_blocks(s) {
            walk_stmts(b, f);
        }
    }
}

/// Every expression in a body (not inside nested defs/classes), pre-order.
pub fn walk_body_exprs<'a>(stmts: &'a [Stmt], f: &mut dyn FnMut(&'a Expr)) {
    walk_stmts(stmts, &mut |s| {
        if matches!(s, Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_)) {
            return;
        }
        for e in stmt_exprs(s) {
            walk_expr(e, f);
        }
    });
}

/// `name` if the expression is a plain name.
pub fn name_of(e: &Expr) -> Option<&str> {
    match e {
        Expr::Name(n) => Some(n.id.as_str()),
        _ => None,
    }
}

/// Dotted name of a call target: `math.sqrt`, `range`, `np.zeros`.
pub fn dotted(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => dotted(&a.value).map(|b| format!("{b}.{}", a.attr)),
        _ => None,
    }
}

/// The start of the line containing byte `pos`.
pub fn line_start(src: &str, pos: usize) -> usize {
    src[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// The end of the line containing byte `pos` (after its newline, or the end of the text).
pub fn line_end(src: &str, pos: usize) -> usize {
    if pos == 0 {
        return src.find('\n').map(|i| i + 1).unwrap_or(src.len());
    }
    // bytes, not chars: `pos - 1` may fall inside the last character of a node (`return α`)
    src.as_bytes()[pos - 1..].iter().position(|&b| b == b'\n').map(|i| pos + i).unwrap_or(src.len())
}

/// 1-based line number of byte `pos`.
pub fn line_of(src: &str, pos: usize) -> usize {
    src[..pos].matches('\n').count() + 1
}

/// The byte range of a def statement as whole lines, decorators included, comments after the
/// last statement excluded.
pub fn def_lines(src: &str, def: &Stmt) -> Range<usize> {
    let mut start = range(def).start;
    let decorators: &[Expr] = match def {
        Stmt::FunctionDef(f) => &f.decorator_list,
        Stmt::AsyncFunctionDef(f) => &f.decorator_list,
        Stmt::ClassDef(c) => &c.decorator_list,
        _ => &[],
    };
    for d in decorators {
        start = start.min(range(d).start);
    }
    let start = line_start(src, start);
    let end = line_end(src, range(def).end);
    start..end
}

/// `xs[:]`, `list(xs)`, `xs.copy()`, `[v for v in xs]`, and comprehensions of those over the
/// rows (`[r[:] for r in m]`): the list copied and how many levels of it are new lists.
pub fn list_copy_of(e: &Expr) -> Option<(String, usize)> {
    match e {
        Expr::Subscript(s) => {
            let full = matches!(s.slice.as_ref(), Expr::Slice(sl) if sl.lower.is_none() && sl.upper.is_none() && sl.step.is_none());
            (full && matches!(s.ctx, ast::ExprContext::Load)).then(|| name_of(&s.value).map(|n| (n.to_string(), 1))).flatten()
        }
        Expr::Call(c) if c.keywords.is_empty() => match (c.func.as_ref(), c.args.as_slice()) {
            (Expr::Name(f), [arg]) if f.id.as_str() == "list" => name_of(arg).map(|n| (n.to_string(), 1)),
            (Expr::Attribute(a), []) if a.attr.as_str() == "copy" => name_of(&a.value).map(|n| (n.to_string(), 1)),
            _ => None,
        },
        Expr::ListComp(l) if l.generators.len() == 1 && l.generators[0].ifs.is_empty() && !l.generators[0].is_async => {
            let g = &l.generators[0];
            let (target, source) = (name_of(&g.target)?, name_of(&g.iter)?);
            if name_of(&l.elt) == Some(target) {
                return Some((source.to_string(), 1));
            }
            let (inner, levels) = list_copy_of(&l.elt)?;
            (inner == target).then(|| (source.to_string(), levels + 1))
        }
        _ => None,
    }
}


/// One replacement of a byte range of a module's text (module offsets); an empty range is an
/// insertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: std::ops::Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn new(range: std::ops::Range<usize>, text: impl Into<String>) -> Edit {
        Edit { range, text: text.into() }
    }
}

/// `text` (module bytes from offset `base` on) with `edits` applied, or the first two that
/// overlap. An insertion at the start of a replaced range lands before the replacement, one at
/// its end after it, so `f(` + `a / b`→`a, b` + `)` compose:
/// ```text
/// "x = a / b"  [4..4 "f(", 6..7 ",", 9..9 ")"]  ->  "x = f(a , b)"
/// ```
pub fn apply_edits(text: &str, base: usize, edits: &[Edit]) -> Result<String, String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (std::cmp::Reverse(e.range.start), std::cmp::Reverse(e.range.end)));
    for w in sorted.windows(2) {
        let (later, earlier) = (w[0], w[1]);
        if earlier.range.end > later.range.start {
            return Err(format!("two rewrites overlap: {:?} -> {:?} and {:?} -> {:?}", earlier.range, earlier.text, later.range, later.text));
        }
    }
    let mut out = text.to_string();
    for e in sorted {
        if e.range.start < base || e.range.end > base + text.len() {
            return Err(format!("a rewrite of {:?} lies outside the text ({}..{})", e.range, base, base + text.len()));
        }
        out.replace_range(e.range.start - base..e.range.end - base, &e.text);
    }
    Ok(out)
}

/// Remove the common leading indentation of all non-blank lines.
pub fn dedent(text: &str) -> String {
    // a form feed in the indentation resets Python's column count: what precedes it is no indent
    fn after_form_feed(l: &str) -> &str {
        let ws = &l[..l.len() - l.trim_start().len()];
        ws.rfind('\x0c').map_or(l, |i| &l[i + 1..])
    }
    let indent = text
        .lines()
        .map(after_form_feed)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for l in text.lines().map(after_form_feed) {
        // `indent` counts bytes of Unicode whitespace: a line indented with `\u{a0}` (two bytes)
        // may have no char boundary there, so cut at the last one before it
        let mut cut = indent.min(l.len() - l.trim_start().len());
        while !l.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&l[cut..]);
        out.push('\n');
    }
    out
}
