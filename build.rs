//! Build-time tables, so that no process pays for them at run time:
//! - `jieba_dict.fst`: jieba's default dictionary (`data/jieba/dict.txt`) as an FST of
//!   word → frequency, plus its total frequency. Queries segment against it without
//!   building jieba's 350k-word trie (~100 ms); see `src/analysis/dictionary.rs`.
//! - `jieba_nouns.fst`: the words of that dictionary tagged as nouns, the keyword
//!   candidates (`src/analysis/nouns.rs`).
//! - `t2s.rs`: OpenCC's character table (`data/opencc/TSCharacters.txt`) as a sorted array
//!   of (traditional, simplified) pairs for one-to-one folding; see `src/analysis/fold.rs`.
use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::Path;

fn main() {
    let out = env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    println!("cargo:rerun-if-changed=data/jieba/dict.txt");
    println!("cargo:rerun-if-changed=data/opencc/TSCharacters.txt");
    println!("cargo:rerun-if-changed=build.rs");
    // A position-dependent `sou` binary: a PIE one spends ~0.5 ms of every query
    // applying 25,000 relocations (and copying the pages they touch) before `main`.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }

    // jieba-rs loads a dictionary line by line, a later entry replacing an earlier one;
    // its total is the sum over the distinct words. Mirror that exactly.
    let dict = fs::read_to_string("data/jieba/dict.txt").expect("data/jieba/dict.txt");
    let mut words: BTreeMap<&str, u64> = BTreeMap::new();
    let mut tags: BTreeMap<&str, &str> = BTreeMap::new();
    for line in dict.lines() {
        let mut it = line.split_whitespace();
        let Some(word) = it.next() else { continue };
        let freq = it.next().map_or(0, |f| f.parse::<u64>().expect("numeric frequency"));
        words.insert(word, freq);
        tags.insert(word, it.next().unwrap_or(""));
    }
    // The words tagged as nouns (n…), verbal nouns (vn) or foreign words (eng): the
    // candidates of keywords (src/analysis/nouns.rs).
    let mut nouns = fst::SetBuilder::memory();
    for (w, t) in &tags {
        if t.starts_with('n') || *t == "vn" || *t == "eng" {
            nouns.insert(w.as_bytes()).expect("sorted unique keys");
        }
    }
    fs::write(Path::new(&out).join("jieba_nouns.fst"), nouns.into_inner().expect("fst")).expect("write nouns fst");
    let total: u64 = words.values().sum();
    let mut builder = fst::MapBuilder::memory();
    for (w, f) in &words {
        builder.insert(w.as_bytes(), *f).expect("sorted unique keys");
    }
    let bytes = builder.into_inner().expect("fst");
    fs::write(Path::new(&out).join("jieba_dict.fst"), bytes).expect("write fst");
    fs::write(
        Path::new(&out).join("jieba_total.rs"),
        format!(
            "/// Sum of the frequencies of jieba's default dictionary.\npub const DEFAULT_TOTAL: u64 = {total};\n/// Its number of words.\nconst DEFAULT_WORD_COUNT: u64 = {};\n",
            words.len(),
        ),
    )
    .expect("write total");

    let table = fs::read_to_string("data/opencc/TSCharacters.txt").expect("TSCharacters.txt");
    let mut pairs: BTreeMap<u32, u32> = BTreeMap::new();
    for line in table.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut it = line.split(['\t', ' ']).filter(|s| !s.is_empty());
        let (Some(from), Some(to)) = (it.next(), it.next()) else {
            continue;
        };
        let (mut f, mut t) = (from.chars(), to.chars());
        if let (Some(fc), None, Some(tc), None) = (f.next(), f.next(), t.next(), t.next()) {
            if fc != tc {
                pairs.insert(fc as u32, tc as u32);
            }
        }
    }
    // Characters of the BMP CJK block U+3400..U+9FFF map through a direct table (a
    // signed offset per character, 0 = unchanged); the few others by binary search.
    let (lo, hi) = (0x3400u32, 0xA000u32);
    let mut table = vec![0i32; (hi - lo) as usize];
    let mut src = String::from(
        "/// OpenCC TSCharacters outside U+3400..U+9FFF, sorted by the traditional character.\npub static T2S_OTHER: &[(u32, u32)] = &[\n",
    );
    for (f, t) in &pairs {
        if (lo..hi).contains(f) {
            table[(f - lo) as usize] = *t as i32 - *f as i32;
        } else {
            src.push_str(&format!("({f:#x},{t:#x}),"));
        }
    }
    src.push_str("\n];\n");
    src.push_str(&format!(
        "/// First code point of [`T2S_BMP`].\npub const T2S_BMP_START: u32 = {lo:#x};\n/// Offsets to the simplified form for U+3400..U+9FFF.\npub static T2S_BMP: [i32; {}] = [",
        table.len()
    ));
    for d in &table {
        src.push_str(&format!("{d},"));
    }
    src.push_str("];\n");
    fs::write(Path::new(&out).join("t2s.rs"), src).expect("write t2s");
}
