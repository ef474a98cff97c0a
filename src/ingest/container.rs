//! Containers around the formats sou reads: compressed streams (gzip, zstd, xz, bzip2)
//! and archives (zip, tar), recognised by their magic bytes, never by the name alone.
//! Streams are decompressed as they are read, so memory stays bounded; a stream that
//! expands far more than text does (a compression bomb) is stopped, and the limits are
//! [`Limits`]. Archive members are read as files named `ARCHIVE!/member/path`.

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// How far sou follows a container before it calls it hostile. Documented in the
/// README ("Formats"); chosen far above what text ever does (news JSON compresses
/// 4–10×, the most repetitive logs about 100×) and far below what a bomb does (~1000×).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most bytes one input (a file with everything in it) may expand to.
    pub max_expanded: u64,
    /// Most a stream may expand relative to its compressed size, checked once it has
    /// produced [`Limits::ratio_after`] bytes.
    pub max_ratio: u64,
    /// Bytes a stream may produce before its ratio is checked.
    pub ratio_after: u64,
    /// Most members of one archive that are read; the rest are skipped with a warning.
    pub max_members: usize,
    /// Most containers nested in one another (`a.zip!/b.tar.gz!/c.html` is 3).
    pub max_depth: usize,
    /// Largest archive read into memory when it does not come from a seekable file
    /// (a zip inside a zip, or on standard input).
    pub max_in_memory: u64,
}

/// The limits every read uses.
pub const LIMITS: Limits = Limits {
    max_expanded: 16 << 30,
    max_ratio: 200,
    ratio_after: 64 << 20,
    max_members: 100_000,
    max_depth: 4,
    max_in_memory: 2 << 30,
};

/// A compressed stream's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (RFC 1952), also several members one after the other (per-record WARC).
    Gzip,
    /// Zstandard.
    Zstd,
    /// xz (LZMA2).
    Xz,
    /// bzip2.
    Bzip2,
}

impl Compression {
    /// The format the first bytes of a stream announce.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Some(Compression::Xz)
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Some(Compression::Bzip2)
        } else {
            None
        }
    }

    /// Its name, as the summary counts it.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
        }
    }

    /// A reader of the decompressed bytes of `input`, stopped by [`LIMITS`] when it
    /// expands like a bomb (an error: nothing of a bomb is kept). A stream that is cut
    /// short (a download that stopped) or damaged ends where it breaks, so what came
    /// before is read; the [`Cut`] then says where and why.
    pub fn decoder<'a>(self, input: impl BufRead + 'a) -> io::Result<(Box<dyn Read + 'a>, Cut)> {
        let consumed = Rc::new(Cell::new(0u64));
        let counted = io::BufReader::with_capacity(1 << 16, Counted { inner: input, count: consumed.clone() });
        let inner: Box<dyn Read + 'a> = match self {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(counted)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(counted)?),
            Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(counted)),
            Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(counted)),
        };
        let cut = Cut::default();
        Ok((Box::new(Guarded { inner, consumed, produced: 0, limits: LIMITS, cut: cut.clone() }), cut))
    }
}

/// Where and why a compressed stream ended before its end: `(bytes of text read before
/// the break, the decoder's reason)`, set once the stream breaks.
#[derive(Clone, Default)]
pub struct Cut(Rc<RefCell<Option<(u64, String)>>>);

impl Cut {
    /// The break, if the stream broke.
    pub fn get(&self) -> Option<(u64, String)> {
        self.0.borrow().clone()
    }
}

/// The name a file has inside its compression: `news.jsonl.gz` → `news.jsonl`, so the
/// extension still hints at the format.
pub fn inner_name(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    for ext in [".gz", ".zst", ".zstd", ".xz", ".bz2"] {
        if lower.ends_with(ext) {
            return &name[..name.len() - ext.len()];
        }
    }
    name
}

/// Whether the first bytes are a zip archive's (also an empty one's).
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Whether the first 512 bytes are a tar header (POSIX `ustar` or GNU tar magic, with
/// a valid header checksum).
pub fn is_tar(head: &[u8]) -> bool {
    if head.len() < 512 || &head[257..262] != b"ustar" {
        return false;
    }
    let stored = std::str::from_utf8(&head[148..156])
        .ok()
        .map(|s| s.trim_matches(|c: char| c == '\0' || c == ' '))
        .and_then(|s| u32::from_str_radix(s, 8).ok());
    let sum: u32 =
        head[..512].iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { *b as u32 }).sum();
    stored == Some(sum)
}

/// A member's name made safe to show and to use as an id: separators are `/`, and
/// leading slashes, drive letters, `.` and `..` are dropped (sou never writes members
/// to disk, so a name like `../../etc/passwd` is only a name, shown as `etc/passwd`).
pub fn member_name(raw: &str) -> String {
    let unified = raw.replace('\\', "/");
    let parts: Vec<&str> = unified
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .filter(|p| !(p.len() == 2 && p.ends_with(':')))
        .collect();
    parts.join("/")
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A decompressed stream that stops with an error when it expands beyond [`Limits`].
struct Guarded<'a> {
    inner: Box<dyn Read + 'a>,
    consumed: Rc<Cell<u64>>,
    produced: u64,
    limits: Limits,
    cut: Cut,
}

impl Read for Guarded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cut.0.borrow().is_some() {
            return Ok(0);
        }
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                *self.cut.0.borrow_mut() = Some((self.produced, e.to_string()));
                return Ok(0);
            }
        };
        self.produced += n as u64;
        let l = &self.limits;
        if self.produced > l.max_expanded {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("expands beyond {} GiB; the rest is skipped", l.max_expanded >> 30),
            ));
        }
        if self.produced > l.ratio_after && self.produced > l.max_ratio * self.consumed.get().max(1) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "expands more than {}× its compressed size (a compression bomb?); the rest is skipped",
                    l.max_ratio
                ),
            ));
        }
        Ok(n)
    }
}

/// Reads up to `n` bytes from the start of `input` and gives them back with a reader
/// that still yields every byte (the peeked ones first).
pub fn peek<'a>(mut input: impl Read + 'a, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + 'a>)> {
    let mut head = Vec::with_capacity(n);
    (&mut input).take(n as u64).read_to_end(&mut head)?;
    let rest: Box<dyn Read + 'a> = Box::new(io::Cursor::new(head.clone()).chain(input));
    Ok((head, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn each_compression_is_recognised_and_read_back() {
        let text = "上海 news\n".repeat(1000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).expect("gz");
        let gz = gz.finish().expect("gz");
        let zst = zstd::encode_all(text.as_bytes(), 3).expect("zstd");
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(text.as_bytes()).expect("xz");
        let xz = xz.finish().expect("xz");
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(text.as_bytes()).expect("bz");
        let bz = bz.finish().expect("bz");
        for (bytes, want) in
            [(gz, Compression::Gzip), (zst, Compression::Zstd), (xz, Compression::Xz), (bz, Compression::Bzip2)]
        {
            assert_eq!(Compression::sniff(&bytes), Some(want));
            let mut out = String::new();
            let (mut reader, cut) = want.decoder(&bytes[..]).expect("decoder");
            reader.read_to_string(&mut out).expect("read");
            assert_eq!(out, text, "{want:?}");
            assert!(cut.get().is_none(), "{want:?}");
            // Cut short: what came before is read, and the break is told.
            let (mut reader, cut) = want.decoder(&bytes[..bytes.len() * 2 / 3]).expect("decoder");
            let mut part = Vec::new();
            reader.read_to_end(&mut part).expect("read");
            assert!(text.as_bytes().starts_with(&part), "{want:?}");
            let (at, why) = cut.get().unwrap_or_else(|| panic!("{want:?}: a cut stream is told"));
            assert_eq!(at, part.len() as u64, "{want:?}: {why}");
        }
        assert_eq!(Compression::sniff(text.as_bytes()), None);
    }

    #[test]
    fn a_bomb_is_stopped_and_names_are_made_harmless() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..200 {
            gz.write_all(&zeros).expect("gz");
        }
        let gz = gz.finish().expect("gz");
        let mut sink = io::sink();
        let err = io::copy(&mut Compression::Gzip.decoder(&gz[..]).expect("decoder").0, &mut sink).expect_err("a bomb");
        assert!(err.to_string().contains("compression bomb"), "{err}");
        assert_eq!(member_name("../../etc/passwd"), "etc/passwd");
        assert_eq!(member_name("/abs/./a\\b.txt"), "abs/a/b.txt");
        assert_eq!(member_name("C:\\x.html"), "x.html");
        assert_eq!(inner_name("a/news.jsonl.GZ"), "a/news.jsonl");
    }
}
