//! The character view: the folded text as a sequence of *units* — each CJK character,
//! each run of other letters and digits — with positions that leave a gap wherever
//! punctuation or white space stands between two units.
//!
//! Documents index two fields from this view:
//! - the *unigram* field: every CJK character (no positions), for one-character queries;
//! - the *literal* field (with positions): every pair of adjacent CJK characters (bigram),
//!   every letter/digit word, and the first and last character of every CJK run.
//!
//! A query literal becomes a phrase over the literal field (see [`plan_literal`]), which
//! matches exactly the documents containing the literal as a substring (CJK) or as whole
//! words (letters and digits), the way `grep` / `rg -iw` would after folding.

/// How the character view treats one folded character.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    /// A character that is a unit on its own: Han, kana, hangul, bopomofo.
    Cjk,
    /// A letter or digit of a non-CJK script; adjacent ones form one word.
    Word,
    /// White space; a run of it is one gap.
    Space,
    /// Anything else: punctuation and symbols, one gap each.
    Punct,
}

/// Whether `c` is a CJK character, indexed one character at a time.
#[inline]
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x323AF | 0xF900..=0xFAFF
        | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xAC00..=0xD7AF | 0x1100..=0x11FF
        | 0x3130..=0x318F | 0x3100..=0x312F | 0x31A0..=0x31BF | 0x3005..=0x3007)
}

/// Classifies one folded character.
#[inline]
pub fn classify(c: char) -> Class {
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else if c.is_ascii_whitespace() {
            Class::Space
        } else {
            Class::Punct
        }
    } else if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() || is_mark(c) {
        Class::Word
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Punct
    }
}

/// Combining marks stay inside the word they decorate.
#[inline]
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// One unit of the character view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Byte range in the folded text.
    pub start: usize,
    pub end: usize,
    /// Position: consecutive units have consecutive positions; a gap means something
    /// stood between them.
    pub pos: u32,
    /// A CJK character (as opposed to a letter/digit word).
    pub cjk: bool,
}

/// Calls `f` with every unit of `text` (already folded), in order.
pub fn for_each_unit(text: &str, mut f: impl FnMut(Unit)) {
    let mut pos: u32 = 0;
    let mut word_start: Option<usize> = None;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let class = classify(c);
        if class != Class::Word {
            if let Some(s) = word_start.take() {
                f(Unit {
                    start: s,
                    end: i,
                    pos,
                    cjk: false,
                });
                pos += 1;
            }
        }
        match class {
            Class::Word => {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                in_space = false;
            }
            Class::Cjk => {
                f(Unit {
                    start: i,
                    end: i + c.len_utf8(),
                    pos,
                    cjk: true,
                });
                pos += 1;
                in_space = false;
            }
            Class::Space => {
                if !in_space {
                    pos += 1;
                    in_space = true;
                }
            }
            Class::Punct => {
                pos += 1;
                in_space = false;
            }
        }
    }
    if let Some(s) = word_start {
        f(Unit {
            start: s,
            end: text.len(),
            pos,
            cjk: false,
        });
    }
}

/// The units of `text`, collected.
pub fn units(text: &str) -> Vec<Unit> {
    let mut v = Vec::new();
    for_each_unit(text, |u| v.push(u));
    v
}

/// Token of the literal field: byte range in the folded text and position.
pub type Span = (usize, usize, u32);

/// Calls `uni` with every CJK character and `lit` with every literal-field token
/// (bigrams, words, run-boundary characters) of `text`, in one pass.
pub fn for_each_token(text: &str, mut uni: impl FnMut(Span), mut lit: impl FnMut(Span)) {
    // Look one unit ahead: a CJK unit's tokens depend on both neighbours.
    let mut prev: Option<Unit> = None;
    let mut cur: Option<Unit> = None;
    let mut emit = |prev: Option<Unit>, u: Unit, next: Option<Unit>| {
        if !u.cjk {
            lit((u.start, u.end, u.pos));
            return;
        }
        uni((u.start, u.end, u.pos));
        let joined_before = prev.is_some_and(|p| p.cjk && p.pos + 1 == u.pos);
        let joined_after = next.is_some_and(|n| n.cjk && u.pos + 1 == n.pos);
        if let (true, Some(n)) = (joined_after, next) {
            lit((u.start, n.end, u.pos));
        }
        if !joined_before || !joined_after {
            lit((u.start, u.end, u.pos));
        }
    };
    for_each_unit(text, |next| {
        if let Some(u) = cur {
            emit(prev, u, Some(next));
        }
        prev = cur;
        cur = Some(next);
    });
    if let Some(u) = cur {
        emit(prev, u, None);
    }
}

/// How a query literal is looked up in the character view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralPlan {
    /// Nothing searchable (only punctuation or space).
    Empty,
    /// A single CJK character: a term of the unigram field.
    Unigram(String),
    /// Terms of the literal field with their relative positions; one term is a term
    /// query, more form a phrase.
    Phrase(Vec<(u32, String)>),
}

/// Plans the lookup of one folded literal: the fewest literal-field terms whose
/// positions pin down the literal exactly (non-overlapping bigrams, plus an overlapping
/// one to close an odd run; words; lone characters next to words or gaps).
pub fn plan_literal(text: &str) -> LiteralPlan {
    let us = units(text);
    match us.as_slice() {
        [] => return LiteralPlan::Empty,
        [u] if u.cjk => return LiteralPlan::Unigram(text[u.start..u.end].to_string()),
        _ => {}
    }
    let base = us[0].pos;
    let mut terms = Vec::new();
    let mut i = 0;
    while i < us.len() {
        let u = us[i];
        if !u.cjk {
            terms.push((u.pos - base, text[u.start..u.end].to_string()));
            i += 1;
            continue;
        }
        // The CJK run starting here: units i..j with consecutive positions.
        let mut j = i + 1;
        while j < us.len() && us[j].cjk && us[j].pos == us[j - 1].pos + 1 {
            j += 1;
        }
        if j - i == 1 {
            terms.push((u.pos - base, text[u.start..u.end].to_string()));
        } else {
            let mut k = i;
            while k + 1 < j {
                terms.push((
                    us[k].pos - base,
                    text[us[k].start..us[k + 1].end].to_string(),
                ));
                k += 2;
            }
            if k + 1 == j {
                // Odd run: one more bigram, overlapping the previous one, ends it.
                terms.push((
                    us[k - 1].pos - base,
                    text[us[k - 1].start..us[k].end].to_string(),
                ));
            }
        }
        i = j;
    }
    LiteralPlan::Phrase(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit_tokens(text: &str) -> Vec<(String, u32)> {
        let mut v = Vec::new();
        for_each_token(
            text,
            |_| {},
            |(s, e, p)| v.push((text[s..e].to_string(), p)),
        );
        v
    }

    fn phrase(v: &[(u32, &str)]) -> LiteralPlan {
        LiteralPlan::Phrase(v.iter().map(|(p, s)| (*p, s.to_string())).collect())
    }

    #[test]
    fn units_leave_gaps_for_punctuation_and_space_runs() {
        let pos: Vec<u32> = units("ab  c,中文").iter().map(|u| u.pos).collect();
        assert_eq!(pos, vec![0, 2, 4, 5]);
    }

    #[test]
    fn literal_field_has_bigrams_words_and_run_edges() {
        assert_eq!(
            lit_tokens("用5g网络，好"),
            vec![
                ("用".into(), 0),
                ("5g".into(), 1),
                ("网络".into(), 2),
                ("网".into(), 2),
                ("络".into(), 3),
                ("好".into(), 5),
            ]
        );
    }

    #[test]
    fn plans_cover_literals_with_fewest_terms() {
        assert_eq!(plan_literal("书"), LiteralPlan::Unigram("书".into()));
        assert_eq!(plan_literal("，"), LiteralPlan::Empty);
        assert_eq!(plan_literal("ai"), phrase(&[(0, "ai")]));
        assert_eq!(
            plan_literal("人工智能"),
            phrase(&[(0, "人工"), (2, "智能")])
        );
        assert_eq!(plan_literal("创中心"), phrase(&[(0, "创中"), (1, "中心")]));
        assert_eq!(plan_literal("5g网络"), phrase(&[(0, "5g"), (1, "网络")]));
        assert_eq!(plan_literal("r&d"), phrase(&[(0, "r"), (2, "d")]));
        assert_eq!(
            plan_literal("用iphone"),
            phrase(&[(0, "用"), (1, "iphone")])
        );
    }
}
