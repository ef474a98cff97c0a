//! Command-line interface: every command and flag, with its help text, in one place.
//! Clap's types stay here; `settings` maps them onto the engine's and the printers'.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use sou::article::{Field, FIELDS};
use sou::engine::{Period, Sort};
use sou::ingest::fields::{input_field, input_field_names};
use sou::ingest::InputFormat;
use sou::names::Named;

use super::output::columns::{self, ColumnList};
use super::output::Format;

/// 搜 sou — full-text search for Chinese articles, from the terminal.
///
/// Index JSON, JSON Lines and plain-text articles once, then search them with
/// grep's recall (any substring you type is found) and a search engine's ranking
/// (BM25 over jieba words). Exit status: 0 if something matched, 1 if nothing did,
/// 2 on error.
#[derive(Parser, Debug)]
#[command(name = "sou", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,

    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command takes.
#[derive(Args, Debug, Clone)]
pub struct Globals {
    /// Index directory.
    #[arg(long, global = true, env = "SOU_INDEX", default_value = sou::index::DEFAULT_DIR, value_name = "DIR")]
    pub index: PathBuf,

    /// When to use colours (NO_COLOR is respected with auto).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Time zone, as a UTC offset: `index` reads dates written without one in it and
    /// records it with the index; the other commands show and filter dates in it.
    /// Default: the index's own zone (+08:00, China, for a new index).
    #[arg(long, global = true, value_name = "OFFSET", value_parser = parse_tz, allow_hyphen_values = true)]
    pub tz: Option<jiff::tz::TimeZone>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Index files and directories (default: seeds/).
    ///
    /// Formats are recognised by content: a JSON array of records, a JSON object, JSON
    /// Lines, or plain text (title = first line; 来源/发布时间 header lines give source
    /// and date). A file is the unit of update: re-indexing replaces its documents, never
    /// adds copies; files unchanged since the last run are not read again.
    ///
    /// Examples:
    ///   sou index
    ///   sou index news.jsonl 报纸/ --source 文汇报
    ///   sou index exports/ --prune --watch
    ///   sou index --dict 词典.txt
    #[command(verbatim_doc_comment)]
    Index(IndexArgs),
    /// Search the index.
    ///
    /// Words are ANDed; "quoted phrase"; A OR B; -word excludes; ( ) group; title:,
    /// content:, author:, source: restrict a word or a group to a field. Any Chinese
    /// string is found wherever it occurs, across word boundaries, in simplified or
    /// traditional characters.
    ///
    /// Examples:
    ///   sou search 人工智能
    ///   sou search '孵化器 -广告' --source 上海科技 --since 2025-12-20
    ///   sou search 'title:张江 "集成电路"' --json | jq .title
    #[command(verbatim_doc_comment, after_long_help = QUERY_SYNTAX)]
    Search(SearchArgs),
    /// Export the index (or the documents of a query) to a distributed engine.
    ///
    /// sou does the analysis and sends tokens the engine only splits on white space, so
    /// the cluster's matching is as exact as sou's. Sphinx/Manticore: a node
    /// configuration and xmlpipe2 stream per node and a README with the commands.
    /// OpenSearch/Elasticsearch: index.json (settings, mappings), bulk-NNNN.ndjson,
    /// load.sh.
    ///
    /// Examples:
    ///   sou export --to sphinx --nodes 2 --port 9306 --out cluster/
    ///   sou export --to opensearch --out os/ 人工智能 --since 2025
    #[command(verbatim_doc_comment)]
    Export(ExportArgs),
    /// Replay queries on a cluster and on the local index; print every difference.
    ///
    /// Exit 0 when every query matched the same documents on both, 1 when any differs.
    /// Without --queries: substrings of 1 to 8 characters of titles from across the
    /// index.
    ///
    /// Examples:
    ///   sou verify --engine sphinx://127.0.0.1:9306/sou
    ///   sou verify --engine opensearch+http://localhost:9200/sou --queries queries.txt
    #[command(verbatim_doc_comment)]
    Verify(VerifyArgs),
    /// What the index holds: documents, sources, date range, size, dictionary.
    ///
    /// Examples:
    ///   sou stats
    ///   sou stats --json | jq .sources
    #[command(verbatim_doc_comment)]
    Stats(StatsArgs),
    /// The most distinctive nouns of the matching documents (significant terms).
    ///
    /// Scored by G² times enrichment against the rest of the index; with no query and
    /// no filter, the whole index's nouns by summed BM25 weight.
    ///
    /// Examples:
    ///   sou keywords 人工智能
    ///   sou keywords --since 2025-12-20 -n 30
    #[command(verbatim_doc_comment)]
    Keywords(KeywordsArgs),
    /// The stories copied most among the matching documents: reposts and syndicated
    /// copies of one text, as `sou index` grouped them.
    ///
    /// One row per story of two copies or more, largest first: copies, first and last
    /// date, the outlets that ran it, the first copy's title.
    ///
    /// Examples:
    ///   sou dups --since 7d
    ///   sou dups 华为 --json | jq .story
    ///   sou show ID --copies
    #[command(verbatim_doc_comment)]
    Dups(DupsArgs),
    /// Every occurrence of the query in context (concordance, keyword in context).
    ///
    /// One line per occurrence in the matching documents' text: date, source, id, the
    /// left context right-aligned, the match, the right context. Contexts stop at the
    /// article's edges and at paragraph breaks (unless --cross-paragraphs).
    ///
    /// Examples:
    ///   sou kwic 孵化器
    ///   sou kwic 孵化器 --sort left -n 50
    ///   sou kwic '人工智能 OR AI' --width 20 --json | jq -r .right
    #[command(verbatim_doc_comment)]
    Kwic(KwicArgs),
    /// Several queries over time: matching documents per period for each.
    ///
    /// One row per period, one column per query, every period of the range shown;
    /// --share divides by all documents of the period (the volume of news changes).
    ///
    /// Examples:
    ///   sou trend 人工智能 机器人 芯片 --by month
    ///   sou trend 房价 调控 --share --plot trend.svg
    ///   sou trend 足球 篮球 --json | jq -c .
    #[command(verbatim_doc_comment)]
    Trend(TrendArgs),
    /// Print one whole article by its id (as shown by search).
    ///
    /// Examples:
    ///   sou show 2650212082_1
    ///   sou show seeds/001_cf4ae71d46783a76.txt --json
    #[command(verbatim_doc_comment)]
    Show(ShowArgs),
    /// Serve a web page and a JSON API over the index (read-only, local by default).
    ///
    /// Prints the URL it listens on, then serves until Ctrl-C or SIGTERM (requests in
    /// flight finish). What `sou index` commits meanwhile appears in results.
    ///
    /// Examples:
    ///   sou serve
    ///   sou serve --addr 127.0.0.1:0
    ///   SOU_TOKEN=$(openssl rand -hex 16) sou serve --addr 0.0.0.0:7700
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
    /// Print a shell completion script.
    ///
    /// Examples:
    ///   sou completions bash > /etc/bash_completion.d/sou
    ///   sou completions zsh > "${fpath[1]}/_sou"
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),
    /// Print a manual page (roff): sou's, or a command's.
    ///
    /// Examples:
    ///   sou man | man -l -
    ///   sou man search | man -l -
    ///   sou man --dir /usr/local/share/man/man1
    #[command(verbatim_doc_comment)]
    Man(ManArgs),
    /// Remove documents by id or by source.
    ///
    /// Examples:
    ///   sou delete 2650212082_1 seeds/002_796d7d15a6c68fce.txt
    ///   sou delete --source 上海科技
    #[command(verbatim_doc_comment)]
    Delete(DeleteArgs),
}

/// Which engine answers: the local index, or a cluster holding an export of it.
#[derive(Args, Debug, Clone, Default)]
pub struct EngineArgs {
    /// Search a cluster holding an export of the index instead of the local index:
    /// sphinx://HOST:PORT/INDEX or opensearch+http://HOST:PORT/INDEX.
    #[arg(long, env = "SOU_ENGINE", value_name = "URL")]
    pub engine: Option<String>,

    /// With --engine: credentials, as USER:PASSWORD (basic) or a bearer token.
    #[arg(long, env = "SOU_ENGINE_TOKEN", value_name = "TOKEN", requires = "engine", hide_env_values = true)]
    pub token: Option<String>,
}

/// `sou export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Only the documents matching this query (default: every document).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// The engine to export to.
    #[arg(long = "to", value_enum, value_name = "ENGINE")]
    pub to: ExportTarget,

    /// Directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Sphinx: number of nodes (documents are routed by a hash of their id).
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub nodes: usize,

    /// Sphinx: node K listens for SphinxQL on PORT+K and for agents on PORT+100+K.
    #[arg(long, default_value_t = 9306, value_name = "PORT")]
    pub port: u16,

    /// Sphinx: the host of each node, comma-separated (default: 127.0.0.1 for all).
    #[arg(long, value_delimiter = ',', value_name = "HOSTS")]
    pub hosts: Vec<String>,

    /// OpenSearch: the index name load.sh creates.
    #[arg(long, default_value = "sou", value_name = "NAME")]
    pub name: String,

    /// OpenSearch: the cluster load.sh sends to.
    #[arg(long, default_value = "http://localhost:9200", value_name = "URL")]
    pub cluster: String,

    /// OpenSearch: most megabytes per bulk file.
    #[arg(long, default_value_t = 50, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub bulk_mb: u64,
}

/// What `sou export` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportTarget {
    /// Sphinx 2.2 / Manticore Search: node configurations and xmlpipe2 streams.
    Sphinx,
    /// OpenSearch 2 / Elasticsearch 8: mappings and bulk request bodies.
    Opensearch,
}

/// `sou verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub engine: EngineArgs,

    /// Queries to replay, one a line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
}

/// Restrictions shared by `search` and `keywords`.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only documents dated on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD, 2025/12/23, 2025年12月23日), or a day
    /// counted back from today in the index's zone: 7d, 3w, 2m, 1y, today, yesterday.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only documents dated on or before DATE (inclusive: --until 2025-12 ends on Dec 31; --until yesterday).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Only documents from this source (exact name); repeat for any of several.
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,

    /// Only documents by this author (exact name); repeat for any of several.
    #[arg(long, value_name = "NAME")]
    pub author: Vec<String>,

    /// Only documents whose title contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Chinese words match whole words only, where jieba's segmentation of the document
    /// has a boundary at both ends (华为 but not 升华为), as `rg -w` for Latin words.
    #[arg(short = 'w', long = "word")]
    pub word: bool,

    /// Every word of the query also matches its variant spellings (了解 finds 瞭解, 图书馆
    /// finds 図書館, 著作 finds 着作), as `~word` asks for one word; from OpenCC's
    /// TW/HK/Japanese variant tables and one-to-many simplified↔traditional pairs.
    #[arg(long)]
    pub variants: bool,

    /// Only the documents whose ids FILE lists (- for standard input), one a line as
    /// `--format ids` prints them (a TSV line's first column is its id): a search within
    /// an earlier result. Ids the index does not hold are counted on stderr.
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<std::path::PathBuf>,

    /// One document per story: reposts and copies of one text (as `sou index` grouped
    /// them) show as their best-ranked copy, with how many copies matched and who ran it
    /// first; counts, histograms and --by count stories, each once, at its first date.
    #[arg(long)]
    pub collapse: bool,
}

impl FilterArgs {
    /// Whether any filter selects documents (by date, source, author or title).
    pub fn selects(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || !self.source.is_empty()
            || !self.author.is_empty()
            || self.title.is_some()
            || self.ids_from.is_some()
    }
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// A parser of the values of `T`, listing their names and help in `--help`.
fn named<T: Named + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::VALUES.iter().map(|(_, name, help)| PossibleValue::new(*name).help(*help)))
        .try_map(|s| T::from_name(&s).ok_or_else(|| format!("'{s}' is not one of {}", T::names())))
}

/// What `sou search --by` counts per.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// Each value of a counted field (source, author).
    Field(Field),
    /// The source of each story's first copy.
    FirstSource,
}

impl By {
    /// The name as typed.
    pub fn name(self) -> &'static str {
        match self {
            By::Field(f) => f.name(),
            By::FirstSource => "first-source",
        }
    }
}

fn by_value() -> impl TypedValueParser<Value = By> {
    let names = FIELDS.iter().filter(|s| s.counted).map(|s| s.name).chain(["first-source"]);
    PossibleValuesParser::new(names).try_map(|s| match s.as_str() {
        "first-source" => Ok(By::FirstSource),
        _ => Field::from_name(&s).map(By::Field).ok_or_else(|| format!("'{s}' is not a field to count by")),
    })
}

/// `sou stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `sou keywords`.
#[derive(Args, Debug)]
pub struct KeywordsArgs {
    /// Query selecting the documents (default: all).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of words.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Output format [default: bars on a terminal, `word<TAB>weight<TAB>docs` otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print {"word", "weight", "docs"} JSON Lines (same as --format jsonl).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// The order of concordance lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KwicSort {
    /// Documents by relevance, occurrences in text order.
    Doc,
    /// Documents newest first, occurrences in text order.
    Date,
    /// By the words just left of the match, read leftwards (what precedes it).
    Left,
    /// By the words just right of the match (what follows it).
    Right,
}

/// `sou kwic`.
#[derive(Args, Debug)]
pub struct KwicArgs {
    /// The query; its words and phrases are the occurrences shown.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Characters of context on each side [default: what fits the terminal; 30 in a pipe].
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,

    /// Order of the lines.
    #[arg(long, value_enum, default_value_t = KwicSort::Doc)]
    pub sort: KwicSort,

    /// At most N occurrences.
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,

    /// Print only the number of occurrences and of documents with one.
    #[arg(long)]
    pub count: bool,

    /// Let contexts run across paragraph breaks.
    #[arg(long)]
    pub cross_paragraphs: bool,

    /// Output format [default: aligned columns on a terminal, TSV `id date source left match right` otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print {"id", "date", "source", "left", "match", "right", "offset"} JSON Lines.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// `sou trend`.
#[derive(Args, Debug)]
pub struct TrendArgs {
    /// The queries, one per column (quote a query with spaces: '张江 OR 临港'; after
    /// `--` for one that starts with '-').
    #[arg(value_name = "QUERY", required = true)]
    pub queries: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Period of the rows [default: one that fits the range in about a hundred rows].
    #[arg(long, value_parser = named::<Period>(), value_name = "PERIOD")]
    pub by: Option<Period>,

    /// Each count divided by all documents of its period.
    #[arg(long)]
    pub share: bool,

    /// Also draw the trend as an SVG line chart into FILE.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,

    /// Output format [default: sparklines on a terminal, TSV with a header otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print {"period", "query", "count", "share"} JSON Lines.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// `sou show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Document id.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Print the stored record as JSON.
    #[arg(long)]
    pub json: bool,

    /// List the other copies of the document's story instead (date, source,
    /// similarity, id, title; with --json one object per copy).
    #[arg(long)]
    pub copies: bool,
}

/// `sou dups`.
#[derive(Args, Debug)]
pub struct DupsArgs {
    /// Query selecting the documents (default: all).
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of stories.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Output format [default: a table on a terminal, TSV otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print one JSON object per story (same as --format jsonl).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// `sou serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (IP:PORT or HOST:PORT, e.g. localhost:0); port 0 picks a free
    /// one. An address other than loopback needs --token.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:7700")]
    pub addr: String,

    /// Require `Authorization: Bearer TOKEN` on every API request; at least 16
    /// characters (e.g. `openssl rand -hex 16`).
    #[arg(long, env = "SOU_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Allow this origin to call the API from its pages (CORS); none by default.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,
}

/// The query language, for `sou search --help` and `sou man search`.
pub const QUERY_SYNTAX: &str = "\
Query syntax:
  人工智能          the string anywhere, across word boundaries;
                    simplified = traditional, full-width = half-width
  AI  5G  iPhone    Latin letters and digits: whole words, any case
  芯片 上海         both (AND)
  张江 OR 临港      either; OR binds tighter than AND
  -广告             exclude; also -(广告 OR 推广)
  AND && || NOT !   as elsewhere: AND, && = both; || = OR;
                    NOT 广告, !广告 = -广告 (capitals only)
  人工*             no wildcard: * is dropped after Chinese (a note)
  华为 NEAR/5 芯片  at most 5 characters between, either order, one line;
                    BEFORE/5: 华为 first; 华为 SENT 芯片: one sentence;
                    华为 PARA 芯片: one paragraph; chains: A NEAR/5 B NEAR/5 C
  /\\d+亿元/         a regular expression on the folded text (any case;
                    ^ $ at line ends); title:/^人民日报/ in a field
  ~了解             also its variant spellings (瞭解; ~图书馆: 図書館),
                    from OpenCC's tables; --variants: every word
  (张江 OR 临港) 芯片
                    group
  \"集成 电路\"       a phrase, spaces kept; only ASCII \" (or ＂) quotes:
                    “” ‘’ 「」 『』 are text
  title:孵化器      a field: title: author: content: source: (exact
                    name); also title:(孵化器 OR 元宇宙); source:新华*
                    every source starting with 新华
  url:xinhuanet     the URL contains it (any case); id:ID the exact id
  C++  AI+  R&D     symbols and emoji count as typed; punctuation
                    (，。、-/) is matched by any punctuation
  ＯＲ －（）＂       full-width operators work like ASCII ones

Exit status: 0 when something matched, 1 when nothing did, 2 on error.";

/// `sou man`.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print (search, index, …); none: sou's own page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,

    /// Write every page (sou.1, sou-search.1, …) into DIR instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// `sou completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// Shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `sou index`.
#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Files or directories to index (directories recursively); `-` reads standard input.
    #[arg(value_name = "PATH", default_value = "seeds")]
    pub paths: Vec<PathBuf>,

    /// Input format, instead of recognising it by content (needed for CSV on stdin).
    #[arg(long, value_parser = named::<InputFormat>(), value_name = "FORMAT")]
    pub format: Option<InputFormat>,

    /// In directories, index only files matching this glob (e.g. '*.jsonl',
    /// '**/2025-*.txt'); repeat for several.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,

    /// Take a field from this key instead of guessing, e.g. --field title=标题
    /// --field date=pub_time.
    #[arg(long, value_name = "FIELD=KEY", value_parser = parse_field_mapping,
          help = format!("Take a field from this key instead of guessing, e.g. --field title=标题 --field date=pub_time (fields: {}).", input_field_names()))]
    pub field: Vec<(Field, String)>,

    /// Fail (exit 2, committing nothing) if any record is malformed, instead of skipping it.
    #[arg(long)]
    pub strict: bool,

    /// Commit after every MB of input (default 256): what a crash can lose at most.
    #[arg(long, value_name = "MB")]
    pub commit_every: Option<u64>,

    /// Source (outlet) for records that name none.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Date for records that have none (e.g. 2025-04-30).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// User dictionary in jieba format (`word [freq] [tag]` per line); stored with the
    /// index, so later runs and searches segment the same way.
    #[arg(long, value_name = "FILE")]
    pub dict: Option<PathBuf>,

    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,

    /// Remove the documents of files that are gone from the directories given.
    #[arg(long)]
    pub prune: bool,

    /// After indexing, keep watching the paths: index new and changed files as they
    /// settle, one commit (and one line on stderr) per batch, until Ctrl-C or SIGTERM.
    #[arg(long, conflicts_with = "strict")]
    pub watch: bool,

    /// Indexing memory budget in MB, shared by the indexing threads.
    #[arg(long, value_name = "MB", default_value_t = 128)]
    pub memory: usize,

    /// Indexing threads (default: number of cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Two documents are copies of one story from this estimated similarity of their
    /// texts on (Jaccard of 5-character shingles, 0.5–1.0; default: the index's own,
    /// 0.8 for a new one). Kept for later runs; changing it regroups the index.
    #[arg(long, value_name = "SIMILARITY", value_parser = parse_threshold)]
    pub dup_threshold: Option<f64>,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Parses `--field title=标题`.
fn parse_field_mapping(s: &str) -> Result<(Field, String), String> {
    let (name, key) = s.split_once('=').ok_or_else(|| format!("'{s}' is not FIELD=KEY (e.g. title=标题)"))?;
    let field =
        input_field(name.trim()).ok_or_else(|| format!("unknown field '{name}' (fields: {})", input_field_names()))?;
    if key.is_empty() {
        return Err(format!("'{s}' names no key"));
    }
    Ok((field, key.to_string()))
}

/// Parses `--tz +08:00` (also `UTC`, `+8`, `-05:30`).
pub fn parse_tz(s: &str) -> Result<jiff::tz::TimeZone, String> {
    sou::dates::parse_tz(s).ok_or_else(|| format!("'{s}' is not a UTC offset (e.g. +08:00, -05:00, UTC)"))
}

/// `sou delete`.
#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// Ids of the documents to remove.
    #[arg(value_name = "ID", required_unless_present = "source")]
    pub ids: Vec<String>,

    /// Remove every document of this source (exact name); repeatable.
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
}

/// `sou search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query, e.g. 人工智能, '"集成电路" 张江 OR 临港 -广告', 'title:孵化器'.
    /// Without a query, the filters alone select (`sou search --source 新华社 --since
    /// 2019-12`): every document they select, newest first.
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,

    /// Live search in the terminal: results as you type, the article beside them.
    #[arg(short = 'i', long, conflicts_with = "engine")]
    pub interactive: bool,

    #[command(flatten)]
    pub engine: EngineArgs,

    /// With -i: Enter prints the selected id (Tab marks several) on standard output.
    #[arg(long, requires = "interactive")]
    pub print: bool,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of results.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Skip the first N results.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Result order.
    #[arg(long, value_parser = named::<Sort>(), default_value = "score")]
    pub sort: Sort,

    /// The opposite of the order: least relevant first, or oldest first with --sort date
    /// (undated documents stay last).
    #[arg(long)]
    pub reverse: bool,

    /// Print only the number of matching documents.
    #[arg(long)]
    pub count: bool,

    /// Also say on stderr how the index answered: the documents it looked up for their
    /// text to confirm (proximity, /regular expressions/, -w) and how many matched.
    #[arg(long)]
    pub explain: bool,

    /// Output format [default: table on a terminal, tsv otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Columns of table, tsv and csv output (e.g. --fields id,date,title).
    #[arg(long, value_name = "LIST", value_parser = columns::parse_list,
          help = format!("Columns of table, tsv and csv output, from: {} (e.g. --fields id,date,title)", columns::names()))]
    pub fields: Option<ColumnList>,

    /// Count matching documents per period instead of listing them: a bar chart on a
    /// terminal, `period<TAB>count` in a pipe, {"period", "count"} lines with --json.
    #[arg(long, value_parser = named::<Period>(), value_name = "PERIOD", conflicts_with = "by")]
    pub histogram: Option<Period>,

    /// With --histogram: also draw it as an SVG bar chart into FILE.
    #[arg(long, value_name = "FILE.svg", requires = "histogram")]
    pub plot: Option<PathBuf>,

    /// Count matching documents per source, largest first (bars, TSV or JSON as above);
    /// `first-source`: per source of each story's first copy (who ran it first).
    #[arg(long, value_parser = by_value(), value_name = "FIELD")]
    pub by: Option<By>,

    /// Same as --format jsonl.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// A `--dup-threshold`: a similarity between 0.5 and 1.
fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if (0.5..=1.0).contains(&t) => Ok(t),
        Ok(_) => Err(format!("'{s}' is not between 0.5 and 1 (the share of a text two copies have in common)")),
        Err(_) => Err(format!("'{s}' is not a number between 0.5 and 1 (e.g. 0.8)")),
    }
}
