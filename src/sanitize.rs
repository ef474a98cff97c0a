//! Text from documents is untrusted: before it reaches a terminal or a TSV/CSV line,
//! ANSI escape sequences and C0/C1 control characters are removed (tabs and newlines
//! become spaces), so a document cannot move the cursor, recolour or spoof output.

/// `s` with escape sequences and control characters removed and white space runs
/// collapsed to one space.
pub fn clean(s: &str) -> String {
    scrub(s, true)
}

/// `s` with escape sequences and control characters other than newline and tab removed;
/// white space kept as it is (snippets still see sentence and line ends).
pub fn strip_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    if !needs_scrub(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(scrub(s, false))
}

/// Whether `s` holds a control character other than newline, tab and carriage return,
/// or a format control: a scan of the bytes, decoding only where such a character can
/// start (C0 and DEL bytes, C1 controls' lead byte 0xC2, format controls' 0xE2), since
/// every snippet of every printed hit asks it of a whole article.
fn needs_scrub(s: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = s.as_bytes();
    // A block with no byte that can start such a character (a test the compiler runs on
    // many bytes at once) is passed over; only the others are looked at byte by byte.
    let suspect = |b: u8| (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2);
    (0..bytes.len()).step_by(BLOCK).any(|from| {
        let block = &bytes[from..bytes.len().min(from + BLOCK)];
        block.iter().fold(false, |any, &b| any | suspect(b)) && needs_scrub_at(s, from, block.len())
    })
}

/// [`needs_scrub`] for the `len` bytes of `s` from `from`, byte by byte.
fn needs_scrub_at(s: &str, from: usize, len: usize) -> bool {
    let bytes = s.as_bytes();
    (from..from + len).any(|i| match bytes[i] {
        b'\n' | b'\t' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        0xe2 => s.get(i..).and_then(|rest| rest.chars().next()).is_some_and(is_format_control),
        _ => false,
    })
}

/// Zero-width and bidirectional controls (U+200B–200F, U+202A–202E, U+2066–2069): they
/// reorder or hide what a terminal shows. (The zero-width joiner, U+200D, is kept: it
/// holds emoji sequences such as 👨‍👩‍👧 together.)
fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn scrub(s: &str, collapse: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ params final-byte; OSC: ESC ] ... BEL or ESC \ ; others: ESC + one char.
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    for d in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&d) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    chars.next();
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' || (d == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {
                    chars.next();
                }
            }
            continue;
        }
        if !collapse && matches!(c, '\n' | '\t' | '\r') {
            out.push(c);
            continue;
        }
        if collapse && c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        if c.is_control() || is_format_control(c) {
            continue;
        }
        space = false;
        out.push(c);
    }
    if collapse {
        let t = out.trim_end().len();
        out.truncate(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m\tb\nc\u{7}d\u{9b}e"), "ared b cde");
        assert_eq!(clean("\u{1b}]0;title\u{7}标题"), "标题");
        assert_eq!(clean("  上海  科技 "), "上海 科技");
        assert_eq!(super::strip_escapes("正文\u{202e}txt.exe\n第二行"), "正文txt.exe\n第二行");
        // The byte scan finds what a walk of the characters finds.
        let long = [format!("{}\u{202e}", "中".repeat(40)), format!("{}\u{1b}[31m", "a".repeat(63))];
        let short =
            ["“引号”…—", "a\u{85}b", "\u{9f}", "tab\tline\r\n", "\u{7f}", "\u{2066}x", "\u{2069}", "\u{200d}👨", "é中"];
        for s in short.into_iter().chain(long.iter().map(String::as_str)) {
            let by_chars =
                s.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || super::is_format_control(c));
            assert_eq!(super::needs_scrub(s), by_chars, "{s:?}");
        }
        assert_eq!(clean("👨\u{200d}👩\u{200d}👧"), "👨\u{200d}👩\u{200d}👧");
    }
}
