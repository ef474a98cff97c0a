//! Near-duplicate signatures: what makes two articles "the same story" cheap to tell
//! without reading either. An article's folded text, letters, digits and CJK characters
//! only (punctuation and spaces dropped, so a repost that changed `，` into `、` or
//! full-width into half-width forms is the same text), is cut into overlapping
//! 5-character shingles; the signature is a one-permutation MinHash of that set
//! (Li, Owen & Zhang 2012, with Shrivastava's 2017 densification for empty bins): one
//! hash per shingle instead of one per shingle and permutation, so signing an article
//! costs about as much as reading it. Two signatures agree in a bin with probability
//! the Jaccard similarity of the two shingle sets; [`similarity`] is that estimate.
//! Bins are grouped into [`BANDS`] bands (locality-sensitive hashing): articles sharing
//! a band are the candidates that are compared at all.

use twox_hash::XxHash3_64;

use super::fold::fold_char;

/// Characters per shingle.
pub const SHINGLE: usize = 5;

/// Bins of a signature.
pub const BINS: usize = 128;

/// Bins per band: two articles are compared when all the bins of one band agree. With
/// 32 bands of 4, a pair at Jaccard 0.8 is compared with probability 1 − 10⁻⁷, a pair at
/// 0.5 with 0.87, a pair at 0.2 with 0.05.
pub const ROWS: usize = 4;

/// Bands of a signature.
pub const BANDS: usize = BINS / ROWS;

/// Bytes of a stored signature (each bin keeps 16 bits of its minimum's hash).
pub const BYTES: usize = BINS * 2;

/// The signature of `text`: [`BYTES`] bytes, empty when the text has no letter, digit or
/// CJK character (such articles are nobody's copy).
pub fn signature(text: &str) -> Vec<u8> {
    let mut chars: Vec<char> = Vec::with_capacity(text.len() / 3);
    for c in text.chars() {
        fold_char(c, |f| {
            if f.is_alphanumeric() {
                chars.push(f);
            }
        });
    }
    if chars.is_empty() {
        return Vec::new();
    }
    let mut min = [u64::MAX; BINS];
    let mut buf = [0u8; SHINGLE * 4];
    let width = SHINGLE.min(chars.len());
    for window in chars.windows(width) {
        let mut n = 0;
        for c in window {
            n += c.encode_utf8(&mut buf[n..]).len();
        }
        let h = XxHash3_64::oneshot(&buf[..n]);
        // The high bits choose the bin, the rest order the shingles within it.
        let bin = (((h >> 32) * BINS as u64) >> 32) as usize;
        let rank = h & 0xFFFF_FFFF;
        let kept = &mut min[bin];
        // Rank in the low 32 bits, the stored 16 bits above them.
        let value = (rank << 16) | ((h >> 32) & 0xFFFF);
        if value < *kept {
            *kept = value;
        }
    }
    let mut sig = Vec::with_capacity(BYTES);
    for bin in 0..BINS {
        let mut v = min[bin];
        // An empty bin borrows the value of a full one, chosen by a hash of the bin and
        // the attempt: the same for every article, so agreeing texts still agree.
        let mut attempt = 0u64;
        while v == u64::MAX {
            attempt += 1;
            let probe = XxHash3_64::oneshot_with_seed(attempt, &(bin as u64).to_le_bytes());
            v = min[(((probe >> 32) * BINS as u64) >> 32) as usize];
        }
        sig.extend_from_slice(&((v & 0xFFFF) as u16).to_le_bytes());
    }
    sig
}

/// The estimated Jaccard similarity of the shingle sets behind two signatures: the
/// share of bins that agree (0 when either is empty or they differ in length).
pub fn similarity(a: &[u8], b: &[u8]) -> f64 {
    if a.len() != BYTES || b.len() != BYTES {
        return 0.0;
    }
    let same = a.chunks_exact(2).zip(b.chunks_exact(2)).filter(|(x, y)| x == y).count();
    same as f64 / BINS as f64
}

/// The hashes of the bands of a signature (none for an empty one); a band's hash
/// includes its number, so equal hashes mean the same band agrees.
pub fn bands(sig: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let n = if sig.len() == BYTES { BANDS } else { 0 };
    (0..n).map(move |b| band(sig, b))
}

/// The hash of band `b` (< [`BANDS`]) of a full signature.
pub fn band(sig: &[u8], b: usize) -> u32 {
    let bytes = sig.get(b * ROWS * 2..(b + 1) * ROWS * 2).unwrap_or(&[]);
    XxHash3_64::oneshot_with_seed(b as u64, bytes) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact Jaccard similarity of the shingle sets (what the signature estimates).
    fn jaccard(a: &str, b: &str) -> f64 {
        let set = |t: &str| {
            let chars: Vec<char> = crate::analysis::fold::fold(t).chars().filter(|c| c.is_alphanumeric()).collect();
            chars.windows(SHINGLE).map(|w| w.iter().collect::<String>()).collect::<std::collections::HashSet<_>>()
        };
        let (x, y) = (set(a), set(b));
        x.intersection(&y).count() as f64 / x.union(&y).count() as f64
    }

    #[test]
    fn surface_changes_do_not_change_the_signature() {
        let a = "国务院新闻办公室今天举行发布会，介绍2025年上半年国民经济运行情况。";
        let b = "國務院新聞辦公室今天舉行發佈會、介紹２０２５年上半年國民經濟運行情況！";
        assert_eq!(signature(a), signature(b));
        assert_eq!(signature(a).len(), BYTES);
        assert!(signature("，。！ ").is_empty());
        assert_eq!(similarity(&signature(a), &signature("")), 0.0);
    }

    #[test]
    fn the_estimate_follows_the_exact_similarity() {
        // A long text and copies with ever more of it replaced.
        let base: String = (0..400).map(|i| char::from_u32(0x4E00 + (i * 7919 % 20000)).unwrap_or('中')).collect();
        for cut in [0usize, 40, 80, 160, 240] {
            let other: String = base.chars().take(400 - cut).chain("新的段落内容".chars().cycle().take(cut)).collect();
            let exact = jaccard(&base, &other);
            let estimate = similarity(&signature(&base), &signature(&other));
            assert!((exact - estimate).abs() < 0.15, "cut {cut}: exact {exact:.3}, estimate {estimate:.3}");
        }
        let sig = signature(&base);
        assert_eq!(bands(&sig).count(), BANDS);
        assert_eq!(bands(&sig).collect::<Vec<_>>(), bands(&signature(&base)).collect::<Vec<_>>());
    }
}
