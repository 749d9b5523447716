//! One file per subcommand. Each returns the process exit code: 0 done, 1 a negative verdict
//! where the command asks for one (`check`), 2 tool failure (as an `Err`).

pub mod check;
pub mod doctor;
pub mod eval;
pub mod pr;
pub mod review;
pub mod rewrite;
pub mod rules;
pub mod verify_branch;

use crate::cli::{Cli, Command, ModelAction};
use crate::printer::Printer;
use anyhow::Result;

pub fn run(cli: Cli) -> Result<i32> {
    let printer = Printer::new(cli.quiet);
    match cli.command {
        Command::Rewrite(a) => rewrite::run(a.config()?, &printer),
        Command::Check(a) => check::run(a.config()?, &printer),
        Command::Rules => rules::list(),
        Command::Rule { code, apply: None } => rules::show(&code),
        Command::Rule { code, apply: Some(target) } => rules::apply(&code, &target),
        Command::Doctor(a) => doctor::run(a, &printer),
        Command::Eval(a) => eval::run(a.config()?, &printer),
        Command::Review(a) => review::run(a, &printer),
        Command::Pr(a) => pr::run(a, &printer),
        Command::Report(a) => rewrite::report(&a.report, a.html.as_deref(), &printer),
        Command::MergeReports(a) => rewrite::merge_reports(&a.reports, &printer),
        Command::Verify(a) => verify_branch::run(a.config()?, &printer),
        Command::Model { action } => match action {
            ModelAction::List => crate::propose::local_model::model_list(),
            ModelAction::Fetch { name } => crate::propose::local_model::model_fetch(name.as_deref(), &printer),
        },
    }
}
