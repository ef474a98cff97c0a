//! Regular expressions as sou runs them: on folded text (non-ASCII characters of the
//! expression folded as the text is), any case, `^`/`$` at line ends. Here, below the
//! query language, so that snippets can highlight matches too.

use regex::{Regex, RegexBuilder};

use super::fold::fold;

/// The largest compiled expression accepted (the regex crate's default is 10 MiB); a
/// bound on what one query may cost to build.
const SIZE_LIMIT: usize = 4 << 20;

/// The expression as it runs on folded text: non-ASCII characters folded as the text is
/// (traditional → simplified, full-width → half-width), an ASCII symbol that folding
/// produced escaped (a full-width `（` is a parenthesis to match, not a group).
pub fn folded_source(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for c in source.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        for f in fold(&c.to_string()).chars() {
            if f.is_ascii() && regex_syntax::is_meta_character(f) {
                out.push('\\');
            }
            out.push(f);
        }
    }
    out
}

fn builder(folded: &str) -> RegexBuilder {
    let mut b = RegexBuilder::new(folded);
    b.case_insensitive(true).multi_line(true).size_limit(SIZE_LIMIT);
    b
}

/// Compiles a query's expression (as typed, between the slashes) for folded text; the
/// error says what is wrong in the expression.
pub fn compile(source: &str) -> Result<Regex, String> {
    builder(&folded_source(source)).build().map_err(|e| match e {
        regex::Error::Syntax(s) => {
            s.lines().last().unwrap_or("invalid").trim().trim_start_matches("error: ").to_string()
        }
        regex::Error::CompiledTooBig(_) => "the expression is too large".to_string(),
        _ => e.to_string(),
    })
}
