//! Regular expressions in queries (`/华为.{0,6}芯片/`, `/\d+亿元/`, `title:/^人民日报/`):
//! matched by the `regex` crate against the folded text, so `/國家/` and `/国家/` are the
//! same, Latin letters match in any case, `^` and `$` hold at line ends, and `.` never
//! crosses a line break (as grep reads lines).
//!
//! The index accelerates them as codesearch and zoekt do with trigrams: the Chinese text
//! a match must contain ([`required`], read from the expression's syntax tree) selects
//! candidates through the character view, and only they are scanned. Latin and digits
//! are whole words in the index, so they select nothing; an expression with no required
//! Chinese text scans every document (and the query says so in a note).

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::analysis::chars::is_cjk;

pub use crate::analysis::pattern::{compile, folded_source};

/// Most characters a class may list and still select candidates (`[乌烏]`): larger
/// classes are treated as any character.
const CLASS_CHOICES: usize = 8;

/// What every match of an expression contains, as text the index can look up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Required {
    /// Nothing known: any document may match.
    Anything,
    /// This Chinese text (folded), as one literal.
    Text(String),
    /// Each of these.
    All(Vec<Required>),
    /// One of these.
    Any(Vec<Required>),
}

impl Required {
    fn all(parts: Vec<Required>) -> Required {
        let mut parts: Vec<Required> = parts.into_iter().filter(|p| *p != Required::Anything).collect();
        match parts.len() {
            0 => Required::Anything,
            1 => parts.pop().expect("one part"),
            _ => Required::All(parts),
        }
    }

    fn any(parts: Vec<Required>) -> Required {
        if parts.is_empty() || parts.contains(&Required::Anything) {
            return Required::Anything;
        }
        let mut parts = parts;
        parts.dedup();
        if parts.len() == 1 {
            return parts.pop().expect("one part");
        }
        Required::Any(parts)
    }
}

/// The Chinese text every match of `source` must contain. An expression that does not
/// parse requires [`Required::Anything`] ([`compile`] reports it).
pub fn required(source: &str) -> Required {
    let folded = folded_source(source);
    let hir = regex_syntax::ParserBuilder::new().case_insensitive(true).multi_line(true).build().parse(&folded);
    match hir {
        Ok(h) => of(&h),
        Err(_) => Required::Anything,
    }
}

/// Runs of Chinese characters of `s`, each a literal; other characters select nothing.
fn chinese_runs(s: &str) -> Required {
    let mut runs = Vec::new();
    let mut run = String::new();
    for c in s.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(Required::Text(std::mem::take(&mut run)));
        }
    }
    if !run.is_empty() {
        runs.push(Required::Text(run));
    }
    Required::all(runs)
}

/// The one character a node matches, when it matches exactly one (a literal character,
/// or a one-character class such as `[乌烏]` once folded).
fn single_char(h: &Hir) -> Option<char> {
    match h.kind() {
        HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).ok()?;
            let mut cs = s.chars();
            let c = cs.next()?;
            cs.next().is_none().then_some(c)
        }
        HirKind::Class(Class::Unicode(u)) => match u.ranges() {
            [r] if r.start() == r.end() => Some(r.start()),
            _ => None,
        },
        _ => None,
    }
}

fn of(h: &Hir) -> Required {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Required::Anything,
        HirKind::Literal(l) => chinese_runs(&String::from_utf8_lossy(&l.0)),
        HirKind::Class(Class::Unicode(u)) => {
            let count: u32 = u.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
            if count as usize > CLASS_CHOICES {
                return Required::Anything;
            }
            let chars = u.ranges().iter().flat_map(|r| r.start()..=r.end());
            Required::any(chars.map(|c| chinese_runs(&c.to_string())).collect())
        }
        HirKind::Class(Class::Bytes(_)) => Required::Anything,
        HirKind::Repetition(r) if r.min == 0 => Required::Anything,
        HirKind::Repetition(r) => of(&r.sub),
        HirKind::Capture(c) => of(&c.sub),
        HirKind::Concat(parts) => {
            // Neighbouring single characters join into one literal (`[乌烏]克[兰蘭]` is
            // 乌克兰), which the index finds as a phrase, far more selective than its
            // characters apart.
            let mut out = Vec::new();
            let mut run = String::new();
            for p in parts {
                match single_char(p) {
                    Some(c) => run.push(c),
                    None => {
                        out.push(chinese_runs(&std::mem::take(&mut run)));
                        out.push(of(p));
                    }
                }
            }
            out.push(chinese_runs(&run));
            Required::all(out)
        }
        HirKind::Alternation(parts) => Required::any(parts.iter().map(of).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fold::fold;

    fn text(s: &str) -> Required {
        Required::Text(s.into())
    }

    #[test]
    fn the_chinese_text_a_match_needs_is_found() {
        assert_eq!(required("华为.{0,6}芯片"), Required::All(vec![text("华为"), text("芯片")]));
        assert_eq!(required(r"\d+亿元"), text("亿元"));
        assert_eq!(required("[乌烏]克[兰蘭]"), text("乌克兰"));
        assert_eq!(required("^人民日報"), text("人民日报"));
        assert_eq!(required("上海|北京"), Required::Any(vec![text("上海"), text("北京")]));
        assert_eq!(required("(上海)?芯片"), text("芯片"));
        assert_eq!(required("上海|.*"), Required::Anything);
        assert_eq!(required(r"iphone\s*\d+"), Required::Anything);
        assert_eq!(required("[一-龥]{4}"), Required::Anything);
    }

    #[test]
    fn an_expression_runs_on_folded_text() {
        let re = compile("國家.{0,2}（图）").expect("compiles");
        assert!(re.is_match(&fold("国家主席（图）")));
        assert!(compile("IPHONE").expect("compiles").is_match(&fold("iPhone 16")));
        assert!(compile("a(b").is_err());
    }
}
