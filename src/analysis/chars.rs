//! The character view: the folded text as a sequence of *units* — each CJK character,
//! each symbol or emoji (`+ # & @ % ° 😀`), each run of other letters and digits — with
//! positions that leave a gap wherever punctuation or white space stands between two
//! units. Symbols are units so that `C++`, `AI+`, `R&D` and `上海😀` match only
//! themselves; punctuation (，。、“” . , - / and the like) is a gap, matched by any
//! punctuation.
//!
//! Every unit is indexed with its position, and every empty position between two units
//! holds the [`GAP`] token. A query literal becomes a phrase of its units and gaps (see
//! [`plan_literal`]), which matches exactly the documents containing the literal as a
//! substring (CJK) or as whole words (letters and digits), the way `grep` / `rg -iw`
//! would after folding: `路 发` finds `路，发` and `路 发`, never `路线发` (a phrase with a
//! hole would accept any unit in it).
//!
//! Why units and not bigrams: a CJK text has a few thousand distinct characters but
//! hundreds of thousands of distinct bigrams. Indexing bigrams made the index 2× the
//! input and indexing 2× slower (hash-table misses on new terms), for phrase queries
//! that are only marginally faster.

/// How the character view treats one folded character.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    /// A character that is a unit on its own: Han, kana, hangul, bopomofo.
    Cjk,
    /// A symbol or emoji: also a unit on its own.
    Symbol,
    /// A letter or digit of a non-CJK script; adjacent ones form one word.
    Word,
    /// White space; a run of it is one gap.
    Space,
    /// Anything else: punctuation and symbols, one gap each.
    Punct,
}

/// Whether `c` is a CJK character, indexed one character at a time.
#[inline]
pub(crate) fn is_cjk(c: char) -> bool {
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
        } else if matches!(c, '#' | '$' | '%' | '&' | '*' | '+' | '<' | '=' | '>' | '@' | '^' | '`' | '|' | '~') {
            Class::Symbol
        } else {
            Class::Punct
        }
    } else if is_cjk(c) {
        Class::Cjk
    } else if is_common_punct(c) {
        Class::Punct
    } else if c.is_alphanumeric() || is_mark(c) {
        Class::Word
    } else if c.is_whitespace() {
        Class::Space
    } else if let Some(a) = super::fold::full_width_ascii(c) {
        // A full-width form of ASCII (folding maps it there): as its ASCII character.
        classify(a)
    } else if is_other_punct(c) || c.is_control() {
        Class::Punct
    } else {
        Class::Symbol
    }
}

/// Punctuation and invisible format characters outside [`is_common_punct`]: the rest of
/// Latin-1's and Unicode's general punctuation (¡ § « · » ¿, zero-width joiners, word
/// joiners), CJK, vertical and half-width punctuation, variation selectors, the
/// byte-order mark.
/// Whatever else is neither a letter, a digit nor a space is a symbol.
#[inline]
fn is_other_punct(c: char) -> bool {
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xAD | 0xB6 | 0xB7 | 0xBB | 0xBF
        | 0x2000..=0x206F | 0x3000..=0x303F | 0xFE00..=0xFE1F | 0xFE30..=0xFE4F | 0xFEFF | 0xFF5F..=0xFF65)
}

/// Punctuation of Chinese text (、。《》「」“”… and the like), recognised without the
/// Unicode tables `char::is_alphanumeric` searches: a few percent of indexing time.
#[inline]
pub(crate) fn is_common_punct(c: char) -> bool {
    matches!(c as u32, 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D)
}

/// Combining marks stay inside the word they decorate.
#[inline]
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// The token of a position where punctuation or white space stood between two units: no
/// unit is ever white space, so it never equals one.
pub const GAP: &str = " ";

/// One unit of the character view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Byte range in the folded text: start.
    pub start: usize,
    /// Byte range in the folded text: end (exclusive).
    pub end: usize,
    /// Position: consecutive units have consecutive positions; a gap means something
    /// stood between them.
    pub pos: u32,
}

/// A cursor over the units of a folded text, resumable across calls so a token stream
/// can own the text it walks (and never hold the units of a whole article at once).
#[derive(Default)]
pub(crate) struct UnitCursor {
    at: usize,
    pos: u32,
    word_start: Option<usize>,
    in_space: bool,
    /// A CJK unit met right where a word ended: returned on the next call.
    pending: Option<Unit>,
}

impl UnitCursor {
    /// The next unit of `text` (always the same text for one cursor), or `None` at its end.
    pub fn next(&mut self, text: &str) -> Option<Unit> {
        if let Some(u) = self.pending.take() {
            return Some(u);
        }
        while let Some(c) = text.get(self.at..).and_then(|rest| rest.chars().next()) {
            let i = self.at;
            self.at += c.len_utf8();
            let class = classify(c);
            let mut ended = None;
            if class != Class::Word {
                if let Some(s) = self.word_start.take() {
                    ended = Some(Unit { start: s, end: i, pos: self.pos });
                    self.pos += 1;
                }
            }
            let mut cjk = None;
            match class {
                Class::Word => {
                    if self.word_start.is_none() {
                        self.word_start = Some(i);
                    }
                    self.in_space = false;
                }
                Class::Cjk | Class::Symbol => {
                    cjk = Some(Unit { start: i, end: self.at, pos: self.pos });
                    self.pos += 1;
                    self.in_space = false;
                }
                Class::Space => {
                    if !self.in_space {
                        self.pos += 1;
                        self.in_space = true;
                    }
                }
                Class::Punct => {
                    self.pos += 1;
                    self.in_space = false;
                }
            }
            match (ended, cjk) {
                (Some(w), c) => {
                    self.pending = c;
                    return Some(w);
                }
                (None, Some(c)) => return Some(c),
                (None, None) => {}
            }
        }
        let s = self.word_start.take()?;
        Some(Unit { start: s, end: text.len(), pos: self.pos })
    }
}

/// Calls `f` with every unit of `text` (already folded), in order.
pub(crate) fn for_each_unit(text: &str, mut f: impl FnMut(Unit)) {
    let mut cursor = UnitCursor::default();
    while let Some(u) = cursor.next(text) {
        f(u);
    }
}

/// The units of `text`, collected.
pub fn units(text: &str) -> Vec<Unit> {
    let mut v = Vec::new();
    for_each_unit(text, |u| v.push(u));
    v
}

/// Calls `f` with every token of the character view of `text` (already folded): each
/// unit's text and position, and [`GAP`] at each empty position between two units.
pub(crate) fn for_each_token(text: &str, mut f: impl FnMut(&str, u32)) {
    let mut last: Option<u32> = None;
    for_each_unit(text, |u| {
        if let Some(p) = last {
            (p + 1..u.pos).for_each(|g| f(GAP, g));
        }
        last = Some(u.pos);
        f(&text[u.start..u.end], u.pos);
    });
}

/// How a query literal is looked up in the character field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralPlan {
    /// Nothing searchable (only punctuation or space).
    Empty,
    /// The literal's tokens (units and [`GAP`]s) with their positions relative to the
    /// first: one unit is a term query, more form a phrase.
    Units(Vec<(u32, String)>),
}

/// Plans the lookup of one folded literal.
pub fn plan_literal(text: &str) -> LiteralPlan {
    let mut tokens: Vec<(u32, String)> = Vec::new();
    for_each_token(text, |t, pos| tokens.push((pos, t.to_string())));
    let Some(base) = tokens.first().map(|t| t.0) else {
        return LiteralPlan::Empty;
    };
    LiteralPlan::Units(tokens.into_iter().map(|(p, t)| (p - base, t)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(v: &[(u32, &str)]) -> LiteralPlan {
        LiteralPlan::Units(v.iter().map(|(p, s)| (*p, s.to_string())).collect())
    }

    #[test]
    fn common_punctuation_is_neither_letter_nor_space() {
        let all = (0x2000..0x3100).filter_map(char::from_u32).filter(|&c| is_common_punct(c));
        let mut n = 0;
        for c in all {
            assert!(!c.is_alphanumeric() && !c.is_whitespace() && !is_cjk(c) && !is_mark(c), "{c:?}");
            n += 1;
        }
        assert!(n > 100);
    }

    #[test]
    fn units_leave_gaps_for_punctuation_and_space_runs() {
        let pos: Vec<u32> = units("ab  c,中文").iter().map(|u| u.pos).collect();
        assert_eq!(pos, vec![0, 2, 4, 5]);
    }

    #[test]
    fn plans_keep_the_gaps_of_the_literal() {
        assert_eq!(plan_literal("书"), plan(&[(0, "书")]));
        assert_eq!(plan_literal("，"), LiteralPlan::Empty);
        assert_eq!(plan_literal("ai"), plan(&[(0, "ai")]));
        assert_eq!(plan_literal("创中心"), plan(&[(0, "创"), (1, "中"), (2, "心")]));
        assert_eq!(plan_literal("5g网络"), plan(&[(0, "5g"), (1, "网"), (2, "络")]));
        assert_eq!(plan_literal("r-d"), plan(&[(0, "r"), (1, GAP), (2, "d")]));
        assert_eq!(plan_literal("  人工 智能"), plan(&[(0, "人"), (1, "工"), (2, GAP), (3, "智"), (4, "能")]));
        assert_eq!(plan_literal("a，，b"), plan(&[(0, "a"), (1, GAP), (2, GAP), (3, "b")]));
    }

    #[test]
    fn symbols_and_emoji_are_units_punctuation_is_not() {
        assert_eq!(plan_literal("r&d"), plan(&[(0, "r"), (1, "&"), (2, "d")]));
        assert_eq!(plan_literal("c++"), plan(&[(0, "c"), (1, "+"), (2, "+")]));
        assert_eq!(plan_literal("ai+"), plan(&[(0, "ai"), (1, "+")]));
        assert_eq!(plan_literal("c#"), plan(&[(0, "c"), (1, "#")]));
        assert_eq!(plan_literal("上海😀"), plan(&[(0, "上"), (1, "海"), (2, "😀")]));
        assert_eq!(plan_literal("50%"), plan(&[(0, "50"), (1, "%")]));
        // ℃ folds to °c: the degree sign is a symbol.
        assert_eq!(plan_literal("500°c"), plan(&[(0, "500"), (1, "°"), (2, "c")]));
        for c in [
            '，', '。', '、', '“', '”', '「', '』', '《', '·', '—', '…', '\u{200d}', '\u{fe0f}', '.', ',', '-', '/',
            '(', '!',
        ] {
            assert_eq!(classify(c), Class::Punct, "{c:?}");
        }
        for c in ['+', '#', '&', '@', '%', '°', '😀', '€', '©', '→', '★'] {
            assert_eq!(classify(c), Class::Symbol, "{c:?}");
        }
    }
}
