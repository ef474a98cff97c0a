//! Character folding shared by indexing and querying: one NFKC pass per character
//! (full-width → half-width, compatibility forms), Latin lower-casing, and
//! traditional → simplified Chinese (OpenCC's one-to-one character table).
//!
//! Folding is per character and context-free, so a query and a document always fold the
//! same string the same way, and every folded character can be traced back to the
//! original character it came from (snippets highlight the original text).

use unicode_normalization::UnicodeNormalization;

include!(concat!(env!("OUT_DIR"), "/t2s.rs"));

/// Simplified form of a traditional Chinese character; other characters unchanged.
#[inline]
pub(crate) fn t2s(c: char) -> char {
    let code = c as u32;
    if code < T2S_BMP_START {
        return c;
    }
    if let Some(&delta) = T2S_BMP.get((code - T2S_BMP_START) as usize) {
        return if delta == 0 { c } else { char::from_u32(code.wrapping_add_signed(delta)).unwrap_or(c) };
    }
    match T2S_OTHER.binary_search_by_key(&code, |&(from, _)| from) {
        Ok(i) => char::from_u32(T2S_OTHER[i].1).unwrap_or(c),
        Err(_) => c,
    }
}

/// Whether NFKC leaves `c` alone, decided cheaply for the common ranges.
#[inline]
fn nfkc_identity(c: char) -> bool {
    matches!(c as u32,
        0x00..=0x9F            // ASCII and C1 controls
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0x3001..=0x3003      // 、。〃
        | 0x3008..=0x3011      // 〈〉《》「」『』【】
        | 0x3014..=0x3017      // 〔〕〖〗
        | 0x00B7 | 0x2013..=0x2014 | 0x2022 // · – — •
        | 0x2018..=0x2019 | 0x201C..=0x201D)
}

/// Full-width forms of ASCII `!`..`~` (，：（）！？ in Chinese text): NFKC maps each to
/// its ASCII character, 0xFEE0 below.
#[inline]
pub(crate) fn full_width_ascii(c: char) -> Option<char> {
    matches!(c as u32, 0xFF01..=0xFF5E).then(|| char::from((c as u32 - 0xFEE0) as u8))
}

/// Feeds the folded form of `c` (zero or more characters) to `out`.
#[inline]
pub fn fold_char(c: char, mut out: impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
    } else if nfkc_identity(c) {
        out(t2s(c));
    } else if let Some(a) = full_width_ascii(c) {
        out(a.to_ascii_lowercase());
    } else {
        slow_fold_char(c, out);
    }
}

/// The general case of [`fold_char`]: NFKC, then lower case, then simplified forms.
fn slow_fold_char(c: char, mut out: impl FnMut(char)) {
    for d in std::iter::once(c).nfkc() {
        for l in d.to_lowercase() {
            out(t2s(l));
        }
    }
}

/// The folded form of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |f| out.push(f));
    }
    out
}

/// Folds `text` and maps it back: the second value holds, for every byte of the folded
/// text and one past its end, the byte offset in `text` of the character it came from
/// (so folded `[s, e)` came from `text[map[s]..map[e]]`).
pub(crate) fn fold_mapped(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        fold_char(c, |f| {
            out.push(f);
            map.resize(out.len(), i);
        });
    }
    map.push(text.len());
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_folding_leads_back_to_the_original() {
        let text = "ＡＩ與國家主席℃";
        let (folded, map) = fold_mapped(text);
        assert_eq!(folded, fold(text));
        assert_eq!(map.len(), folded.len() + 1);
        let at = folded.find("国家").expect("folded");
        assert_eq!(&text[map[at]..map[at + "国家".len()]], "國家");
        assert_eq!(&text[map[0]..map[2]], "ＡＩ");
        let deg = folded.find('°').expect("℃ folds to °c");
        assert_eq!(&text[map[deg]..map[folded.len()]], "℃");
    }

    #[test]
    fn folds_width_case_and_script() {
        assert_eq!(fold("ＡＩ"), "ai");
        assert_eq!(fold("AI"), "ai");
        assert_eq!(fold("靜夜思"), "静夜思");
        assert_eq!(fold("國家主席"), "国家主席");
        assert_eq!(fold("５Ｇ網絡"), "5g网络");
        assert_eq!(fold("人工智能"), "人工智能");
    }

    #[test]
    fn shortcuts_fold_like_the_general_case() {
        let shortcut = |c: char| nfkc_identity(c) || full_width_ascii(c).is_some();
        let mut n = 0;
        for c in (0x80..0x11_0000).filter_map(char::from_u32).filter(|&c| shortcut(c)) {
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char(c, |f| fast.push(f));
            slow_fold_char(c, |f| slow.push(f));
            assert_eq!(fast, slow, "{c:?}");
            n += 1;
        }
        assert!(n > 20_000);
    }
}
