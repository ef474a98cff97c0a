//! Operators users bring from other engines (`AND`, `NOT`, `&&`, `||`, `!`) mean what
//! they mean there, and a `*` is never a silent zero: the CLI says so on stderr, the
//! API in `notes`.

mod common;

use common::http::{enc, Server};
use common::*;

#[test]
fn operators_from_other_engines_mean_what_they_say() {
    let idx = seed_index();
    let and = all_ids(idx, "人工智能 上海", &[]);
    let or = all_ids(idx, "人工智能 OR 上海", &[]);
    let not = all_ids(idx, "上海 -投资", &[]);
    // Not vacuous: the three sets differ and none is empty or everything.
    assert!(!and.is_empty() && and.len() < or.len() && or.len() < 62, "{} {}", and.len(), or.len());
    assert!(!not.is_empty() && not.len() < all_ids(idx, "上海", &[]).len());
    for (typed, want) in [
        ("人工智能 AND 上海", &and),
        ("人工智能 && 上海", &and),
        ("人工智能 || 上海", &or),
        ("上海 NOT 投资", &not),
        ("上海 !投资", &not),
        ("上海 AND NOT 投资", &not),
    ] {
        let (code, _, err) = run(idx, &["search", typed, "--count"]);
        assert_eq!(code, 0, "{typed}: {err}");
        assert!(err.is_empty(), "{typed}: {err}");
        assert_eq!(&all_ids(idx, typed, &[]), want, "{typed}");
    }
    // Lowercase words are text, not operators.
    assert_eq!(all_ids(idx, "人工智能 and 上海", &[]).len(), 0);
    // An operator with nothing on one side is an error at its column.
    for (typed, col) in [("AND 上海", 0), ("上海 AND", 3), ("上海 NOT", 3), ("上海 ||", 3)] {
        let (code, _, err) = run(idx, &["search", typed]);
        assert_eq!(code, 2, "{typed}");
        let caret = err.lines().last().unwrap_or_default();
        let width: usize = typed.chars().take(col).map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        assert_eq!(caret.find('^'), Some(2 + width), "{typed}: {err}");
    }
}

#[test]
fn a_star_is_a_note_never_a_silent_zero() {
    let idx = seed_index();
    // On Chinese text the `*` is dropped: 人工 already matches inside 人工智能.
    let (code, out, err) = run(idx, &["search", "人工*", "--count"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), run(idx, &["search", "人工", "--count"]).1.trim());
    assert_ne!(out.trim(), "0");
    assert!(err.contains("note:") && err.contains("'人工'"), "{err}");
    // Elsewhere it is searched as text, and the note says so.
    let (_, _, err) = run(idx, &["search", "Light*", "--count"]);
    assert!(err.contains("not a wildcard") && err.contains("'Light*'"), "{err}");
    // Without a star there is no note; the API carries the same notes.
    assert!(run(idx, &["search", "人工", "--count"]).2.is_empty());
    let server = Server::start(idx, &[]);
    let r = server.json(&format!("/api/search?q={}", enc("人工*")));
    let notes = r["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{r}");
    assert!(r["total"].as_u64().unwrap_or(0) > 0, "{r}");
    assert_eq!(server.json(&format!("/api/search?q={}", enc("人工")))["notes"], serde_json::json!([]));
}
