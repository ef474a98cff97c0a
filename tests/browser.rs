//! The `sou serve` page in a real browser: runs `tests/browser/page.py` (Selenium and
//! headless Chromium from Debian's packages, which `tests/run` installs) against the
//! real binary on the seeds (with three reposts of one, for the stories view).
//! Screenshots land in `target/browser/`.

mod common;

use std::process::Command;

use common::*;

/// A Python that has selenium: `SOU_PYTHON` (set by `tests/run`), the `python3` on
/// PATH, Debian's `/usr/bin/python3` or `tests/run`'s private `target/py`.
fn python_with_selenium() -> Option<String> {
    let private = root().join("target/py/bin/python3").display().to_string();
    let candidates =
        [std::env::var("SOU_PYTHON").ok(), Some("python3".into()), Some("/usr/bin/python3".into()), Some(private)];
    candidates
        .into_iter()
        .flatten()
        .find(|p| Command::new(p).args(["-c", "import selenium"]).output().is_ok_and(|o| o.status.success()))
}

#[test]
#[ignore = "needs chromium, chromium-driver and selenium (installed by tests/run)"]
fn the_page_works_in_a_real_browser() {
    assert!(
        std::path::Path::new("/usr/bin/chromedriver").exists(),
        "no /usr/bin/chromedriver: run tests/run as root, or apt-get install chromium chromium-driver fonts-noto-cjk"
    );
    let python = python_with_selenium().unwrap_or_else(|| {
        panic!("no python3 with selenium: run tests/run (it makes target/py), or python3 -m pip install selenium, or apt-get install python3-selenium")
    });
    let out = Command::new(python)
        .arg(root().join("tests/browser/page.py"))
        .arg(env!("CARGO_BIN_EXE_sou"))
        .arg(repost_index())
        .arg(root().join("target/browser"))
        .output()
        .expect("run python3");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{log}");
    assert!(log.contains("browser checks passed"), "{log}");
}
