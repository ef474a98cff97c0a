//! The query language: words are ANDed, `"quoted phrase"`, `A OR B`, `-word` excludes,
//! `( … )` groups, and `title:`, `content:`, `author:`, `source:` restrict a word, a
//! phrase or a group to a field (any searchable text or keyword field of the field
//! table). OR binds tighter than the implicit AND: `张江 OR 临港 人工智能` is
//! `(张江 OR 临港) 人工智能`.
//!
//! What users type in other engines means the same here: `AND` and `&&` are the
//! implicit AND, `||` is `OR`, `NOT word` and `!word` are `-word` (the words in
//! capitals only: `and`, `not` are text). A `*` is no wildcard: on a Chinese word it
//! is dropped with a note (every literal already matches inside longer words), elsewhere
//! it is searched as text with a note — never a silent zero.
//!
//! Proximity: `A NEAR/n B` (within n characters of each other, either order),
//! `A BEFORE/n B` (A first), `A SENT B` (one sentence), `A PARA B` (one paragraph) join
//! words or phrases, and chain (`A NEAR/5 B NEAR/5 C`: each link holds).
//!
//! Regular expressions: `/华为.{0,6}芯片/`, `title:/^人民日报/` (see [`super::pattern`]).
//!
//! The parser builds a tree ([`Node`]) that every back end translates: tantivy here,
//! other engines elsewhere.

use std::fmt;

use crate::analysis::variants;
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

/// Fields a query can name (`title:`, `source:`, `id:`, `url:` …).
fn addressable(spec: &Spec) -> bool {
    matches!(spec.kind, Kind::Text { .. } | Kind::Keyword | Kind::Id) || spec.field == Field::Url
}

/// Whether a literal of `scope` is a value compared whole (`source:`, `id:`) or part of
/// a URL (`url:`) rather than text searched by the character view.
pub fn is_value(scope: Scope) -> bool {
    matches!(scope, Scope::Field(f) if matches!(f.spec().kind, Kind::Keyword | Kind::Id) || f == Field::Url)
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
    /// Every value starting with `text` (`source:新华*`; exact-value fields only).
    pub prefix: bool,
}

/// A regular expression (`/…/`), matched against the folded text of a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// Where it must match.
    pub scope: Scope,
    /// The expression as typed, between the slashes (`\/` read as `/`).
    pub source: String,
}

/// A node of the query tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A word or phrase.
    Literal(Literal),
    /// A regular expression.
    Regex(Pattern),
    /// Every child must match (juxtaposition); a `Not` child must not.
    All(Vec<Node>),
    /// One of the children must match (`OR`).
    Any(Vec<Node>),
    /// Excluded (`-word`, `-( … )`): only ever a child of [`Node::All`].
    Not(Box<Node>),
    /// Literals standing near each other: `literals[i]` and `literals[i + 1]` as
    /// `links[i]` says (one link fewer than literals, at least one).
    Near {
        /// The literals, in the order typed.
        literals: Vec<Literal>,
        /// How each literal stands to the next.
        links: Vec<Link>,
    },
}

/// How two neighbouring literals of a [`Node::Near`] must stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Either order, at most this many characters between them (`NEAR/n`).
    Near(u32),
    /// The first, then the second, at most this many characters between (`BEFORE/n`).
    Before(u32),
    /// In one sentence (`SENT`).
    Sentence,
    /// In one paragraph (`PARA`).
    Paragraph,
}

impl Link {
    /// The operator as typed.
    pub fn name(self) -> String {
        match self {
            Link::Near(n) => format!("NEAR/{n}"),
            Link::Before(n) => format!("BEFORE/{n}"),
            Link::Sentence => "SENT".into(),
            Link::Paragraph => "PARA".into(),
        }
    }
}

/// The longest distance `NEAR/n` and `BEFORE/n` take, in characters.
pub const MAX_DISTANCE: u32 = 10_000;

impl Node {
    /// Calls `f` with every literal a matching document contains (not those under a
    /// `Not`): what snippets highlight.
    pub(crate) fn for_each_wanted<'a>(&'a self, f: &mut impl FnMut(&'a Literal)) {
        match self {
            Node::Literal(l) => f(l),
            Node::All(v) | Node::Any(v) => v.iter().for_each(|n| n.for_each_wanted(f)),
            Node::Not(_) | Node::Regex(_) => {}
            Node::Near { literals, .. } => literals.iter().for_each(f),
        }
    }

    /// Calls `f` with every regular expression a matching document matches (not those
    /// under a `Not`): what snippets highlight besides the literals.
    pub(crate) fn for_each_wanted_pattern<'a>(&'a self, f: &mut impl FnMut(&'a Pattern)) {
        match self {
            Node::Regex(p) => f(p),
            Node::All(v) | Node::Any(v) => v.iter().for_each(|n| n.for_each_wanted_pattern(f)),
            Node::Not(_) | Node::Literal(_) | Node::Near { .. } => {}
        }
    }

    /// Whether the tree holds what the index cannot decide alone — a proximity
    /// operator, a regular expression, a `url:` part — so that its candidates are
    /// checked one by one.
    pub fn needs_text_check(&self) -> bool {
        match self {
            Node::Literal(l) => l.scope == Scope::Field(Field::Url),
            Node::All(v) | Node::Any(v) => v.iter().any(Node::needs_text_check),
            Node::Not(n) => n.needs_text_check(),
            Node::Near { .. } | Node::Regex(_) => true,
        }
    }

    /// Calls `f` with every literal of the tree, excluded ones included.
    pub fn for_each_literal<'a>(&'a self, f: &mut impl FnMut(&'a Literal)) {
        match self {
            Node::Literal(l) => f(l),
            Node::All(v) | Node::Any(v) => v.iter().for_each(|n| n.for_each_literal(f)),
            Node::Not(n) => n.for_each_literal(f),
            Node::Near { literals, .. } => literals.iter().for_each(f),
            Node::Regex(_) => {}
        }
    }
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The tree; always a [`Node::All`] at the top.
    pub root: Node,
    /// What the parser read differently from what was typed (a `*` dropped or kept as
    /// text): each front-end shows them beside the results (stderr, the API's `notes`).
    pub notes: Vec<String>,
}

impl Default for Query {
    /// The query that matches everything (no condition).
    fn default() -> Self {
        Query { root: Node::All(Vec::new()), notes: Vec::new() }
    }
}

impl Query {
    /// The literals a matching document contains, in the order typed.
    pub fn wanted(&self) -> Vec<&Literal> {
        let mut v = Vec::new();
        self.root.for_each_wanted(&mut |l| v.push(l));
        v
    }
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

/// What the lexer sees.
#[derive(Debug, PartialEq)]
enum Tok {
    /// A word or phrase.
    Word { text: String, quoted: bool },
    /// `-` before a word or group.
    Minus,
    /// `field:` before a word or group.
    Scope(Field),
    /// `(`
    Open,
    /// `)`
    Close,
    /// `OR` (or `||`)
    Or,
    /// `AND` (or `&&`): what juxtaposition means anyway.
    And,
    /// `NEAR/n`, `BEFORE/n`, `SENT`, `PARA`.
    Link(Link),
    /// `/regular expression/`, as typed between the slashes.
    Regex(String),
    /// `~` before a word or phrase: any of its variant spellings.
    Variants,
}

fn err(query: &str, column: usize, message: impl Into<String>) -> ParseError {
    ParseError { message: message.into(), column, query: query.to_string() }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The query's characters with the full-width forms of the operators an input method
/// types (＂ － ＯＲ （ ）) read as their ASCII forms; one character for one, so columns
/// stay.
fn operator_chars(q: &str) -> Vec<char> {
    q.chars()
        .map(|c| match c {
            '＂' => '"',
            '－' => '-',
            '～' => '~',
            'Ｏ' => 'O',
            'Ｒ' => 'R',
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

/// The tokens, each with the column it starts at, and the notes on what was read
/// differently from what was typed.
type Lexed = (Vec<(usize, Tok)>, Vec<String>);

/// Splits the query into tokens, each with the column it starts at.
///
/// Only the ASCII quote (or its full-width form) is the phrase operator: Chinese
/// quotation marks (“” ‘’ 「」 『』) are text, matched like any punctuation. A `(` at the
/// start of a token opens a group; a `)` closes one unless it closes a `(` typed inside
/// the same word (`f(x)` is one word).
fn lex(q: &str) -> Result<Lexed, ParseError> {
    let mut lexer = Lexer { q, chars: operator_chars(q), typed: q.chars().collect(), i: 0, notes: Vec::new() };
    let mut toks = Vec::new();
    while lexer.i < lexer.chars.len() {
        let (i, c) = (lexer.i, lexer.chars[lexer.i]);
        // Here a token starts: words end only at a space or a `)`.
        let tok = match c {
            _ if is_space(c) => {
                lexer.i += 1;
                continue;
            }
            '(' => {
                lexer.i += 1;
                Tok::Open
            }
            ')' => {
                lexer.i += 1;
                Tok::Close
            }
            '-' => lexer.minus()?,
            // `!word` as other engines write `-word`; a lone `!` is text.
            '!' if !lexer.ends(i + 1) => lexer.minus()?,
            '"' => lexer.phrase()?,
            // `~word`: its variant spellings; a lone `~` is text.
            '~' if !lexer.ends(i + 1) => {
                lexer.i += 1;
                Tok::Variants
            }
            '/' => match lexer.regex()? {
                Some(tok) => tok,
                None => lexer.word()?,
            },
            _ => match lexer.scope()? {
                Some(scope) => scope,
                None => lexer.word()?,
            },
        };
        toks.push((i, tok));
    }
    Ok((toks, lexer.notes))
}

/// The lexer's position in the query.
struct Lexer<'q> {
    q: &'q str,
    /// The query's characters, full-width operators read as ASCII.
    chars: Vec<char>,
    /// The characters as typed (literals keep them).
    typed: Vec<char>,
    i: usize,
    /// What was read differently from what was typed.
    notes: Vec<String>,
}

impl Lexer<'_> {
    fn err(&self, column: usize, message: impl Into<String>) -> ParseError {
        err(self.q, column, message)
    }

    /// Whether the character at `i` ends a word (the end, a space or a `)`).
    fn ends(&self, i: usize) -> bool {
        i >= self.chars.len() || is_space(self.chars[i]) || self.chars[i] == ')'
    }

    /// `-` (or `!`) before a word or group.
    fn minus(&mut self) -> Result<Tok, ParseError> {
        if self.ends(self.i + 1) {
            return Err(self.err(self.i, "'-' must be followed by the word to exclude, e.g. -广告"));
        }
        self.i += 1;
        Ok(Tok::Minus)
    }

    /// `field:` (letters, then `:` or `：`) before a word, phrase or group; `None` when
    /// the word is no field name (a URL's `http:` is a word).
    fn scope(&mut self) -> Result<Option<Tok>, ParseError> {
        let (i, chars) = (self.i, &self.chars);
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j == i || j >= chars.len() || !(chars[j] == ':' || chars[j] == '：') {
            return Ok(None);
        }
        let name: String = chars[i..j].iter().collect::<String>().to_ascii_lowercase();
        match Field::from_name(&name).filter(|f| addressable(f.spec())) {
            Some(f) => {
                let after = j + 1;
                if self.ends(after) {
                    let message = format!("'{name}:' must be followed by a word, a \"phrase\" or a (group)");
                    return Err(self.err(after.min(chars.len()), message));
                }
                self.i = after;
                Ok(Some(Tok::Scope(f)))
            }
            // A URL is a word.
            None if name == "http" || name == "https" => Ok(None),
            None => {
                let names = Field::names(addressable, ":, ");
                Err(self.err(i, format!("unknown field '{name}:' (fields are {names}:)")))
            }
        }
    }

    /// A `"quoted phrase"`.
    fn phrase(&mut self) -> Result<Tok, ParseError> {
        let open_at = self.i;
        let body_start = open_at + 1;
        let Some(len) = self.chars[body_start..].iter().position(|&c| c == '"') else {
            return Err(self.err(open_at, "unclosed quote"));
        };
        let text: String = self.typed[body_start..body_start + len].iter().collect();
        self.i = body_start + len + 1;
        if text.trim().is_empty() {
            return Err(self.err(open_at, "empty phrase"));
        }
        Ok(Tok::Word { text, quoted: true })
    }

    /// A `/regular expression/`: from this `/` to the next one not escaped (`\/`) that
    /// ends a word; `None` when there is none (`/usr/bin` is a word).
    fn regex(&mut self) -> Result<Option<Tok>, ParseError> {
        let open_at = self.i;
        let mut j = open_at + 1;
        while j < self.chars.len() {
            match self.typed[j] {
                '\\' => j += 1,
                '/' if self.ends(j + 1) => break,
                _ => {}
            }
            j += 1;
        }
        if j >= self.chars.len() {
            return Ok(None);
        }
        let typed: String = self.typed[open_at + 1..j].iter().collect();
        let source = typed.replace("\\/", "/");
        // Messages show a long expression by its start.
        let shown: String =
            if typed.chars().count() > 40 { typed.chars().take(40).chain(['…']).collect() } else { typed.clone() };
        if source.is_empty() {
            return Err(self.err(open_at, "empty regular expression: write one between the slashes, e.g. /\\d+亿元/"));
        }
        if let Err(e) = super::pattern::compile(&source) {
            return Err(self.err(open_at, format!("bad regular expression /{shown}/: {e}")));
        }
        if super::pattern::required(&source) == super::pattern::Required::Anything {
            self.notes
                .push(format!("/{shown}/ requires no Chinese text the index can look up: every document is scanned"));
        }
        self.i = j + 1;
        Ok(Some(Tok::Regex(source)))
    }

    /// A word: up to a space, or a `)` that closes no `(` of the word itself; `OR`,
    /// `||`, `AND`, `&&` and `NOT` alone are operators.
    fn word(&mut self) -> Result<Tok, ParseError> {
        let start = self.i;
        let mut inner_parens = 0usize;
        while self.i < self.chars.len() && !is_space(self.chars[self.i]) {
            match self.chars[self.i] {
                '"' => return Err(self.err(self.i, "a quote must start a phrase, e.g. \"人工智能\"")),
                '(' => inner_parens += 1,
                ')' if inner_parens == 0 => break,
                ')' => inner_parens -= 1,
                _ => {}
            }
            self.i += 1;
        }
        let op: String = self.chars[start..self.i].iter().collect();
        match op.as_str() {
            "OR" | "||" => return Ok(Tok::Or),
            "AND" | "&&" => return Ok(Tok::And),
            "SENT" => return Ok(Tok::Link(Link::Sentence)),
            "PARA" => return Ok(Tok::Link(Link::Paragraph)),
            _ if op == "NEAR" || op == "BEFORE" || op.starts_with("NEAR/") || op.starts_with("BEFORE/") => {
                let (name, n) = op.split_once('/').unwrap_or((op.as_str(), ""));
                let n = n.parse::<u32>().ok().filter(|n| *n <= MAX_DISTANCE).ok_or_else(|| {
                    self.err(
                        start,
                        format!("{name} needs a distance in characters up to {MAX_DISTANCE}, e.g. 华为 {name}/5 芯片"),
                    )
                })?;
                return Ok(Tok::Link(if name == "NEAR" { Link::Near(n) } else { Link::Before(n) }));
            }
            "NOT" => {
                if self.chars[self.i..].iter().all(|&c| is_space(c)) {
                    return Err(self.err(start, "NOT must be followed by the word to exclude, e.g. NOT 广告"));
                }
                return Ok(Tok::Minus);
            }
            _ => {}
        }
        // A `*` is read by the parser, which knows the word's field.
        Ok(Tok::Word { text: self.typed[start..self.i].iter().collect(), quoted: false })
    }
}

/// A word without the `*` users type as a wildcard: dropped after Chinese text (a
/// literal already matches inside longer words), kept as text elsewhere; with a note.
fn unstarred(word: &str, notes: &mut Vec<String>) -> String {
    if !word.contains('*') {
        return word.to_string();
    }
    let stem = word.trim_end_matches('*');
    let chinese = stem.chars().last().is_some_and(crate::analysis::chars::is_cjk);
    if chinese && !stem.contains('*') {
        notes.push(format!(
            "'*' is not needed in sou: '{stem}' already matches inside longer words; searching for '{stem}'"
        ));
        return stem.to_string();
    }
    notes.push(format!("'*' is not a wildcard in sou; searching for the text '{word}'"));
    word.to_string()
}

/// The stem of `source:新华*`: a word ending in one `*` in a field of exact values
/// (source, author) is every value starting with the stem.
fn value_prefix(scope: Scope, word: &str) -> Option<String> {
    let Scope::Field(f) = scope else { return None };
    let stem = word.strip_suffix('*')?;
    (f.spec().kind == Kind::Keyword && !stem.trim().is_empty() && !stem.contains('*')).then(|| stem.to_string())
}

/// A recursive-descent parser over the tokens.
struct Parser<'a> {
    q: &'a str,
    toks: Vec<(usize, Tok)>,
    at: usize,
    /// Groups, exclusions and field scopes open around the current term.
    depth: usize,
    /// What the parser read differently from what was typed (the spellings of `~word`).
    notes: Vec<String>,
}

/// Deepest nesting of groups, exclusions and field scopes a query may have. Every walk
/// of a query tree (translation, highlights, whole words, remote engines) recurses: a
/// bound here bounds them all, far below what a thread's stack holds — a query of
/// 250 nested `-(` once overflowed the server's stack and killed it.
pub const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn column(&self) -> usize {
        self.toks.get(self.at).map_or(self.q.chars().count(), |(c, _)| *c)
    }

    /// A sequence of terms up to `)` or the end: all must match.
    fn sequence(&mut self, scope: Scope) -> Result<Vec<Node>, ParseError> {
        let mut nodes = Vec::new();
        while let Some(t) = self.peek() {
            match t {
                Tok::Close => break,
                // `AND` says what juxtaposition means: it needs a term on each side.
                Tok::And if !nodes.is_empty() => {
                    let col = self.column();
                    self.at += 1;
                    if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                        return Err(err(self.q, col, "AND needs a word on each side"));
                    }
                }
                _ => nodes.push(self.alternatives(scope)?),
            }
        }
        Ok(nodes)
    }

    /// Terms joined by OR.
    fn alternatives(&mut self, scope: Scope) -> Result<Node, ParseError> {
        let first_col = self.column();
        let first = self.proximity(scope)?;
        if self.peek() != Some(&Tok::Or) {
            return Ok(first);
        }
        let mut any = vec![first];
        while self.peek() == Some(&Tok::Or) {
            let or_col = self.column();
            self.at += 1;
            if matches!(any.last(), Some(Node::Not(_))) {
                return Err(err(self.q, first_col, "an excluded word cannot be part of OR"));
            }
            match self.peek() {
                None | Some(Tok::Close) | Some(Tok::Or) => {
                    return Err(err(self.q, or_col, "OR needs a word on each side"))
                }
                _ => {}
            }
            let col = self.column();
            let next = self.proximity(scope)?;
            if matches!(next, Node::Not(_)) {
                return Err(err(self.q, col, "an excluded word cannot be part of OR"));
            }
            any.push(next);
        }
        Ok(Node::Any(any))
    }

    /// A term, or literals joined by proximity operators (`华为 NEAR/5 芯片`).
    fn proximity(&mut self, scope: Scope) -> Result<Node, ParseError> {
        let col = self.column();
        let first = self.term(scope)?;
        if !matches!(self.peek(), Some(Tok::Link(_))) {
            return Ok(first);
        }
        let q = self.q;
        let operand = |n: Node, col: usize, link: Link| {
            if matches!(n, Node::Regex(_)) {
                return Err(err(q, col, format!("{} joins words or phrases, not regular expressions: write the distance into the expression, e.g. /华为.{{0,5}}芯片/", link.name())));
            }
            match n {
            Node::Literal(l) if !is_value(l.scope) => Ok(l),
            _ => Err(err(
                q,
                col,
                format!("{} joins words or phrases of the text (e.g. 华为 {} 芯片), not groups, exclusions or fields such as source:", link.name(), link.name()),
            )),
        }
        };
        let mut literals = Vec::new();
        let mut links = Vec::new();
        let mut pending = Some((first, col));
        while let Some(&Tok::Link(link)) = self.peek() {
            let link_col = self.column();
            self.at += 1;
            if let Some((node, c)) = pending.take() {
                literals.push(operand(node, c, link)?);
            }
            if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And | Tok::Link(_))) {
                return Err(err(q, link_col, format!("{} needs a word on each side", link.name())));
            }
            let c = self.column();
            let next = self.term(scope)?;
            literals.push(operand(next, c, link)?);
            links.push(link);
        }
        Ok(Node::Near { literals, links })
    }

    /// One term: `-term`, `field:term`, `( … )`, or a literal.
    fn term(&mut self, scope: Scope) -> Result<Node, ParseError> {
        let col = self.column();
        let nests = matches!(self.toks.get(self.at), Some((_, Tok::Minus | Tok::Scope(_) | Tok::Open)));
        if nests && self.depth >= MAX_DEPTH {
            return Err(err(self.q, col, format!("groups and exclusions nest deeper than {MAX_DEPTH} levels here")));
        }
        self.depth += usize::from(nests);
        let node = self.nested_term(scope, col);
        self.depth -= usize::from(nests);
        node
    }

    /// [`Parser::term`] once its depth is checked.
    fn nested_term(&mut self, scope: Scope, col: usize) -> Result<Node, ParseError> {
        let Some((_, tok)) = self.toks.get(self.at) else {
            return Err(err(self.q, col, "a word is missing here"));
        };
        match tok {
            Tok::Minus => {
                self.at += 1;
                let inner = self.term(scope)?;
                if matches!(inner, Node::Not(_)) {
                    // `--x`, `!!x`, `NOT -x`: say it in the marks the user typed.
                    let marks: String = self.q.chars().skip(col).take_while(|c| "-!NOT ".contains(*c)).collect();
                    let marks = marks.split_whitespace().collect::<Vec<_>>().join(" ");
                    return Err(err(
                        self.q,
                        col,
                        format!("'{marks}' excludes an exclusion, which excludes nothing: exclude once"),
                    ));
                }
                Ok(Node::Not(Box::new(inner)))
            }
            Tok::Scope(f) => {
                let f = *f;
                if scope != Scope::Any && scope != Scope::Field(f) {
                    return Err(err(self.q, col, "a field inside another field's group can never match"));
                }
                self.at += 1;
                self.term(Scope::Field(f))
            }
            Tok::Open => {
                self.at += 1;
                let nodes = self.sequence(scope)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(err(self.q, col, "unclosed parenthesis"));
                }
                if nodes.is_empty() {
                    return Err(err(self.q, col, "empty parentheses"));
                }
                self.at += 1;
                Ok(if nodes.len() == 1 && !matches!(nodes[0], Node::Not(_)) {
                    nodes.into_iter().next().expect("one node")
                } else {
                    Node::All(nodes)
                })
            }
            Tok::Close => Err(err(self.q, col, "')' without a matching '('")),
            Tok::Or => Err(err(self.q, col, "OR needs a word on each side")),
            Tok::And => Err(err(self.q, col, "AND needs a word on each side")),
            Tok::Link(link) => Err(err(self.q, col, format!("{} needs a word on each side", link.name()))),
            Tok::Word { text, quoted } => {
                let lit = match value_prefix(scope, text).filter(|_| !quoted) {
                    Some(stem) => Literal { scope, text: stem, quoted: false, prefix: true },
                    None if *quoted => Literal { scope, text: text.clone(), quoted: true, prefix: false },
                    None => Literal { scope, text: unstarred(text, &mut self.notes), quoted: false, prefix: false },
                };
                self.at += 1;
                Ok(Node::Literal(lit))
            }
            Tok::Variants => {
                let Some((_, Tok::Word { text, quoted })) = self.toks.get(self.at + 1) else {
                    return Err(err(self.q, col, "'~' must be followed by a word or a \"phrase\", e.g. ~著作"));
                };
                if is_value(scope) {
                    return Err(err(
                        self.q,
                        col,
                        "'~' asks for variant spellings of text, not of a source:, author: or id: value",
                    ));
                }
                let text = if *quoted { text.clone() } else { unstarred(text, &mut self.notes) };
                let lit = Literal { scope, text, quoted: *quoted, prefix: false };
                self.at += 2;
                let (node, note) = spelled(lit).map_err(|m| err(self.q, col, m))?;
                self.notes.extend(note);
                Ok(node)
            }
            Tok::Regex(source) => {
                if matches!(scope, Scope::Field(f) if f.spec().kind == Kind::Id) {
                    return Err(err(
                        self.q,
                        col,
                        "a regular expression matches text, a source, an author or a URL, not an id",
                    ));
                }
                let p = Pattern { scope, source: source.clone() };
                self.at += 1;
                Ok(Node::Regex(p))
            }
        }
    }
}

/// Parses a query string.
pub fn parse(q: &str) -> Result<Query, ParseError> {
    let (toks, notes) = lex(q)?;
    if toks.is_empty() {
        return Err(err(q, 0, "the query is empty"));
    }
    let mut p = Parser { q, toks, at: 0, depth: 0, notes };
    let nodes = p.sequence(Scope::Any)?;
    if p.peek() == Some(&Tok::Close) {
        return Err(err(q, p.column(), "')' without a matching '('"));
    }
    Ok(Query { root: Node::All(nodes), notes: p.notes })
}

/// `lit` as any of its variant spellings ([`crate::analysis::variants`]): a group of
/// literals, the one typed first, with a note naming the others; the literal itself
/// when it has none.
fn spelled(lit: Literal) -> Result<(Node, Option<String>), String> {
    let spellings = variants::spellings(&lit.text).map_err(|n| {
        // A long word is named by its start.
        let shown: String = lit.text.chars().take(20).collect();
        let more = if lit.text.chars().count() > 20 { "…" } else { "" };
        format!(
            "'{shown}{more}' has {n} or more variant spellings (at most {}): ask for the variants of a shorter word",
            variants::MAX_SPELLINGS
        )
    })?;
    if spellings.len() == 1 {
        return Ok((Node::Literal(lit), None));
    }
    let others = &spellings[1..];
    let shown: Vec<&str> = others.iter().take(8).map(String::as_str).collect();
    let more =
        if others.len() > shown.len() { format!(" and {} more", others.len() - shown.len()) } else { String::new() };
    let note = format!("~{}: also {}{more}", lit.text, shown.join(", "));
    let (scope, quoted) = (lit.scope, lit.quoted);
    let nodes = std::iter::once(Node::Literal(lit))
        .chain(others.iter().map(|text| Node::Literal(Literal { scope, text: text.clone(), quoted, prefix: false })))
        .collect();
    Ok((Node::Any(nodes), Some(note)))
}

impl Query {
    /// Every literal of the text as any of its variant spellings (`--variants`, as if
    /// each were typed `~word`); the literals of `NEAR`/`BEFORE`/`SENT`/`PARA` stay as
    /// typed (a note says so).
    pub fn with_variants(mut self) -> Result<Query, String> {
        let mut notes = Vec::new();
        let root = std::mem::replace(&mut self.root, Node::All(Vec::new()));
        self.root = respell(root, &mut notes)?;
        self.notes.extend(notes);
        Ok(self)
    }
}

/// [`Query::with_variants`] on one node.
fn respell(node: Node, notes: &mut Vec<String>) -> Result<Node, String> {
    Ok(match node {
        Node::Literal(l) if !is_value(l.scope) => {
            let (n, note) = spelled(l)?;
            notes.extend(note);
            n
        }
        Node::All(v) => Node::All(v.into_iter().map(|n| respell(n, notes)).collect::<Result<_, _>>()?),
        Node::Any(v) => Node::Any(v.into_iter().map(|n| respell(n, notes)).collect::<Result<_, _>>()?),
        Node::Not(n) => Node::Not(Box::new(respell(*n, notes)?)),
        n @ Node::Near { .. } => {
            notes.push("--variants leaves the words of NEAR/BEFORE/SENT/PARA as typed".into());
            n
        }
        n => n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(scope: Scope, text: &str) -> Node {
        Node::Literal(Literal { scope, text: text.into(), quoted: false, prefix: false })
    }

    fn phrase(text: &str) -> Node {
        Node::Literal(Literal { scope: Scope::Any, text: text.into(), quoted: true, prefix: false })
    }

    fn any(text: &str) -> Node {
        lit(Scope::Any, text)
    }

    #[test]
    fn parses_the_language() {
        let q = parse("人工智能 \"集成 电路\" 张江 OR 临港 -广告 title:孵化器 source:上海科技").unwrap();
        assert_eq!(
            q.root,
            Node::All(vec![
                any("人工智能"),
                phrase("集成 电路"),
                Node::Any(vec![any("张江"), any("临港")]),
                Node::Not(Box::new(any("广告"))),
                lit(Scope::Field(Field::Title), "孵化器"),
                lit(Scope::Field(Field::Source), "上海科技"),
            ])
        );
    }

    #[test]
    fn a_double_exclusion_is_named_as_typed() {
        for (q, marks) in [("--广告", "'--'"), ("!!!", "'!!!'"), ("NOT -广告", "'NOT -'"), ("!-广告", "'!-'")] {
            let e = parse(q).expect_err(q);
            assert!(e.to_string().contains(&format!("{marks} excludes an exclusion")), "{q}: {e}");
        }
    }

    #[test]
    fn parentheses_group_and_carry_scope_and_negation() {
        let title = Scope::Field(Field::Title);
        assert_eq!(
            parse("title:(孵化器 OR 元宇宙)").unwrap().root,
            Node::All(vec![Node::Any(vec![lit(title, "孵化器"), lit(title, "元宇宙")])])
        );
        assert_eq!(
            parse("(张江 OR 临港) 人工智能").unwrap().root,
            Node::All(vec![Node::Any(vec![any("张江"), any("临港")]), any("人工智能")])
        );
        assert_eq!(
            parse("-(广告 OR 推广)").unwrap().root,
            Node::All(vec![Node::Not(Box::new(Node::Any(vec![any("广告"), any("推广")])))])
        );
        assert_eq!(
            parse("（张江 ＯＲ 临港） 芯片").unwrap().root,
            Node::All(vec![Node::Any(vec![any("张江"), any("临港")]), any("芯片")])
        );
        // Parentheses inside a word are text.
        assert_eq!(parse("f(x) (a OR g(y))").unwrap().root, {
            Node::All(vec![any("f(x)"), Node::Any(vec![any("a"), any("g(y)")])])
        });
        assert_eq!(parse("((芯片))").unwrap().root, Node::All(vec![any("芯片")]));
    }

    #[test]
    fn chinese_quotes_are_text_and_full_width_operators_work() {
        let q = parse("加快建设“五个中心” 「孵化器」").unwrap();
        assert_eq!(q.root, Node::All(vec![any("加快建设“五个中心”"), any("「孵化器」")]));
        let q = parse("张江　ＯＲ　临港 －广告 ＂集成 电路＂").unwrap();
        assert_eq!(
            q.root,
            Node::All(vec![
                Node::Any(vec![any("张江"), any("临港")]),
                Node::Not(Box::new(any("广告"))),
                phrase("集成 电路"),
            ])
        );
        // ＯＲ inside a word is text.
        assert_eq!(parse("ＡＯＲＢ").unwrap().root, Node::All(vec![any("ＡＯＲＢ")]));
    }

    #[test]
    fn other_engines_operators_read_as_sous() {
        let same = |a: &str, b: &str| assert_eq!(parse(a).unwrap().root, parse(b).unwrap().root, "{a} = {b}");
        same("芯片 AND 上海", "芯片 上海");
        same("芯片 && (上海 || 北京)", "芯片 (上海 OR 北京)");
        same("芯片 NOT 广告", "芯片 -广告");
        same("芯片 !广告 NOT (a OR b)", "芯片 -广告 -(a OR b)");
        let words = |ws: &[&str]| Node::All(ws.iter().map(|w| any(w)).collect());
        assert_eq!(parse("芯片 and 上海 not").unwrap().root, words(&["芯片", "and", "上海", "not"]));
        assert_eq!(parse("Yahoo! 感叹! !").unwrap().root, words(&["Yahoo!", "感叹!", "!"]));
        assert!(parse("芯片 AND").is_err() && parse("AND 芯片").is_err() && parse("芯片 AND AND 上海").is_err());
        let q = parse("人工* 上海").unwrap();
        assert_eq!(q.root, parse("人工 上海").unwrap().root);
        assert_eq!(q.notes.len(), 1);
        let q = parse("electr* 人*工").unwrap();
        assert_eq!(q.root, Node::All(vec![any("electr*"), any("人*工")]));
        assert_eq!(q.notes.len(), 2);
        assert!(parse("\"人工*\"").unwrap().notes.is_empty());
    }

    #[test]
    fn proximity_operators_join_literals_and_chain() {
        let lit = |scope: Scope, text: &str| Literal { scope, text: text.into(), quoted: false, prefix: false };
        let q = parse("华为 NEAR/5 芯片 BEFORE/0 title:新品 上海").unwrap();
        let near = Node::Near {
            literals: vec![lit(Scope::Any, "华为"), lit(Scope::Any, "芯片"), lit(Scope::Field(Field::Title), "新品")],
            links: vec![Link::Near(5), Link::Before(0)],
        };
        assert_eq!(q.root, Node::All(vec![near, any("上海")]));
        let q = parse("(华为 SENT 芯片) OR 上海 -(a PARA b)").unwrap();
        let Node::All(top) = &q.root else { panic!("{q:?}") };
        assert!(matches!(&top[0], Node::Any(v) if matches!(v[0], Node::Near { .. })));
        assert!(
            matches!(&top[1], Node::Not(n) if matches!(**n, Node::Near { ref links, .. } if links == &[Link::Paragraph]))
        );
        assert!(q.root.needs_text_check() && !parse("华为 near/5 芯片").unwrap().root.needs_text_check());
        for (bad, col) in [
            ("华为 NEAR 芯片", 3),
            ("华为 NEAR/x 芯片", 3),
            ("华为 NEAR/10001 芯片", 3),
            ("NEAR/3 芯片", 0),
            ("华为 NEAR/3", 3),
            ("华为 NEAR/3 (a b)", 10),
            ("-华为 NEAR/3 芯片", 0),
            ("华为 NEAR/3 source:新华社", 10),
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.column, col, "{bad}: {}", e.message);
        }
    }

    #[test]
    fn nesting_is_bounded_with_an_error_not_a_crash() {
        let nested = |open: &str, n: usize| format!("{}上{}", open.repeat(n), ")".repeat(n));
        assert!(parse(&nested("-(", MAX_DEPTH / 2)).is_ok());
        assert!(parse(&nested("(", MAX_DEPTH)).is_ok());
        for open in ["-(", "(", "（", "title:(", "-"] {
            for n in [MAX_DEPTH + 1, 250, 2_000, 10_000] {
                let q = if open == "-" { format!("{}上", "-".repeat(n)) } else { nested(open, n) };
                // Run on the stack a spawned thread gets by default (2 MiB; a debug build's
                // frames are large): the bound, not the stack size, must stop 10,000 levels.
                let r = std::thread::Builder::new()
                    .stack_size(2 * 1024 * 1024)
                    .spawn(move || parse(&q).map(|_| ()).map_err(|e| e.to_string()))
                    .expect("thread")
                    .join()
                    .expect("no overflow");
                let e = r.expect_err(&format!("{open} ×{n}"));
                assert!(e.contains("nest deeper") || e.contains("'--'"), "{open} ×{n}: {e}");
            }
        }
    }

    #[test]
    fn reports_errors_with_a_column() {
        for (q, col) in [
            ("人工 \"智能", 3),
            ("OR 张江", 0),
            ("张江 OR", 3),
            ("foo:bar", 0),
            ("a -", 2),
            ("\"\"", 0),
            ("(张江 OR 临港 人工智能", 0),
            ("张江 OR 临港) 人工智能", 8),
            ("a ()", 2),
            ("a OR -b", 5),
            ("title:(source:x)", 7),
            ("（张江", 0),
        ] {
            let e = parse(q).unwrap_err();
            assert_eq!(e.column, col, "{q}: {e}");
        }
        assert!(parse("   ").is_err());
    }

    #[test]
    fn slashes_around_an_expression_make_a_regular_expression_and_a_path_stays_a_word() {
        let re = |scope: Scope, source: &str| Node::Regex(Pattern { scope, source: source.into() });
        let q = parse(r"/华为.{0,6}芯片/ title:/^人民日报/ /甲\/乙/").unwrap();
        assert_eq!(
            q.root,
            Node::All(vec![
                re(Scope::Any, "华为.{0,6}芯片"),
                re(Scope::Field(Field::Title), "^人民日报"),
                re(Scope::Any, "甲/乙"),
            ])
        );
        assert!(q.notes.is_empty(), "{:?}", q.notes);
        assert_eq!(parse("/usr/bin").unwrap().root, Node::All(vec![any("/usr/bin")]));
        assert_eq!(parse("-/广告/").unwrap().root, Node::All(vec![Node::Not(Box::new(re(Scope::Any, "广告")))]));
        assert_eq!(parse(r"/\d+/").unwrap().notes.len(), 1, "a full scan is said");
        for (q, col) in [("上海 /a(b/", 3), ("//", 0), ("id:/x/", 3), ("华为 NEAR/3 /芯片/", 10)] {
            let e = parse(q).expect_err(q);
            assert_eq!(e.column, col, "{q}: {e}");
        }
    }
}
