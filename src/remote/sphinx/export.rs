//! `sou export --to sphinx`: for each node K, `nodeK.conf` and the xmlpipe2 stream
//! `nodeK.xml` its indexer reads, documents routed to nodes by a hash of their id; node 0
//! also defines the distributed index `sou` over every shard; a `README` with the
//! commands that build and start the cluster.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use twox_hash::XxHash3_64;

use super::{attr, key_field, keyed, view_field, EVERY_FIELD};
use crate::article::{Field, Kind, FIELDS};
use crate::remote::export::{numbered, remove_earlier, Document, Sink};
use crate::remote::handoff;

/// Where the nodes listen.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Node K listens for SphinxQL on `port + K` and for agents on `port + 100 + K`.
    pub port: u16,
    /// The host of each node (all the same on one machine).
    pub hosts: Vec<String>,
}

impl Layout {
    /// The SphinxQL port of node `k`.
    pub(crate) fn sql_port(&self, k: usize) -> u16 {
        self.port + k as u16
    }

    /// The agent (binary protocol) port of node `k`.
    pub(crate) fn agent_port(&self, k: usize) -> u16 {
        self.port + 100 + k as u16
    }

    /// Checks that every port fits.
    pub fn check(&self) -> Result<()> {
        let n = self.hosts.len();
        if n == 0 {
            return Err(anyhow!("--nodes must be at least 1"));
        }
        if (self.port as usize) + 100 + n > u16::MAX as usize || self.port == 0 {
            return Err(anyhow!(
                "--port {}: node ports {}..{} do not fit",
                self.port,
                self.port,
                self.port as usize + 100 + n
            ));
        }
        Ok(())
    }
}

/// The xmlpipe2 streams of the nodes, written as documents come.
pub struct SphinxSink {
    dir: PathBuf,
    layout: Layout,
    streams: Vec<BufWriter<File>>,
    counts: Vec<u64>,
}

/// Text as XML character data: markup escaped, characters XML forbids dropped.
fn xml_text(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\t' | '\n' | '\r' => continue,
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => "",
            _ => continue,
        };
        out.write_all(&s.as_bytes()[start..i])?;
        out.write_all(rep.as_bytes())?;
        start = i + c.len_utf8();
    }
    out.write_all(&s.as_bytes()[start..])
}

/// The stored fields, kept as string attributes.
fn stored() -> impl Iterator<Item = Field> {
    FIELDS.iter().filter(|s| s.kind != Kind::Date).map(|s| s.field)
}

fn schema() -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sphinx:docset>\n<sphinx:schema>\n");
    for (f, _) in Field::texts() {
        for view in ["words", "chars"] {
            s += &format!("<sphinx:field name=\"{}\"/>\n", view_field(f, view));
        }
    }
    for f in keyed() {
        s += &format!("<sphinx:field name=\"{}\"/>\n", key_field(f));
    }
    s += &format!("<sphinx:field name=\"{EVERY_FIELD}\"/>\n");
    for f in stored() {
        s += &format!("<sphinx:attr name=\"{}\" type=\"string\"/>\n", attr(f));
    }
    s += "<sphinx:attr name=\"date\" type=\"bigint\"/>\n<sphinx:attr name=\"dated\" type=\"int\"/>\n";
    s += "<sphinx:attr name=\"day\" type=\"bigint\"/>\n</sphinx:schema>\n";
    s
}

/// The node a document with this id goes to.
pub(crate) fn node_of(id: &str, nodes: usize) -> usize {
    (XxHash3_64::oneshot(id.as_bytes()) % nodes as u64) as usize
}

fn element(w: &mut impl Write, name: &str, text: &str) -> std::io::Result<()> {
    write!(w, "<{name}>")?;
    xml_text(w, text)?;
    writeln!(w, "</{name}>")
}

impl SphinxSink {
    /// Creates `dir` (and its `data/`, `log/`) and opens one stream per node.
    pub fn create(dir: &Path, layout: Layout) -> Result<SphinxSink> {
        layout.check()?;
        for sub in ["data", "log"] {
            std::fs::create_dir_all(dir.join(sub)).with_context(|| format!("cannot create '{}'", dir.display()))?;
        }
        let dir = dir.canonicalize().with_context(|| format!("cannot resolve '{}'", dir.display()))?;
        remove_earlier(&dir, |name| numbered(name, "node", ".xml") || numbered(name, "node", ".conf"))?;
        let mut streams = Vec::new();
        for k in 0..layout.hosts.len() {
            let path = dir.join(format!("node{k}.xml"));
            let mut w =
                BufWriter::new(File::create(&path).with_context(|| format!("cannot write '{}'", path.display()))?);
            w.write_all(schema().as_bytes())?;
            streams.push(w);
        }
        let counts = vec![0; streams.len()];
        Ok(SphinxSink { dir, layout, streams, counts })
    }

    /// The documents written to each node.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    fn config(&self, k: usize) -> String {
        let dir = self.dir.display();
        let host = &self.layout.hosts[k];
        let mut c = format!(
            "# Node {k} of {n}: written by `sou export --to sphinx`. Build with\n\
             #   indexer --config {dir}/node{k}.conf --all\n\
             # then start with\n\
             #   searchd --config {dir}/node{k}.conf\n\n\
             source shard{k}\n{{\n  type = xmlpipe2\n  xmlpipe_command = cat '{dir}/node{k}.xml'\n  xmlpipe_fixup_utf8 = 1\n}}\n\n\
             index shard{k}\n{{\n  source = shard{k}\n  path = {dir}/data/shard{k}\n  docinfo = extern\n  dict = keywords\n\
             \x20 min_word_len = 1\n  # sou sends ASCII tokens only; Sphinx must not split or fold them.\n\
             \x20 charset_table = 0..9, a..z, _\n  global_idf = {dir}/global.idf\n}}\n\n",
            n = self.layout.hosts.len()
        );
        if k == 0 {
            c += "index sou\n{\n  type = distributed\n  local = shard0\n";
            for j in 1..self.layout.hosts.len() {
                c += &format!("  agent = {}:{}:shard{j}\n", self.layout.hosts[j], self.layout.agent_port(j));
            }
            c += "}\n\n";
        }
        c += &format!(
            "indexer\n{{\n  mem_limit = 256M\n  max_xmlpipe2_field = 64M\n}}\n\n\
             searchd\n{{\n  listen = {host}:{sql}:mysql41\n  listen = {host}:{agent}\n  log = {dir}/log/node{k}.log\n\
             \x20 query_log = {dir}/log/node{k}.query.log\n  pid_file = {dir}/log/node{k}.pid\n  binlog_path =\n\
             \x20 workers = threads\n  max_packet_size = 128M\n  read_timeout = 10\n\
             \x20 # A literal of thousands of characters is a phrase as long: a deep query tree.\n\
             \x20 thread_stack = 16M\n}}\n",
            sql = self.layout.sql_port(k),
            agent = self.layout.agent_port(k)
        );
        c
    }

    fn readme(&self) -> String {
        let dir = self.dir.display();
        let n = self.layout.hosts.len();
        let mut r = format!(
            "A Sphinx cluster of {n} nodes, written by `sou export --to sphinx`.\n\n\
             Documents per node: {counts}.\n\n\
             1. Index every shard:\n\n",
            counts = self.counts.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        );
        for k in 0..n {
            r += &format!("   indexer --config {dir}/node{k}.conf --all\n");
        }
        r += "\n2. Global IDF (every shard ranks with the statistics of the whole collection):\n\n";
        for k in 0..n {
            r += &format!(
                "   indextool --config {dir}/node{k}.conf --dumpdict shard{k} --stats > {dir}/data/shard{k}.dict\n"
            );
        }
        r += &format!("   indextool --buildidf {dir}/data/shard*.dict --out {dir}/global.idf\n");
        r += "\n3. Start every node (add --nodetach to keep one in the foreground):\n\n";
        for k in 0..n {
            r += &format!("   searchd --config {dir}/node{k}.conf\n");
        }
        r += &format!(
            "\n4. Search the distributed index on node 0:\n\n   sou search --engine sphinx://{}:{}/sou QUERY\n\n\
             Stop a node with `searchd --config {dir}/nodeK.conf --stop`.\n\
             Manticore Search reads the same files: `searchd` and `indexer` are Manticore's; drop\n\
             `docinfo = extern` (removed in Manticore 3) and keep everything else.\n",
            self.layout.hosts[0],
            self.layout.sql_port(0)
        );
        r
    }
}

impl Sink for SphinxSink {
    fn add(&mut self, doc: &Document) -> Result<()> {
        let a = &doc.article;
        let k = node_of(a.text(Field::Id), self.streams.len());
        self.counts[k] += 1;
        let w = &mut self.streams[k];
        writeln!(w, "<sphinx:document id=\"{}\">", doc.seq)?;
        for v in &doc.views {
            element(w, &view_field(v.field, "words"), &v.words)?;
            element(w, &view_field(v.field, "chars"), &v.chars)?;
        }
        for f in keyed() {
            if let Some(value) = a.get(f).filter(|v| !v.is_empty()) {
                element(w, &key_field(f), &handoff::value_token(value))?;
            }
        }
        element(w, EVERY_FIELD, handoff::EVERY)?;
        for f in stored() {
            element(w, attr(f), a.text(f))?;
        }
        let (date, dated, day) = match (a.date, doc.day) {
            (Some(t), Some(d)) => (t.as_second(), 1, d),
            _ => (0, 0, 0),
        };
        writeln!(w, "<date>{date}</date><dated>{dated}</dated><day>{day}</day>\n</sphinx:document>")?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        for w in &mut self.streams {
            w.write_all(b"</sphinx:docset>\n")?;
            w.flush()?;
        }
        for k in 0..self.streams.len() {
            let path = self.dir.join(format!("node{k}.conf"));
            std::fs::write(&path, self.config(k)).with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        let path = self.dir.join("README");
        std::fs::write(&path, self.readme()).with_context(|| format!("cannot write '{}'", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_escapes_markup_and_drops_what_xml_forbids() {
        let mut v = Vec::new();
        xml_text(&mut v, "a<b>&c\u{1}\td\n").unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&v), "a&lt;b&gt;&amp;c\td\n");
    }

    #[test]
    fn documents_spread_over_the_nodes_by_id() {
        let mut n = [0; 3];
        for i in 0..3000 {
            n[node_of(&format!("id{i}"), 3)] += 1;
        }
        assert!(n.iter().all(|&c| c > 900), "{n:?}");
        assert_eq!(node_of("x", 1), 0);
    }
}
