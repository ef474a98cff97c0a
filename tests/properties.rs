//! No input can make sou panic: property tests over the date parser, the query parser
//! and compiler, the record readers, folding, segmentation and snippets.

use proptest::prelude::*;
use sou::analysis::chars::plan_literal;
use sou::analysis::dictionary::Dictionary;
use sou::analysis::fold::fold;
use sou::analysis::segment::QuerySegmenter;
use sou::article::Field;
use sou::dates;
use sou::index::{schema, Fields};
use sou::ingest::{self, Item, Options};
use sou::query::build::{compile, query_segmenter, Filters, QueryError};
use sou::query::parse::parse;
use sou::snippet;

/// Strings mixing CJK, traditional forms, Latin, digits, full-width forms, punctuation,
/// quotes, query syntax, JSON/CSV syntax, controls and arbitrary code points.
fn messy() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("人工智能".to_string()),
        Just("國家主席".to_string()),
        Just("ＡＩ".to_string()),
        Just("\"".to_string()),
        Just("“".to_string()),
        Just(" OR ".to_string()),
        Just("-".to_string()),
        Just("title:".to_string()),
        Just("source:".to_string()),
        Just("：".to_string()),
        Just("{\"title\":".to_string()),
        Just("[".to_string()),
        Just(",".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("2025年12月".to_string()),
        Just("2025-12-23 24:00".to_string()),
        Just(" 10:30:60".to_string()),
        Just("(".to_string()),
        Just("）".to_string()),
        Just("C++".to_string()),
        Just("-13-45".to_string()),
        Just("\u{feff}".to_string()),
        "[a-zA-Z0-9]{0,6}",
        "\\PC{0,4}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

fn fields() -> Fields {
    Fields::of(&schema::build()).expect("schema fields")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn dates_parse_to_what_they_say_or_to_nothing(s in messy(), n in any::<i64>()) {
        let tz = dates::default_tz();
        // A timestamp read from any string reads back from its own RFC 3339 form.
        if let Some(t) = dates::parse_timestamp(&s, &tz) {
            prop_assert_eq!(dates::parse_timestamp(&t.to_string(), &tz), Some(t), "{}", s);
        }
        // A range of days starts no later than it ends, and each end reads as itself.
        if let Ok((a, b)) = dates::parse_day_range(&s) {
            prop_assert!(a <= b, "{}: {} > {}", s, a, b);
            prop_assert_eq!(dates::parse_day_range(&a.to_string()), Ok((a, a)));
        }
        // A number is YYYYMMDD(HHMMSS) read back from its own digits, or Unix seconds or
        // milliseconds between 1990 and 2100: never 1970, never the year 5000.
        if let Some(t) = dates::parse_number(n, &tz) {
            let civil = t.to_zoned(tz.clone()).datetime().strftime("%Y%m%d%H%M%S").to_string();
            let unix = t.as_second() == n || t.as_millisecond() == n;
            prop_assert!(unix || civil == format!("{n}000000") || civil == n.to_string(), "{} → {}", n, t);
            prop_assert!((1990..2100).contains(&t.to_zoned(tz.clone()).year()) || !unix, "{} → {}", n, t);
        }
        // A zone is a fixed offset of at most a day.
        if let Some(tz) = dates::parse_tz(&s) {
            let offset = tz.to_fixed_offset().expect("a fixed offset");
            prop_assert!(offset.seconds().abs() < 86_400, "{}", s);
        }
    }

    #[test]
    fn times_of_day_out_of_range_are_unreadable_not_a_panic(
        day in 1u32..=31, h in 0u32..100, mi in 0u32..100, sec in proptest::option::of(0u32..100),
        zone in prop_oneof![Just(""), Just(" +08:00"), Just("Z")],
    ) {
        let s = match sec {
            Some(sec) => format!("2025-12-{day:02} {h:02}:{mi:02}:{sec:02}{zone}"),
            None => format!("2025-12-{day:02} {h:02}:{mi:02}{zone}"),
        };
        let tz = dates::default_tz();
        let got = dates::parse_timestamp(&s, &tz);
        let sec = sec.unwrap_or(0);
        let valid = h < 24 && mi < 60 && sec < 60;
        let end_of_day = h == 24 && mi == 0 && sec == 0;
        // RFC 3339 allows a leap second; jiff reads `…:60Z` as `…:59Z`.
        let leap = sec == 60 && h < 24 && mi < 60 && zone == "Z";
        prop_assert_eq!(got.is_some(), valid || end_of_day || leap, "{}", s);
        if end_of_day {
            let midnight = dates::parse_timestamp(&format!("2025-12-{day:02} 00:00{zone}"), &tz).expect("midnight");
            prop_assert_eq!(got.map(|t| t.as_second() - midnight.as_second()), Some(86_400));
        }
    }

    #[test]
    fn queries_parse_into_literals_typed_or_point_at_a_column(q in messy(), t in messy()) {
        let f = fields();
        let dict = Dictionary::default();
        match parse(&q) {
            Ok(parsed) => {
                // Every literal is a non-empty stretch of what was typed.
                let mut literals = Vec::new();
                parsed.root.for_each_literal(&mut |l| literals.push(l.text.clone()));
                for l in &literals {
                    prop_assert!(!l.trim().is_empty(), "{}", q);
                    prop_assert!(q.contains(l.as_str()), "{:?} not in {:?}", l, q);
                }
                let filters = Filters { title: Some(t), ..Filters::default() };
                let words = query_segmenter(&parsed, &dict);
                // Compiling fails only as the user's mistake (a literal of punctuation).
                for compiled in [compile(&parsed, &filters, &f, Some(&words)), compile(&parsed, &filters, &f, None)] {
                    if let Err(e) = compiled {
                        prop_assert!(e.downcast_ref::<QueryError>().is_some(), "{}: {:#}", q, e);
                    }
                }
            }
            Err(e) => prop_assert!(e.column <= q.chars().count(), "{}: column {}", q, e.column),
        }
        let _ = plan_literal(&fold(&q));
    }

    #[test]
    fn record_readers_emit_records_with_text_and_report_problems_at_lines(text in messy()) {
        let lines = text.lines().count().max(1);
        let braces = text.matches('{').count();
        let formats = [
            None,
            Some(ingest::InputFormat::Json),
            Some(ingest::InputFormat::Csv),
            Some(ingest::InputFormat::Tsv),
            Some(ingest::InputFormat::Text),
        ];
        for format in formats {
            let opts = Options { format, ..Options::default() };
            let mut records = 0;
            let mut failed = None;
            ingest::read_text("fuzz.txt", &text, &opts, &mut |item| match item {
                Item::Record(r) => {
                    records += 1;
                    let a = &r.article;
                    if a.text(Field::Title).trim().is_empty() && a.text(Field::Content).trim().is_empty() {
                        failed = Some(format!("a record without text: {a:?}"));
                    }
                    if a.text(Field::Path) != "fuzz.txt" || r.line == 0 {
                        failed = Some(format!("a record of no file or line: {r:?}"));
                    }
                }
                Item::Problem(p) => {
                    if p.path != "fuzz.txt" || p.line > lines + 1 {
                        failed = Some(format!("a problem at no line of the input: {p}"));
                    }
                }
                Item::Format { .. } => {}
            });
            prop_assert!(failed.is_none(), "{:?}: {}", format, failed.unwrap_or_default());
            // A record is a line, an object or the whole text.
            prop_assert!(records <= lines + braces + 1, "{:?}: {} records from {:?}", format, records, text);
        }
        // UTF-8 decodes to itself, a byte-order mark aside.
        if let Some(d) = ingest::decode(text.clone().into_bytes()) {
            prop_assert_eq!(d.text.as_str(), text.strip_prefix('\u{feff}').unwrap_or(&text));
        }
    }

    #[test]
    fn segmentation_and_snippets_never_panic(text in messy(), lit in messy(), width in 0usize..200) {
        let dict = Dictionary::default();
        let folded = fold(&lit);
        let _ = dict.jieba_for(&folded).cut(&folded, true);
        let s = snippet::make(&text, &[folded], width);
        for (a, b) in s.highlights {
            prop_assert!(a <= b && b <= s.text.len());
            prop_assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
        }
    }
}

/// The straightforward way to find literals: fold the whole text, list its units, try
/// every literal at every unit. `snippet::find_hits` must agree with it.
fn naive_hits(text: &str, literals: &[String]) -> Vec<(usize, usize)> {
    use sou::analysis::chars::units;
    use sou::analysis::fold::fold_char;
    let mut folded = String::new();
    let mut origin = Vec::new();
    for (i, c) in text.char_indices() {
        fold_char(c, |f| {
            origin.push((folded.len(), i, i + c.len_utf8()));
            folded.push(f);
        });
    }
    let at = |b: usize| origin.partition_point(|o: &(usize, usize, usize)| o.0 <= b) - 1;
    let doc = units(&folded);
    let mut hits = Vec::new();
    for lit in literals {
        let pat = units(lit);
        for i in 0..doc.len() {
            if pat.is_empty() || i + pat.len() > doc.len() {
                break;
            }
            let ok = pat.iter().enumerate().all(|(k, p)| {
                let d = doc[i + k];
                folded[d.start..d.end] == lit[p.start..p.end] && d.pos - doc[i].pos == p.pos - pat[0].pos
            });
            if ok {
                hits.push((origin[at(doc[i].start)].1, origin[at(doc[i + pat.len() - 1].end - 1)].2));
            }
        }
    }
    hits.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in hits {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn snippet_hits_equal_the_naive_search(t1 in messy(), t2 in messy(), a in messy(), b in messy()) {
        // The text holds literal `a` (folded, it may still cut units differently).
        let text = format!("{t1}{a}{t2}{t1}");
        let lits = vec![fold(&a), fold(&b), "人工".to_string(), "ai".to_string()];
        prop_assert_eq!(snippet::find_hits(&text, &lits), naive_hits(&text, &lits));
    }
}

/// jieba over the full dictionary: the index-time segmenter.
fn full_jieba() -> &'static jieba_rs::Jieba {
    static FULL: std::sync::OnceLock<jieba_rs::Jieba> = std::sync::OnceLock::new();
    FULL.get_or_init(|| Dictionary::default().full_jieba())
}

/// A stretch of 1–40 characters of a seed article: real Chinese text.
fn seed_text() -> impl Strategy<Value = String> {
    static SEEDS: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let chars = SEEDS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut text = String::new();
        for e in std::fs::read_dir(dir).expect("seeds/").flatten() {
            text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
        text.chars().collect()
    });
    (0..chars.len().max(1), 1usize..40).prop_map(move |(at, n)| chars[at..(at + n).min(chars.len())].iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn query_segmentation_equals_the_index_segmentation(seed in seed_text(), noise in messy(), mixed in any::<bool>()) {
        let text = fold(&if mixed { format!("{seed}{noise}") } else { seed });
        let expected: Vec<&str> = full_jieba().cut(&text, true).iter().map(|t| t.word).collect();
        let segmenter = QuerySegmenter::new(&Dictionary::default(), &text);
        prop_assert_eq!(segmenter.cut(&text), expected.clone());
        if let Some(words) = segmenter.cut_without_hmm(&text) {
            prop_assert_eq!(words, expected);
        }
    }
}

/// Queries of up to 10,000 tokens nesting `(`, `-(`, `（`, field groups, quotes and
/// operators at random.
fn nested_query() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("("),
        Just("-("),
        Just("（"),
        Just("title:("),
        Just(")"),
        Just("）"),
        Just("\""),
        Just(" OR "),
        Just(" AND "),
        Just(" NOT "),
        Just("!"),
        Just("-"),
        Just(" "),
        Just("上"),
        Just("华为"),
        Just("人工*"),
    ];
    (proptest::collection::vec(token, 0..200), 0usize..5_000).prop_map(|(tokens, depth)| {
        let open = ["(", "-(", "（", "title:("][depth % 4];
        format!("{}{}{}", open.repeat(depth), tokens.concat(), ")".repeat(depth))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn nesting_never_overflows_any_walk_of_a_query(q in nested_query()) {
        // On a small stack: the depth bound, not the stack's size, must hold every walk —
        // the selection every front-end builds, tantivy's query, the remote engines'.
        let outcome = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || -> Result<(), String> {
                let sel = match sou::engine::Selection::build(Some(&q), std::iter::empty()) {
                    Ok(sel) => sel,
                    Err(e) => {
                        let column = e.parse.map_or(0, |p| p.column);
                        return if column <= q.chars().count() { Ok(()) } else { Err(format!("column {column}")) };
                    }
                };
                let parsed = sel.query.clone().unwrap_or_default();
                let dict = Dictionary::default();
                let words = query_segmenter(&parsed, &dict);
                let f = fields();
                let _ = compile(&parsed, &Filters::default(), &f, Some(&words));
                let _ = sou::remote::opensearch::query::query(&parsed, &Filters::default(), Some(&words));
                let _ = sou::remote::sphinx::query::translate(&parsed, &Filters::default(), Some(&words));
                let _ = parsed.wanted();
                Ok(())
            })
            .expect("thread")
            .join();
        prop_assert!(outcome.is_ok(), "a walk panicked or overflowed");
        prop_assert!(outcome.expect("joined").is_ok());
    }
}
