//! The `sou serve` page in a real browser: runs `tests/browser/page.py` (Selenium and
//! headless Chromium from Debian's packages, which `.ci/run` installs) against the
//! real binary on the seeds. Screenshots land in `target/browser/`.

mod common;

use std::process::Command;

use common::*;

#[test]
#[ignore = "needs chromium, chromium-driver and selenium (installed by .ci/run)"]
fn the_page_works_in_a_real_browser() {
    assert!(
        std::path::Path::new("/usr/bin/chromedriver").exists(),
        "no /usr/bin/chromedriver: apt-get install chromium chromium-driver; pip install selenium"
    );
    let out = Command::new("python3")
        .arg(root().join("tests/browser/page.py"))
        .arg(env!("CARGO_BIN_EXE_sou"))
        .arg(seed_index())
        .arg(root().join("target/browser"))
        .output()
        .expect("run python3");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{log}");
    assert!(log.contains("browser checks passed"), "{log}");
}
