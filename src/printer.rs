//! All human output goes through here, to stderr: steps, warnings, progress bars.
//! stdout is reserved for data (diffs, JSON). Progress bars hide themselves when stderr is
//! not a terminal, and then the plain lines carry the progress instead.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Clone)]
pub struct Printer {
    quiet: bool,
    tty: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Self {
        Printer { quiet, tty: std::io::stderr().is_terminal() }
    }

    /// A printer that prints nothing (library use, tests).
    pub fn silent() -> Self {
        Printer { quiet: true, tty: false }
    }

    /// Progress bars are drawn (not quiet, stderr is a terminal).
    pub fn is_interactive(&self) -> bool {
        !self.quiet && self.tty
    }

    pub fn step(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    pub fn warn(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", msg.as_ref());
        }
    }

    /// A bar over `len` items. Hidden when quiet or not a terminal.
    pub fn bar(&self, len: u64, prefix: &str) -> ProgressBar {
        if self.quiet || !self.tty {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{prefix:>10.cyan.bold} [{bar:30}] {pos}/{len} {elapsed} {wide_msg}")
                .unwrap()
                .progress_chars("=> "),
        );
        pb.set_prefix(prefix.to_string());
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    }

    pub fn spinner(&self, msg: &str) -> ProgressBar {
        if self.quiet || !self.tty {
            self.step(msg);
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed}").unwrap());
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    }

    /// Print a line without tearing an active bar.
    pub fn line(&self, pb: &ProgressBar, msg: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        if pb.is_hidden() {
            eprintln!("{}", msg.as_ref());
        } else {
            pb.println(msg.as_ref());
        }
    }
}
