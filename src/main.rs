//! The `aiaccel` binary: parse arguments, run the command, print the error chain, exit code.

use clap::Parser;

fn main() {
    let cli = aiaccel::cli::Cli::parse();
    match aiaccel::commands::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("{}", aiaccel::printer::render_error(&e));
            std::process::exit(2);
        }
    }
}
