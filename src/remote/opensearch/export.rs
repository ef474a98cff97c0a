//! `sou export --to opensearch`: `index.json` (settings and mappings), the bulk API
//! bodies `bulk-NNNN.ndjson` (at most `--bulk-mb` each, written as documents come), and
//! `load.sh`, the `curl` commands that create the index and send the bulks.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Map, Value};

use super::index_body;
use crate::article::{Field, Kind, FIELDS};
use crate::remote::export::{numbered, remove_earlier, Document, Sink};
use crate::remote::handoff::view_field;

/// The bulk files of an export, written as documents come.
pub struct OpenSearchSink {
    dir: PathBuf,
    index: String,
    cluster: String,
    shards: usize,
    max_bytes: u64,
    current: Option<(BufWriter<File>, u64)>,
    files: usize,
    /// Bytes of bulk bodies written.
    pub bytes: u64,
}

/// The document as the bulk API indexes it: the article's fields and the views' tokens.
pub fn source(doc: &Document) -> Value {
    let a = &doc.article;
    let mut m = Map::new();
    for spec in &FIELDS {
        let v = match spec.kind {
            Kind::Date => json!(a.date.map(|t| t.as_second())),
            _ => match a.get(spec.field) {
                Some(v) if !v.is_empty() || spec.always => json!(v),
                _ => Value::Null,
            },
        };
        if !v.is_null() {
            m.insert(spec.name.to_string(), v);
        }
    }
    for v in &doc.views {
        m.insert(view_field(v.field, "words"), json!(v.words));
        m.insert(view_field(v.field, "chars"), json!(v.chars));
    }
    Value::Object(m)
}

/// The two lines of one document in a bulk body.
pub(crate) fn bulk_lines(index: &str, doc: &Document) -> String {
    let action = json!({"index": {"_index": index, "_id": doc.article.text(Field::Id)}});
    format!("{action}\n{}\n", source(doc))
}

impl OpenSearchSink {
    /// Creates `dir`; bulk files hold at most `max_mb` megabytes.
    pub fn create(dir: &Path, index: &str, cluster: &str, shards: usize, max_mb: u64) -> Result<OpenSearchSink> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
        remove_earlier(dir, |name| numbered(name, "bulk-", ".ndjson"))?;
        Ok(OpenSearchSink {
            dir: dir.to_path_buf(),
            index: index.to_string(),
            cluster: cluster.trim_end_matches('/').to_string(),
            shards,
            max_bytes: max_mb * 1_000_000,
            current: None,
            files: 0,
            bytes: 0,
        })
    }

    /// The number of bulk files written.
    pub fn files(&self) -> usize {
        self.files
    }

    fn load_script(&self) -> String {
        format!(
            "#!/bin/sh\n\
             # Written by `sou export --to opensearch`: creates the index and loads the documents.\n\
             # SOU_OPENSEARCH overrides the cluster; SOU_ENGINE_TOKEN is USER:PASSWORD or a bearer token.\n\
             set -eu\n\
             cd \"$(dirname \"$0\")\"\n\
             URL=\"${{SOU_OPENSEARCH:-{cluster}}}\"\n\
             INDEX={index}\n\
             call() {{\n\
             \x20 case \"${{SOU_ENGINE_TOKEN:-}}\" in\n\
             \x20   '') curl -fsS \"$@\" ;;\n\
             \x20   *:*) curl -fsS -u \"$SOU_ENGINE_TOKEN\" \"$@\" ;;\n\
             \x20   *) curl -fsS -H \"Authorization: Bearer $SOU_ENGINE_TOKEN\" \"$@\" ;;\n\
             \x20 esac\n\
             }}\n\
             call -X PUT \"$URL/$INDEX\" -H 'Content-Type: application/json' --data-binary @index.json\n\
             echo\n\
             for f in bulk-*.ndjson; do\n\
             \x20 out=$(call -X POST \"$URL/_bulk\" -H 'Content-Type: application/x-ndjson' --data-binary @\"$f\")\n\
             \x20 case \"$out\" in\n\
             \x20   *'\"errors\":false'*) echo \"$f: loaded\" ;;\n\
             \x20   *) echo \"$f: the cluster reported errors:\" >&2; echo \"$out\" | head -c 2000 >&2; exit 1 ;;\n\
             \x20 esac\n\
             done\n\
             call -X POST \"$URL/$INDEX/_refresh\"\n\
             echo\n\
             echo \"search it with: sou search --engine opensearch+$URL/$INDEX QUERY\"\n",
            cluster = self.cluster,
            index = self.index
        )
    }
}

impl Sink for OpenSearchSink {
    fn add(&mut self, doc: &Document) -> Result<()> {
        let lines = bulk_lines(&self.index, doc);
        let n = lines.len() as u64;
        if self.current.as_ref().is_none_or(|(_, size)| *size > 0 && size + n > self.max_bytes) {
            if let Some((mut w, _)) = self.current.take() {
                w.flush()?;
            }
            let path = self.dir.join(format!("bulk-{:04}.ndjson", self.files));
            let f = File::create(&path).with_context(|| format!("cannot write '{}'", path.display()))?;
            self.files += 1;
            self.current = Some((BufWriter::new(f), 0));
        }
        if let Some((w, size)) = self.current.as_mut() {
            w.write_all(lines.as_bytes())?;
            *size += n;
        }
        self.bytes += n;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if let Some((mut w, _)) = self.current.take() {
            w.flush()?;
        }
        let write = |name: &str, text: &str| {
            let path = self.dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("cannot write '{}'", path.display()))
        };
        let body = serde_json::to_string_pretty(&index_body(self.shards))?;
        write("index.json", &(body + "\n"))?;
        write("load.sh", &self.load_script())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = self.dir.join("load.sh");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(())
    }
}
