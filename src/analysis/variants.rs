//! Variant spellings, asked for (`~著作`, `--variants`): the characters OpenCC's
//! variant tables hold to be the same character written another way, where folding
//! keeps them apart. Folding ([`super::fold`]) maps traditional to simplified one to one
//! and is applied to every document, so it stays strict: 着 the particle is not 著, and
//! 瞭 (瞭望) is not 了. A query may still want them all: each Chinese character of a
//! literal is expanded to its variant set here and the literal becomes the union of its
//! spellings; the index is unchanged.
//!
//! The sets are built, in folded form, from OpenCC's tables (Apache-2.0, `data/opencc/`):
//! `TWVariants` (Taiwan), `HKVariants` (Hong Kong), `JPShinjitaiCharacters` (Japanese
//! shinjitai, 図 → 圖), and the one-to-many entries of `STCharacters`/`TSCharacters`
//! (了 → 了 瞭). Two characters are variants when one table entry names both and they
//! fold apart; a character's set is itself and its direct variants (not a chain of them).

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use super::fold::fold;

/// The tables: name, text, and whether every entry counts or only one-to-many ones.
const TABLES: [(&str, &str, bool); 5] = [
    ("TWVariants", include_str!("../../data/opencc/TWVariants.txt"), true),
    ("HKVariants", include_str!("../../data/opencc/HKVariants.txt"), true),
    ("JPShinjitaiCharacters", include_str!("../../data/opencc/JPShinjitaiCharacters.txt"), true),
    ("STCharacters", include_str!("../../data/opencc/STCharacters.txt"), false),
    ("TSCharacters", include_str!("../../data/opencc/TSCharacters.txt"), false),
];

/// Most spellings one literal may expand to.
pub const MAX_SPELLINGS: usize = 256;

/// Folded character → its other folded variants, built on first use.
fn variants() -> &'static HashMap<char, BTreeSet<char>> {
    static MAP: OnceLock<HashMap<char, BTreeSet<char>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<char, BTreeSet<char>> = HashMap::new();
        for (_, text, every) in TABLES {
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let Some((key, values)) = line.split_once('\t') else { continue };
                let values: Vec<&str> = values.split_whitespace().collect();
                if !every && values.len() < 2 {
                    continue;
                }
                let one_char = |s: &&str| s.chars().count() == 1;
                let folded: BTreeSet<char> = std::iter::once(key)
                    .chain(values)
                    .filter(one_char)
                    .filter_map(|s| fold(s).chars().next())
                    .collect();
                for &a in &folded {
                    for &b in folded.iter().filter(|&&b| b != a) {
                        map.entry(a).or_default().insert(b);
                    }
                }
            }
        }
        map
    })
}

/// The folded spellings of `text`: every combination of each character's variants,
/// the folded text itself first. `Err(n)`: more than [`MAX_SPELLINGS`] (`n` so far).
pub fn spellings(text: &str) -> Result<Vec<String>, usize> {
    let map = variants();
    let mut out = vec![String::new()];
    for c in fold(text).chars() {
        let others = map.get(&c);
        let n = out.len() * (1 + others.map_or(0, BTreeSet::len));
        if n > MAX_SPELLINGS {
            return Err(n);
        }
        let mut next = Vec::with_capacity(n);
        for alt in std::iter::once(c).chain(others.into_iter().flatten().copied()) {
            next.extend(out.iter().map(|s| format!("{s}{alt}")));
        }
        out = next;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_cover_each_table_and_folding_stays_strict() {
        // One-to-many simplified ↔ traditional.
        assert_eq!(spellings("了解"), Ok(vec!["了解".to_string(), "瞭解".to_string()]));
        // Traditional input folds first: 瞭解 asks for the same set.
        assert_eq!(spellings("瞭解").map(|v| v.len()), Ok(2));
        // Japanese shinjitai: 図 is 圖, which folds to 图.
        assert!(spellings("图书馆").expect("few").contains(&"図书馆".to_string()));
        // Hong Kong / Taiwan: 着 and 著.
        assert!(spellings("著作").expect("few").contains(&"着作".to_string()));
        // Latin and characters without variants stay as they are.
        assert_eq!(spellings("AI芯片"), Ok(vec!["ai芯片".to_string()]));
        assert_eq!(fold("瞭"), "瞭");
        // Too many combinations is an error, not a blow-up.
        assert!(spellings(&"了著図".repeat(8)).is_err());
    }
}
