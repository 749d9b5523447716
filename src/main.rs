//! The `aiaccel` binary: parse arguments, run the command, print the error chain, exit code.

use clap::Parser;

fn main() {
    let cli = aiaccel::cli::Cli::parse();
    match aiaccel::commands::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            let mut msg = format!("error: {e}");
            let mut hint = None;
            for cause in e.chain().skip(1) {
                let s = cause.to_string();
                if let Some(h) = s.strip_prefix("hint: ") {
                    hint = Some(h.to_string());
                } else {
                    msg.push_str(&format!("\n  Caused by: {s}"));
                }
            }
            // hints embedded in the message itself
            let (body, inline_hint) = match msg.split_once("\nhint: ") {
                Some((b, h)) => (b.to_string(), Some(h.to_string())),
                None => (msg, None),
            };
            eprintln!("{body}");
            if let Some(h) = hint.or(inline_hint) {
                eprintln!("hint: {h}");
            }
            std::process::exit(2);
        }
    }
}
