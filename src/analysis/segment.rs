//! Query-time segmentation without a `Jieba`: the word view of a query must be cut
//! exactly as the index was (jieba-rs's `cut(text, true)` over the full dictionary), but
//! even the tiny `Jieba` of [`Dictionary::jieba_for`] costs ~0.5 ms of a 5 ms query, most
//! of it zero-filling a 512 KB table.
//!
//! jieba's segmentation is a dictionary step and an HMM step. The dictionary step (word
//! DAG, best route by log frequency) is replicated here exactly, over the dictionary words
//! found in the query. The HMM is consulted only for runs of two or more single Han
//! characters that the route leaves unjoined and that are no word themselves (rare
//! names, new words); for those the segmenter falls back to a `Jieba` built for the query.

use std::cell::OnceCell;
use std::collections::HashMap;

use jieba_rs::Jieba;

use super::dictionary::Dictionary;

/// Segments the literals of one query like the index's segmenter did.
pub struct QuerySegmenter {
    dict: Dictionary,
    /// Every text this segmenter will be asked to cut, joined.
    text: String,
    /// The dictionary words occurring in `text`, with their natural-log frequencies.
    log_freqs: HashMap<String, f64>,
    /// Longest of those words, in characters.
    longest: usize,
    /// Natural log of the dictionary's total frequency.
    log_total: f64,
    /// The `Jieba` for runs that need the HMM, built on first need.
    fallback: OnceCell<Jieba>,
}

/// One step of the best route: where the word starting here ends, and the log
/// probability of the best segmentation of the rest.
#[derive(Clone, Copy)]
struct Step {
    prob: f64,
    end: usize,
}

/// jieba's block class: Han characters, ASCII letters and digits, and `+#&._%-`.
fn is_block_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
        || if c.is_ascii() {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
        } else {
            matches!(c,
                '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2A6DF}'
                | '\u{2A700}'..='\u{2B73F}' | '\u{2B740}'..='\u{2B81F}' | '\u{2B820}'..='\u{2CEAF}'
                | '\u{2CEB0}'..='\u{2EBEF}' | '\u{2F800}'..='\u{2FA1F}')
        }
}

/// The characters jieba's HMM covers.
fn is_hmm_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}')
}

impl QuerySegmenter {
    /// A segmenter for `text` (all the query's folded literals, joined by spaces) and
    /// any part of it.
    pub fn new(dict: &Dictionary, text: &str) -> QuerySegmenter {
        let found = dict.words_in(text);
        let longest = found.keys().map(|w| w.chars().count()).max().unwrap_or(0);
        let log_freqs = found.into_iter().map(|(w, f)| (w.to_string(), (f as f64).ln())).collect();
        QuerySegmenter {
            dict: dict.clone(),
            text: text.to_string(),
            log_freqs,
            longest,
            log_total: (dict.total_freq() as f64).ln(),
            fallback: OnceCell::new(),
        }
    }

    /// The tokens of `text` (a part of the text given to [`QuerySegmenter::new`]), as
    /// jieba's `cut(text, true)` with the full dictionary returns them.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        if let Some(words) = self.cut_without_hmm(text) {
            return words;
        }
        let jieba = self.fallback.get_or_init(|| self.dict.jieba_for(&self.text));
        jieba.cut(text, true).into_iter().map(|t| t.word).collect()
    }

    /// The tokens of `text`, or None when jieba would consult its HMM.
    pub fn cut_without_hmm<'a>(&self, text: &'a str) -> Option<Vec<&'a str>> {
        let mut words = Vec::new();
        let mut rest = text;
        while let Some(first) = rest.chars().next() {
            let in_block = is_block_char(first);
            let len = rest.find(|c| is_block_char(c) != in_block).unwrap_or(rest.len());
            let (run, after) = rest.split_at(len);
            if in_block {
                self.cut_block(run, &mut words)?;
            } else {
                // Outside blocks every character is a token; "\r\n" is one.
                let mut chars = run.char_indices().peekable();
                while let Some((i, c)) = chars.next() {
                    let end = if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                        chars.next();
                        i + 2
                    } else {
                        i + c.len_utf8()
                    };
                    words.push(&run[i..end]);
                }
            }
            rest = after;
        }
        Some(words)
    }

    /// Log frequency of `word` when it is a dictionary word.
    fn word(&self, word: &str) -> Option<f64> {
        self.log_freqs.get(word).copied()
    }

    /// Cuts one block along the best route through its dictionary words (jieba's `calc`
    /// and `cut_route`); None when a run of single characters needs the HMM.
    fn cut_block<'a>(&self, block: &'a str, words: &mut Vec<&'a str>) -> Option<()> {
        let mut at: Vec<usize> = block.char_indices().map(|(i, _)| i).collect();
        let n = at.len();
        at.push(block.len());
        let span = |x: usize, y: usize| &block[at[x]..at[y]];
        // Best route from the end, as jieba computes it: ties go to the longer word.
        let mut route = vec![Step { prob: 0.0, end: n }; n + 1];
        for x in (0..n).rev() {
            let mut best: Option<Step> = None;
            for (y, after) in route.iter().enumerate().take(n.min(x + self.longest) + 1).skip(x + 1) {
                let Some(log_freq) = self.word(span(x, y)) else { continue };
                let prob = log_freq - self.log_total + after.prob;
                if best.is_none_or(|b| prob > b.prob || (prob == b.prob && y > b.end)) {
                    best = Some(Step { prob, end: y });
                }
            }
            route[x] = best.unwrap_or(Step { prob: -self.log_total + route[x + 1].prob, end: x + 1 });
        }
        // Words of two or more characters are emitted; runs of single characters go
        // through `cut_run`.
        let mut x = 0;
        let mut run_start: Option<usize> = None;
        while x < n {
            let y = route[x].end;
            if y - x == 1 {
                run_start.get_or_insert(x);
            } else {
                if let Some(s) = run_start.take() {
                    self.cut_run(block, &at, s, x, words)?;
                }
                words.push(span(x, y));
            }
            x = y;
        }
        if let Some(s) = run_start {
            self.cut_run(block, &at, s, n, words)?;
        }
        Some(())
    }

    /// A run of characters `x..y` the route left single: one character, or a dictionary
    /// word, stays as characters; otherwise jieba's HMM cuts it. Only the HMM's trivial
    /// cases are replicated: single Han characters and whole runs of ASCII letters and
    /// digits.
    fn cut_run<'a>(&self, block: &'a str, at: &[usize], x: usize, y: usize, words: &mut Vec<&'a str>) -> Option<()> {
        let span = |x: usize, y: usize| &block[at[x]..at[y]];
        if y - x == 1 || self.word(span(x, y)).is_some() {
            words.extend((x..y).map(|i| span(i, i + 1)));
            return Some(());
        }
        let mut i = x;
        while i < y {
            let han = block[at[i]..].starts_with(is_hmm_han);
            let mut j = i + 1;
            while j < y && block[at[j]..].starts_with(is_hmm_han) == han {
                j += 1;
            }
            let piece = span(i, j);
            let trivial = if han { j - i == 1 } else { piece.bytes().all(|b| b.is_ascii_alphanumeric()) };
            if !trivial {
                return None;
            }
            words.push(piece);
            i = j;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both query-time segmenters (this one and its fallback, the tiny `Jieba` of
    /// [`Dictionary::jieba_for`]) against the full dictionary.
    #[test]
    fn cuts_like_the_full_segmenter() {
        let dict = Dictionary::default();
        let full = dict.full_jieba();
        for text in [
            "上海国际科技创新中心建设",
            "中华人民共和国国家主席习近平",
            "人工智能和集成电路产业",
            "床前明月光疑是地上霜",
            "供给侧结构性改革",
            "5g网络与iphone手机",
            "c++ and .net 3.5% r&d",
            "黄河远上白云间 欲出未出光辣达",
            "王小明去了趟北京",
        ] {
            let seg = QuerySegmenter::new(&dict, text);
            let expected: Vec<&str> = full.cut(text, true).iter().map(|t| t.word).collect();
            let small: Vec<&str> = dict.jieba_for(text).cut(text, true).iter().map(|t| t.word).collect();
            assert_eq!(small, expected, "{text}");
            assert_eq!(seg.cut(text), expected, "{text}");
            if let Some(words) = seg.cut_without_hmm(text) {
                assert_eq!(words, expected, "{text}");
            }
        }
    }

    #[test]
    fn the_benchmark_queries_mostly_need_no_hmm() {
        let dict = Dictionary::default();
        // bench/run's queries (../shared/bench/queries-news.txt and the poetry list).
        let queries = "上海 科技 经济 北京 疫苗 银行 机器人 互联网 房地产 新能源 创中心 习近平 人工智能 \
            自动驾驶 一带一路 股市 中国人民银行 供给侧结构性改革 AI app iPhone \
            月 明月 長安 春風 故鄉 黃河遠上 白日依山盡 靜夜思";
        let mut with_hmm = Vec::new();
        for q in queries.split_whitespace() {
            let q = super::super::fold::fold(q);
            if QuerySegmenter::new(&dict, &q).cut_without_hmm(&q).is_none() {
                with_hmm.push(q);
            }
        }
        // Lines of verse: the route leaves runs of single characters (黄河 远 上) that
        // only the HMM cuts.
        assert_eq!(with_hmm, vec!["黄河远上", "白日依山尽"]);
    }
}
