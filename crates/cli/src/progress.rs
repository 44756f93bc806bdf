//! The one place progress is shown: a spinner on standard error with a message (and a
//! running count when there is something to count), drawn only when standard error is
//! a terminal and `--quiet` is off.
//!
//! One [`Progress`] per long step; dropping it erases the spinner, so an error line is
//! never printed under a half-drawn bar; warnings are printed once the step is over.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the spinner redraws, at most.
const REFRESH_PER_SECOND: u8 = 10;

/// Progress of one long step (reading rows, counting pairs).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A step that counts something: `message` followed by a count from zero.
    pub fn counting(quiet: bool, message: &'static str) -> Self {
        Self::start(quiet, message, "{spinner} {msg} {human_pos} [{elapsed}]")
    }

    /// A step with no count to show.
    pub fn step(quiet: bool, message: &'static str) -> Self {
        Self::start(quiet, message, "{spinner} {msg} [{elapsed}]")
    }

    /// A progress display that never draws (unit tests of the readers).
    #[cfg(test)]
    pub fn hidden() -> Self {
        Self::start(true, "", "")
    }

    fn start(quiet: bool, message: &'static str, template: &str) -> Self {
        // `stderr_with_hz` draws nothing when standard error is not a terminal.
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr_with_hz(REFRESH_PER_SECOND)
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template(template).expect("the progress templates are valid"),
        );
        bar.set_message(message);
        if !quiet {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        Progress { bar }
    }

    /// Sets the running count.
    pub fn set_count(&self, count: u64) {
        self.bar.set_position(count);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
