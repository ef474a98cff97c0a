//! A command in a real pseudo-terminal: a tmux session, its screen as text, keys and
//! typed text as an input method delivers them.

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session running one command, killed when dropped.
pub struct Pane {
    name: String,
}

impl Pane {
    pub fn start(shell_command: &str, width: u16, height: u16) -> Pane {
        let name = format!("sou-test-{}-{}", std::process::id(), rand_suffix());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", &width.to_string(), "-y", &height.to_string()])
            .args(["-e", "LANG=C.UTF-8", "-e", "NO_COLOR=", "-e", "PAGER=cat"])
            .arg(shell_command)
            .status()
            .expect("tmux (apt-get install tmux)");
        assert!(status.success(), "tmux new-session failed");
        Pane { name }
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux").args(["send-keys", "-t", &self.name]).args(keys).status().expect("tmux");
        assert!(status.success());
    }

    /// Types text literally, as an input method hands it over.
    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux").args(["send-keys", "-t", &self.name, "-l", text]).status().expect("tmux");
        assert!(status.success());
    }

    /// The rank of the highlighted row of the hit list (the selected style: a blue
    /// background).
    pub fn selected_rank(&self) -> Option<usize> {
        let out = Command::new("tmux").args(["capture-pane", "-e", "-p", "-t", &self.name]).output().expect("tmux");
        let screen = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = screen.lines().find(|l| l.starts_with('│') && l.contains("\u{1b}[48;5;4m"))?;
        let plain = sou::sanitize::clean(line);
        plain.trim_start_matches('│').split_whitespace().next()?.parse().ok()
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.name]).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `pred`, or fails with the screen.
    pub fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "waiting for {what}; the screen:\n{s}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).status();
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() % 1_000_000)
}
