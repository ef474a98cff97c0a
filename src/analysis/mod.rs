//! Text analysis: one folding step and two views of the folded text.
//!
//! - [`fold`]: NFKC, Latin lower-case, traditional → simplified, per character.
//! - [`words`]: jieba words, for BM25 ranking.
//! - [`chars`]: CJK characters/bigrams and whole Latin words with positions, for
//!   grep-exact matching of any literal.
//! - [`nouns`]: which words are keyword candidates (nouns, by jieba's tags).
//! - [`dictionary`]: jieba's dictionary and the user's words, stored with the index;
//!   query-time segmentation without loading the full dictionary.
//! - [`segment`]: the query-time segmenter, jieba's cut without building a `Jieba`.
//! - [`tokenizers`]: the views as tantivy tokenizers for the index writer.
//! - [`variants`]: variant spellings a query may ask for (`~著作`), from OpenCC's tables.
//! - [`minhash`]: near-duplicate signatures of whole articles (reposts, one story).

pub mod chars;
pub mod dictionary;
pub mod fold;
pub mod minhash;
pub mod nouns;
pub mod pattern;
pub mod segment;
pub(crate) mod tokenizers;
pub mod variants;
pub mod words;
