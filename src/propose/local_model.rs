//! Glue between the commands and the local-model proposer (`propose::llm`): picks the model,
//! fetches it on first use, and hands back a boxed `Proposer`.

use super::Proposer;
use crate::printer::Printer;
use anyhow::Result;
use std::path::Path;

/// The LLM proposer for `rewrite`, or `Ok(None)` when this build has none.
pub fn proposer_from_args(_model: Option<&Path>, _printer: &Printer) -> Result<Option<Box<dyn Proposer>>> {
    anyhow::bail!("this build of aiaccel has no local model support yet")
}
