//! Sphinx (2.2, Debian's `sphinxsearch`) and Manticore Search: a cluster of `searchd`
//! nodes, each indexing its shard from an xmlpipe2 stream, node 0 serving the
//! distributed index `sou` over all of them; queried over SphinxQL.
//!
//! The schema, derived from the field table: per searchable text field a full-text
//! field `{name}_words` and `{name}_chars` ([`super::handoff`] tokens), per exact-value
//! field (`source`, `author`) a full-text field `{name}_key` with one value token, the
//! field `every` with [`super::handoff::EVERY`]; the article as string attributes
//! (`sou_id` for the id), `date` (seconds), `dated` (0 or 1) and `day` (local day
//! number) as integers.

pub mod client;
pub mod export;
pub mod query;

use anyhow::{anyhow, Result};

use crate::article::{Field, Kind, FIELDS};
pub(crate) use crate::remote::handoff::view_field;

/// The full-text field that holds every document's [`super::handoff::EVERY`] token.
pub(crate) const EVERY_FIELD: &str = "every";

/// The string attribute holding a document's sou id (`id` is Sphinx's integer id).
pub(crate) const ID_ATTR: &str = "sou_id";

/// The fields whose exact values are searched (`source:`, `--source`, `--author`).
pub fn keyed() -> impl Iterator<Item = Field> {
    FIELDS.iter().filter(|s| s.kind == Kind::Keyword || s.counted).map(|s| s.field)
}

/// The full-text field of a field's exact value.
pub(crate) fn key_field(f: Field) -> String {
    format!("{}_key", f.name())
}

/// The string attribute a stored field is kept in.
pub(crate) fn attr(f: Field) -> &'static str {
    if f == Field::Id {
        ID_ATTR
    } else {
        f.name()
    }
}

/// Where a Sphinx cluster answers: `sphinx://HOST:PORT/INDEX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Host name or address.
    pub host: String,
    /// The SphinxQL (mysql41) port.
    pub port: u16,
    /// The (distributed) index.
    pub index: String,
}

impl Address {
    /// Parses the part of the URL after `sphinx://`.
    pub fn parse(rest: &str) -> Result<Address> {
        let (hostport, index) = rest.split_once('/').unwrap_or((rest, "sou"));
        let index = if index.is_empty() { "sou" } else { index.trim_end_matches('/') };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| anyhow!("'{p}' is not a port number"))?),
            None => (hostport, 9306),
        };
        if host.is_empty() {
            return Err(anyhow!("no host in sphinx://{rest}"));
        }
        if !index.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(anyhow!("'{index}' is not a Sphinx index name (letters, digits, _)"));
        }
        Ok(Address { host: host.to_string(), port, index: index.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_host_port_and_index() {
        let a = Address::parse("127.0.0.1:9306/sou").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.host.as_str(), a.port, a.index.as_str()), ("127.0.0.1", 9306, "sou"));
        assert_eq!(Address::parse("h").map(|a| (a.port, a.index)).ok(), Some((9306, "sou".to_string())));
        assert!(Address::parse("h:x/sou").is_err());
        assert!(Address::parse("h:9306/a;drop").is_err());
        assert!(Address::parse(":9306").is_err());
    }
}
