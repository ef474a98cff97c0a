//! `sou index`: the summary line, idempotent re-indexing, defaults for missing fields.

mod common;

use common::*;

#[test]
fn indexes_all_62_seed_articles_and_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["index"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("indexed 62 documents (0 skipped"), "{err}");
    assert!(err.contains("MB/s"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn reindexing_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["index", "seeds"]);
    let before = run(dir.path(), &["search", "上海", "--count"]).1;
    let (code, _, err) = run(dir.path(), &["index", "./seeds"]);
    assert_eq!(code, 0, "{err}");
    let after = run(dir.path(), &["search", "上海", "--count"]).1;
    assert_eq!(before, after);
    let (_, all, _) = run(dir.path(), &["search", "-zzzz", "--count"]);
    assert_eq!(all.trim(), "62");
}

#[test]
fn index_defaults_fill_missing_source_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) =
        run(dir.path(), &["index", "seeds/004_c93b36575511fa58.txt", "--source", "经济日报", "--date", "2025-06-01"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(dir.path(), &["search", "张江", "--json"]);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["source"], "经济日报");
    assert_eq!(v["date"], "2025-06-01");
    let (code, _, err) = run(dir.path(), &["index", "seeds", "--date", "someday"]);
    assert_eq!(code, 2);
    assert!(err.contains("--date"), "{err}");
}

#[test]
fn index_env_variable_selects_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sou"))
        .current_dir(root())
        .env("SOU_INDEX", dir.path())
        .args(["index", "seeds/001_cf4ae71d46783a76.txt", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    assert!(dir.path().join("meta.json").exists());
}

#[test]
fn a_missing_input_path_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["index", "no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.json"), "{err}");
}
