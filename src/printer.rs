//! All human output goes through here, to stderr: steps, warnings, progress bars.
//! stdout is reserved for data (diffs, JSON). Progress bars hide themselves when stderr is
//! not a terminal, and then the plain lines carry the progress instead.
//!
//! Every bar (the command's, the model fetcher's, the model's generation bar) is drawn by one
//! `MultiProgress`, and lines are printed with the bars suspended, so that nothing tears.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Clone)]
pub struct Printer {
    quiet: bool,
    tty: bool,
    bars: MultiProgress,
}

impl Printer {
    pub fn new(quiet: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let target = if !quiet && tty { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        Printer { quiet, tty, bars: MultiProgress::with_draw_target(target) }
    }

    /// A printer that prints nothing (library use, tests).
    pub fn silent() -> Self {
        Printer { quiet: true, tty: false, bars: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()) }
    }

    /// Progress bars are drawn (not quiet, stderr is a terminal).
    pub fn is_interactive(&self) -> bool {
        !self.quiet && self.tty
    }

    /// Where other modules' bars go (the model fetcher, the model's generation), when bars are
    /// drawn at all.
    pub fn bars(&self) -> Option<MultiProgress> {
        self.is_interactive().then(|| self.bars.clone())
    }

    /// Print on stderr without tearing a drawn bar.
    fn print(&self, text: &str) {
        if self.is_interactive() {
            self.bars.suspend(|| eprintln!("{text}"));
        } else {
            eprintln!("{text}");
        }
    }

    pub fn step(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            self.print(msg.as_ref());
        }
    }

    pub fn warn(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            self.print(&format!("warning: {}", msg.as_ref()));
        }
    }

    /// A bar over `len` items. Hidden when quiet or not a terminal.
    pub fn bar(&self, len: u64, prefix: &str) -> ProgressBar {
        if !self.is_interactive() {
            return ProgressBar::hidden();
        }
        let pb = self.bars.add(ProgressBar::new(len));
        pb.set_style(
            ProgressStyle::with_template("{prefix:>10.cyan.bold} [{bar:30}] {pos}/{len} {elapsed} (eta {eta}) {wide_msg}")
                .unwrap()
                .progress_chars("=> "),
        );
        pb.set_prefix(prefix.to_string());
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    }

    pub fn spinner(&self, msg: &str) -> ProgressBar {
        if !self.is_interactive() {
            self.step(msg);
            return ProgressBar::hidden();
        }
        let pb = self.bars.add(ProgressBar::new_spinner());
        pb.set_style(ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed}").unwrap());
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    }

    /// Print a line without tearing an active bar.
    pub fn line(&self, _pb: &ProgressBar, msg: impl AsRef<str>) {
        if !self.quiet {
            self.print(msg.as_ref());
        }
    }
}

/// An error as people read it: `error: ...`, one `  Caused by: ...` line per cause, and the
/// hints last, after everything they are about (uv does this). A hint is written into a message
/// as `"...\nhint: ..."` (or a whole context message `"hint: ..."`), wherever in the chain.
pub fn render_error(e: &anyhow::Error) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut hints: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let (body, hint) = match text.strip_prefix("hint: ") {
            Some(h) => ("", Some(h)),
            None => match text.split_once("\nhint: ") {
                Some((b, h)) => (b, Some(h)),
                None => (text.as_str(), None),
            },
        };
        if let Some(h) = hint {
            if !hints.iter().any(|x| x == h) {
                hints.push(h.to_string());
            }
        }
        if !body.is_empty() {
            lines.push(if lines.is_empty() { format!("error: {body}") } else { format!("  Caused by: {body}") });
        }
    }
    if lines.is_empty() {
        lines.push("error: (no message)".into());
    }
    lines.extend(hints.iter().map(|h| format!("hint: {h}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::render_error;
    use anyhow::anyhow;

    #[test]
    fn the_cause_comes_first_and_the_hint_last() {
        let e = anyhow!("No such file or directory (os error 2)").context("the Python interpreter from --python (/missing) does not work\nhint: pass a working interpreter with --python PATH");
        assert_eq!(
            render_error(&e),
            "error: the Python interpreter from --python (/missing) does not work\n  Caused by: No such file or directory (os error 2)\nhint: pass a working interpreter with --python PATH"
        );
        // a hint given as a context of its own still goes last
        let e = anyhow!("inner").context("outer").context("hint: do this");
        assert_eq!(render_error(&e), "error: outer\n  Caused by: inner\nhint: do this");
        let e = anyhow!("plain");
        assert_eq!(render_error(&e), "error: plain");
    }
}
