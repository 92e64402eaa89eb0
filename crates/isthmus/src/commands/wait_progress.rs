//! How a wait looks: a spinner with the connection's state and the time waited on a terminal, one
//! line per change otherwise. Used by `vpc … --wait` and `azure connect` (steps 12 and 15).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// A spinner with the state and the time waited when stderr is a terminal, otherwise one line per
/// change. `prefix` (a step's title) is drawn before it and printed again when it ends, for
/// callers whose line the spinner takes over.
pub struct Progress {
    bar: Option<ProgressBar>,
    target: String,
    prefix: Option<String>,
    start: Instant,
    last: String,
}

impl Progress {
    pub fn new(target: &str, prefix: Option<String>, start: Instant) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            let template = match &prefix {
                Some(p) => format!("\r{} {{spinner}} {{msg}} [{{elapsed}}]", p.replace('{', "{{").replace('}', "}}")),
                None => "{spinner} {msg} [{elapsed}]".to_string(),
            };
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(100));
            bar.set_message(format!("waiting for {target}"));
            bar
        });
        Progress { bar, target: target.to_string(), prefix, start, last: String::new() }
    }

    pub fn state(&mut self, state: &str) {
        let target = &self.target;
        let line = if target.contains(state) && !state.is_empty() {
            state.to_string()
        } else {
            format!("{state}, waiting for {target}")
        };
        self.show(line);
    }

    /// A line that stays, printed above the spinner.
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("[{:>5.1} s] {line}", self.start.elapsed().as_secs_f64()),
        }
    }

    fn show(&mut self, line: String) {
        if line == self.last {
            return;
        }
        match (&self.bar, &self.prefix) {
            (Some(bar), _) => bar.set_message(line.clone()),
            // Off a terminal, a step's own line says how its wait ended; no lines in between.
            (None, Some(_)) => {}
            (None, None) => eprintln!("[{:>5.1} s] {line}", self.start.elapsed().as_secs_f64()),
        }
        self.last = line;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            if let Some(p) = &self.prefix {
                // The spinner's line replaced the step's title: put it back for the outcome.
                print!("{p} ");
                let _ = std::io::Write::flush(&mut std::io::stdout());
            }
        }
    }
}
