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
pub fn fold_mapped(text: &str) -> (String, Vec<usize>) {
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

/// Where folding changed byte offsets: from each of these folded offsets on (until the
/// next), the original offset is the folded one plus the shift.
pub type Shifts = Vec<(usize, isize)>;

/// Folds `text`, noting where the folded text's byte offsets stop matching the
/// original's (a full-width comma is three bytes, its fold one): few points, where
/// [`fold_mapped`] keeps one per byte.
pub fn fold_shifted(text: &str) -> (String, Shifts) {
    let mut out = String::with_capacity(text.len());
    let mut shifts = Vec::new();
    let mut shift: isize = 0;
    for (i, c) in text.char_indices() {
        fold_char(c, |f| out.push(f));
        let now = (i + c.len_utf8()) as isize - out.len() as isize;
        if now != shift {
            shift = now;
            shifts.push((out.len(), shift));
        }
    }
    (out, shifts)
}

/// The original offset of folded offset `at` (a character boundary of both).
pub fn unshift(shifts: &Shifts, at: usize) -> usize {
    let i = shifts.partition_point(|&(from, _)| from <= at);
    let shift = if i == 0 { 0 } else { shifts[i - 1].1 };
    (at as isize + shift) as usize
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
    fn shifted_folding_maps_offsets_back() {
        let text = "ＡＩ，國家主席℃与，中国";
        let (folded, shifts) = fold_shifted(text);
        assert_eq!(folded, fold(text));
        let (_, map) = fold_mapped(text);
        // Every folded offset where an original character's fold starts.
        for (at, _) in folded.char_indices().chain([(folded.len(), ' ')]) {
            if at == 0 || map[at] != map[at - 1] {
                assert_eq!(unshift(&shifts, at), map[at], "{at}");
            }
        }
        assert!(fold_shifted("国家主席").1.is_empty());
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
