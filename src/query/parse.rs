//! The query language: words are ANDed, `"quoted phrase"`, `A OR B`, `-word` excludes,
//! `title:`, `content:`, `source:` restrict a word or phrase to a field (any searchable
//! text or keyword field of the field table).

use std::fmt;

use crate::article::{Field, Kind, Spec};

/// Where a literal must occur.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Any searchable text field.
    Any,
    /// One field: a text field (the literal occurs in it) or a keyword field (it is
    /// the literal, exactly).
    Field(Field),
}

/// Fields a query can name (`title:`, `source:`, …).
fn addressable(spec: &Spec) -> bool {
    matches!(spec.kind, Kind::Text { .. } | Kind::Keyword)
}

/// One thing the user typed: a word or a quoted phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// Where it must occur.
    pub scope: Scope,
    /// What was typed (unfolded).
    pub text: String,
    /// Typed as a "phrase".
    pub quoted: bool,
}

/// A parsed query: every group must match (each group is one or more literals joined by
/// OR), and no excluded literal may.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Groups that must all match; each matches when one of its literals does.
    pub groups: Vec<Vec<Literal>>,
    /// Literals no matching document may contain.
    pub excluded: Vec<Literal>,
}

/// A syntax error, with the character column it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// The character (not byte) it points at, from 0.
    pub column: usize,
    /// The whole query.
    pub query: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Point at the column, counting East Asian characters as two columns wide.
        let pad: usize =
            self.query.chars().take(self.column).map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
        write!(f, "bad query: {}\n  {}\n  {}^", self.message, self.query, " ".repeat(pad))
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug)]
enum Tok {
    Word { text: String, negated: bool, scope: Scope, quoted: bool },
    Or,
}

fn err(query: &str, column: usize, message: impl Into<String>) -> ParseError {
    ParseError { message: message.into(), column, query: query.to_string() }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Splits the query into words, phrases and ORs.
/// The query's characters with the full-width forms of the operators an input method
/// types (＂ － ＯＲ) read as their ASCII forms; one character for one, so columns stay.
fn operator_chars(q: &str) -> Vec<char> {
    q.chars()
        .map(|c| match c {
            '＂' => '"',
            '－' => '-',
            'Ｏ' => 'O',
            'Ｒ' => 'R',
            _ => c,
        })
        .collect()
}

fn lex(q: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    // Only the ASCII quote (or its full-width form) is the phrase operator: Chinese
    // quotation marks (“” ‘’ 「」 『』) are text, matched like any punctuation.
    let chars = operator_chars(q);
    // Literals keep what was typed.
    let typed: Vec<char> = q.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_space(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = false;
        if chars[i] == '-' && i + 1 < chars.len() && !is_space(chars[i + 1]) {
            negated = true;
            i += 1;
        } else if chars[i] == '-' {
            return Err(err(q, i, "'-' must be followed by the word to exclude, e.g. -广告"));
        }
        // field prefix: letters followed by ':'
        let mut scope = Scope::Any;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j > i && j < chars.len() && (chars[j] == ':' || chars[j] == '：') {
            let name: String = chars[i..j].iter().collect::<String>().to_ascii_lowercase();
            scope = match Field::from_name(&name).filter(|f| addressable(f.spec())) {
                Some(f) => Scope::Field(f),
                None if name == "http" || name == "https" => Scope::Any,
                None => {
                    let names = Field::names(addressable, ":, ");
                    return Err(err(q, i, format!("unknown field '{name}:' (fields are {names}:)")));
                }
            };
            if scope != Scope::Any || !(name == "http" || name == "https") {
                i = j + 1;
                if i >= chars.len() || is_space(chars[i]) {
                    return Err(err(
                        q,
                        i.min(chars.len()),
                        format!("'{name}:' must be followed by a word or a \"phrase\""),
                    ));
                }
            }
        }
        if chars[i] == '"' {
            let close = |c: char| c == '"';
            let open_at = i;
            i += 1;
            let body_start = i;
            while i < chars.len() && !close(chars[i]) {
                i += 1;
            }
            if i >= chars.len() {
                return Err(err(q, open_at, "unclosed quote"));
            }
            let text: String = typed[body_start..i].iter().collect();
            i += 1;
            if text.trim().is_empty() {
                return Err(err(q, open_at, "empty phrase"));
            }
            toks.push((start, Tok::Word { text, negated, scope, quoted: true }));
            continue;
        }
        let word_start = i;
        while i < chars.len() && !is_space(chars[i]) {
            if chars[i] == '"' {
                return Err(err(q, i, "a quote must start a phrase, e.g. \"人工智能\""));
            }
            i += 1;
        }
        let text: String = typed[word_start..i].iter().collect();
        if chars[word_start..i] == ['O', 'R'] && !negated && scope == Scope::Any {
            toks.push((start, Tok::Or));
        } else {
            toks.push((start, Tok::Word { text, negated, scope, quoted: false }));
        }
    }
    Ok(toks)
}

/// Parses a query string.
pub fn parse(q: &str) -> Result<Query, ParseError> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return Err(err(q, 0, "the query is empty"));
    }
    let mut out = Query::default();
    let mut pending_or: Option<usize> = None;
    for (k, (col, tok)) in toks.iter().enumerate() {
        match tok {
            Tok::Or => {
                let prev_ok = k > 0 && matches!(toks[k - 1].1, Tok::Word { negated: false, .. });
                if !prev_ok || pending_or.is_some() {
                    return Err(err(q, *col, "OR needs a word on each side"));
                }
                pending_or = Some(*col);
            }
            Tok::Word { text, negated, scope, quoted } => {
                let lit = Literal { scope: *scope, text: text.clone(), quoted: *quoted };
                if *negated {
                    if pending_or.is_some() {
                        return Err(err(q, *col, "an excluded word cannot be part of OR"));
                    }
                    out.excluded.push(lit);
                } else if pending_or.take().is_some() {
                    if let Some(g) = out.groups.last_mut() {
                        g.push(lit);
                    }
                } else {
                    out.groups.push(vec![lit]);
                }
            }
        }
    }
    if let Some(col) = pending_or {
        return Err(err(q, col, "OR needs a word on each side"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(scope: Scope, text: &str, quoted: bool) -> Literal {
        Literal { scope, text: text.into(), quoted }
    }

    #[test]
    fn parses_the_language() {
        let q = parse("人工智能 \"集成 电路\" 张江 OR 临港 -广告 title:孵化器 source:上海科技").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![lit(Scope::Any, "人工智能", false)],
                vec![lit(Scope::Any, "集成 电路", true)],
                vec![lit(Scope::Any, "张江", false), lit(Scope::Any, "临港", false)],
                vec![lit(Scope::Field(Field::Title), "孵化器", false)],
                vec![lit(Scope::Field(Field::Source), "上海科技", false)],
            ]
        );
        assert_eq!(q.excluded, vec![lit(Scope::Any, "广告", false)]);
    }

    #[test]
    fn chinese_quotes_are_text_and_full_width_operators_work() {
        let q = parse("加快建设“五个中心” 「孵化器」").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![lit(Scope::Any, "加快建设“五个中心”", false)], vec![lit(Scope::Any, "「孵化器」", false)]]
        );
        let q = parse("张江　ＯＲ　临港 －广告 ＂集成 电路＂").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![lit(Scope::Any, "张江", false), lit(Scope::Any, "临港", false)],
                vec![lit(Scope::Any, "集成 电路", true)]
            ]
        );
        assert_eq!(q.excluded, vec![lit(Scope::Any, "广告", false)]);
        // ＯＲ inside a word is text.
        assert_eq!(parse("ＡＯＲＢ").unwrap().groups, vec![vec![lit(Scope::Any, "ＡＯＲＢ", false)]]);
    }

    #[test]
    fn reports_errors_with_a_column() {
        for (q, col) in [("人工 \"智能", 3), ("OR 张江", 0), ("张江 OR", 3), ("foo:bar", 0), ("a -", 2), ("\"\"", 0)]
        {
            let e = parse(q).unwrap_err();
            assert_eq!(e.column, col, "{q}: {e}");
        }
        assert!(parse("   ").is_err());
    }
}
