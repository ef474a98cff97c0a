//! `sou search -i` in a real pseudo-terminal (tmux): Chinese typed as UTF-8 input as an
//! input method delivers it, the count and the first title on screen, the selection,
//! the filter panel choosing a source, quitting with the terminal restored and the
//! printed command line reproducing the count; and `--print` in a pipeline.

mod common;

use std::path::Path;

use common::tmux::Pane;
use common::*;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_sou")
}

fn count(index: &Path, args: &[&str]) -> usize {
    let mut all = vec!["search"];
    all.extend(args);
    all.push("--count");
    run(index, &all).1.trim().parse().expect("a count")
}

fn first_lines(index: &Path, args: &[&str], n: usize) -> Vec<String> {
    let mut all = vec!["search"];
    all.extend(args);
    let (_, out, _) = run(index, &all);
    out.lines().take(n).map(str::to_string).collect()
}

#[test]
#[ignore = "needs tmux (installed by tests/run)"]
fn typing_selecting_filtering_and_quitting_in_a_terminal() {
    let idx = seed_index();
    let pane =
        Pane::start(&format!("{} --index {} search -i; echo \"EXIT=$?\"; sleep 60", bin(), idx.display()), 120, 32);
    pane.wait("the query line", |s| s.starts_with("搜 ›"));
    pane.type_text("人工智能");
    let want = count(idx, &["人工智能"]);
    let screen =
        pane.wait("the count", |s| s.lines().next().is_some_and(|l| l.contains(&format!(" {want} documents"))));
    // The first hit's title, as the CLI ranks it, is on the first row of the list.
    let titles = first_lines(idx, &["人工智能", "--fields", "title", "-n", "1"], 1);
    let prefix: String = titles[0].chars().take(6).collect();
    let row1 = screen.lines().find(|l| l.starts_with("│   1 ")).expect("a first row");
    assert!(row1.contains(&prefix), "first row {row1:?} should show {prefix:?}");
    // Down moves the selection to the second hit, and back.
    assert_eq!(pane.selected_rank(), Some(1));
    pane.keys(&["Down"]);
    pane.wait("the second hit selected", |_| pane.selected_rank() == Some(2));
    pane.keys(&["C-p"]);
    pane.wait("the first hit selected again", |_| pane.selected_rank() == Some(1));

    // The filter panel: Tab to the sources, choose the first (the largest), close.
    pane.keys(&["C-f"]);
    pane.wait("the filter panel", |s| s.contains("sources (documents for the current query)"));
    pane.keys(&["Tab"]);
    pane.keys(&["Tab"]);
    pane.keys(&["Space"]);
    pane.keys(&["Escape"]);
    let (_, by, _) = run(idx, &["search", "人工智能", "--by", "source"]);
    let (source, n) = by.lines().next().and_then(|l| l.split_once('\t')).expect("a source row");
    pane.wait("the count for one source", |s| {
        s.lines().next().is_some_and(|l| l.contains(&format!(" {n} documents")))
            && s.contains(&format!("source {source}"))
    });

    // Quit: the terminal is restored and the command line reproduces the count.
    pane.keys(&["Escape"]);
    let screen = pane.wait("the exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(!screen.contains('┌') && !screen.contains("搜 ›"), "the alternate screen was left:\n{screen}");
    let line = screen.lines().find(|l| l.starts_with("sou search ")).expect("the command line");
    assert_eq!(line, format!("sou search 人工智能 --source {source}"));
    assert_eq!(count(idx, &["人工智能", "--source", source]), n.parse::<usize>().expect("count"));
}

#[test]
#[ignore = "needs tmux (installed by tests/run)"]
fn print_sends_the_marked_ids_down_a_pipe() {
    let idx = seed_index();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("ids.txt");
    let pane = Pane::start(
        &format!(
            "{} --index {} search -i 孵化器 --print | cat > {}; echo DONE; sleep 60",
            bin(),
            idx.display(),
            out.display()
        ),
        100,
        30,
    );
    let want = count(idx, &["孵化器"]);
    pane.wait("the results", |s| s.lines().next().is_some_and(|l| l.contains(&format!(" {want} documents"))));
    pane.keys(&["Tab"]);
    pane.keys(&["Tab"]);
    pane.wait("two marks", |s| s.contains("2 marked"));
    pane.keys(&["Enter"]);
    pane.wait("the end", |s| s.contains("DONE"));
    let got = std::fs::read_to_string(&out).expect("the ids");
    let mut got: Vec<&str> = got.lines().collect();
    got.sort();
    let mut ids = first_lines(idx, &["孵化器", "--format", "ids", "-n", "2"], 2);
    ids.sort();
    assert_eq!(got, ids);
    // Each id is one `sou show` can open.
    for id in got {
        assert_eq!(run(idx, &["show", id]).0, 0, "{id}");
    }
}

#[test]
#[ignore = "needs tmux (installed by tests/run)"]
fn stderr_to_a_file_still_draws_on_the_terminal() {
    let idx = seed_index();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log");
    let pane = Pane::start(
        &format!(
            "{} --index {} search -i 孵化器 2>{}; echo \"EXIT=$?\"; sleep 60",
            bin(),
            idx.display(),
            log.display()
        ),
        100,
        30,
    );
    let want = count(idx, &["孵化器"]);
    pane.wait("the results", |s| s.lines().next().is_some_and(|l| l.contains(&format!(" {want} documents"))));
    pane.keys(&["Escape"]);
    pane.wait("the exit", |s| s.contains("EXIT=0"));
    // What would go to the terminal's stderr went to the file: the command line.
    let logged = std::fs::read_to_string(&log).expect("the log");
    assert!(logged.contains("sou search"), "{logged}");
}

#[test]
fn interactive_needs_a_terminal() {
    use std::os::unix::process::CommandExt;
    let mut cmd = sou(seed_index());
    cmd.args(["search", "-i", "人工智能"]);
    // A session of its own: no controlling terminal, whatever runs the tests.
    // SAFETY: setsid(2) is async-signal-safe, called in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "sou: --interactive needs a terminal");
}
