//! PDFs with a text layer (newspaper pages, reports), read by `pdf-extract`: the text
//! of each page in order, with the spaces PDF layout puts between Chinese characters
//! removed, then read as plain text (column hard-wraps joined, header lines for title,
//! source and date). A scanned PDF without text is a warning, never an empty document.

use std::cell::Cell;
use std::sync::Once;

use super::{text, Item, Options, Problem};
use crate::analysis::chars::is_cjk;

/// Reads the PDF in `bytes` as one article.
pub fn read(path: &str, bytes: &[u8], opts: &Options, emit: &mut dyn FnMut(Item)) {
    let pages = match quietly(|| pdf_extract::extract_text_from_mem_by_pages(bytes)) {
        Ok(Ok(pages)) => pages,
        Ok(Err(e)) => {
            emit(Item::Problem(Problem::file(path, &format!("a PDF sou cannot read ({e}); skipped"))));
            return;
        }
        Err(()) => {
            emit(Item::Problem(Problem::file(path, "a PDF sou cannot read (its structure is broken); skipped")));
            return;
        }
    };
    let text: Vec<String> = pages.iter().map(|p| join_cjk_spacing(p)).collect();
    let text = text.join("\n");
    let text = text.trim_start();
    if text.chars().filter(|c| !c.is_whitespace()).count() < 2 {
        let message = format!("no text layer in {} pages (a scanned PDF?); OCR it first; skipped", pages.len());
        emit(Item::Problem(Problem::file(path, &message)));
        return;
    }
    text::read(path, text, opts, emit);
}

/// Text with the spaces between two Chinese characters removed (PDF layout places
/// each glyph, and extraction puts a space wherever there is a gap), runs of spaces
/// folded, and form feeds as line breaks.
pub fn join_cjk_spacing(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(|c| if c == '\u{c}' { '\n' } else { c }).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            let mut j = i;
            while j < chars.len() && matches!(chars[j], ' ' | '\u{3000}' | '\u{a0}') {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            // Between two Chinese characters, or beside full-width punctuation (which
            // carries its own spacing), a gap is layout, not a word break.
            let joins = before.is_some_and(is_cjk_punct)
                || after.is_some_and(is_cjk_punct)
                || (before.is_some_and(is_cjk) && after.is_some_and(is_cjk));
            if !joins && before.is_some_and(|b| b != '\n') && after.is_some_and(|a| a != '\n') {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '“' | '”' | '‘' | '’' | '…' | '—')
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic in it (a parser's on a malformed file) into `Err`
/// without printing it: the file is reported as unreadable and the run goes on.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_characters_go_and_others_stay() {
        assert_eq!(join_cjk_spacing("国 家 主 席  说 ， AI 芯片 in 2025"), "国家主席说，AI 芯片 in 2025");
        assert_eq!(join_cjk_spacing("一\u{c}二"), "一\n二");
        assert!(quietly(|| -> () { panic!("boom") }).is_err());
    }
}
