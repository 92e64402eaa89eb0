//! One line per step: `[ 3/15] create the service principal of the app … done (0.2 s)`. Also keeps
//! count of what changed, so a run that changed nothing can say so.

use std::future::Future;
use std::io::Write;
use std::time::Instant;

pub const STEPS: u8 = 15;

/// How a step ended.
pub enum Outcome {
    /// Made or changed something in Azure or the control plane.
    Changed(String),
    /// Did something that changes nothing (a read, a sign-in).
    Done(String),
    /// Waited for the control plane to move the connection on.
    Waited(String),
    /// Found what it would have made.
    AlreadyDone(String),
    /// Dry run: what it would do.
    Would(String),
}

#[derive(Default)]
pub struct Progress {
    changed: usize,
    waited: bool,
    would: usize,
}

impl Progress {
    /// Runs one step, printing its title first and its outcome when it ends, so a long wait shows
    /// what it waits for.
    pub async fn step<T>(
        &mut self,
        n: u8,
        title: &str,
        work: impl Future<Output = anyhow::Result<(Outcome, T)>>,
    ) -> anyhow::Result<T> {
        print!("[{n:>2}/{STEPS}] {title} … ");
        let _ = std::io::stdout().flush();
        let started = Instant::now();
        match work.await {
            Ok((outcome, value)) => {
                self.finish(outcome, started);
                Ok(value)
            }
            Err(e) => {
                println!("failed ({:.1} s)", started.elapsed().as_secs_f64());
                // The reason first, then the step it stopped at.
                Err(anyhow::anyhow!("{e:#}\n(stopped at step {n}/{STEPS}: {title}; run again once it is fixed)"))
            }
        }
    }

    /// A step whose work already happened (the sign-in, which prints its own prompt first).
    pub fn line(&mut self, n: u8, title: &str, outcome: Outcome, started: Instant) {
        print!("[{n:>2}/{STEPS}] {title} … ");
        self.finish(outcome, started);
    }

    fn finish(&mut self, outcome: Outcome, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        let with = |d: &str| if d.is_empty() { String::new() } else { format!(": {d}") };
        match outcome {
            Outcome::Changed(d) => {
                self.changed += 1;
                println!("done ({secs:.1} s){}", with(&d));
            }
            Outcome::Done(d) => println!("done ({secs:.1} s){}", with(&d)),
            Outcome::Waited(d) => {
                self.waited = true;
                println!("done ({secs:.1} s){}", with(&d));
            }
            Outcome::AlreadyDone(d) => println!("already done{}", with(&d)),
            Outcome::Would(d) => {
                self.would += 1;
                println!("would {d}");
            }
        }
        let _ = std::io::stdout().flush();
    }

    pub fn changed(&self) -> usize {
        self.changed
    }

    pub fn waited(&self) -> bool {
        self.waited
    }

    pub fn would(&self) -> usize {
        self.would
    }
}
