use serde::Serialize;
use std::ops::Range;

/// How a function is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FunctionKind {
    /// A module-level `def`.
    Plain,
    /// A method taking `self`.
    Method,
    StaticMethod,
    ClassMethod,
}

/// What aiaccel infers a parameter holds, from annotations, defaults and how the body uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamShape {
    /// Used as `range(n)` bound or size: a non-negative int.
    Size,
    Int,
    Float,
    Bool,
    /// A flat sequence of numbers (indexed once, iterated, `len`).
    FloatList,
    IntList,
    /// Indexed twice: a rectangular list of lists.
    FloatMatrix,
    IntMatrix,
    /// Indexed three times.
    FloatCube,
    /// A NumPy array (the annotation says so, or it is used as one: `.shape`, `a[i, j]`);
    /// dims as used.
    Array1,
    Array2,
    Array3,
    Str,
    Bytes,
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    pub annotation: Option<String>,
    /// Source text of the default value, if any.
    pub default: Option<String>,
    pub shape: ParamShape,
    /// `*args` / `**kwargs` / keyword-only: aiaccel does not generate inputs for those.
    pub variadic: bool,
}

/// A function found in the HEAD snapshot that may be worth accelerating.
#[derive(Debug, Clone, Serialize)]
pub struct Function {
    /// Repo-relative path with forward slashes: `pkg/signals.py`.
    pub path: String,
    /// Importable module name: `pkg.signals`.
    pub module: String,
    /// `moving_average` or `Grid.step`.
    pub qualname: String,
    pub name: String,
    pub kind: FunctionKind,
    /// Byte range in the module text: whole lines, decorators included.
    #[serde(skip)]
    pub range: Range<usize>,
    /// Indentation of the `def` line.
    pub indent: String,
    /// 1-based line of the `def` (or its first decorator).
    pub line: usize,
    /// The function's text (the bytes of `range`).
    pub source: String,
    pub params: Vec<Param>,
    /// A method's attributes of `self` with their shapes, where it uses `self` only to read
    /// them (`method::plain_form`): the verifier builds instances from these. Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub self_attrs: Vec<Param>,
    /// Parameters that are lists of records the function loops over (`records::records_form`),
    /// each with its records' attributes and their shapes: the verifier generates such lists.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub record_attrs: Vec<(String, Vec<Param>)>,
    /// Its module imports NumPy: its list-indexed parameters may be ndarrays there, so the fast
    /// path takes an ndarray of the same dims and element type as well, and the verifier
    /// generates both.
    #[serde(default)]
    pub numpy_module: bool,
    /// Has a `return <value>` statement.
    pub returns_value: bool,
    /// Loop nesting depth (1 = a single loop).
    pub loop_depth: usize,
    /// Ranking score: higher is more promising.
    pub score: f64,
    /// Why it was kept, for the report ("2 nested loops, numeric ops").
    pub reasons: Vec<String>,
}

impl Function {
    /// `pkg.signals:moving_average`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.module, self.qualname)
    }
}
