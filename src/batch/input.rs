//! Reading archives for the batch runner: turns each input (a path or `-` for stdin) into
//! a stream of [`Record`]s, one per article, in a fixed order.
//!
//! Formats, told apart by magic bytes first and the file name second (gzip is undone
//! first, so `.jsonl.gz`, `.tar.gz` and `.warc.gz` work, and so does a gzipped stdin):
//! - JSON Lines: `{"id", "text", "target"?, "title"?}` per line; id = the row's `id`, or
//!   `INPUT:LINE` when it has none.
//! - a directory tree of `.txt` / `.json` / `.html` files, walked in sorted order;
//!   id = the path relative to the directory.
//! - tar of the same files; id = the path inside the archive.
//! - WARC: `response` records holding a 2xx HTTP response with an HTML body (and
//!   `resource` records of HTML); id = `WARC-Target-URI`, else `WARC-Record-ID`.
//! - a single `.txt` / `.json` / `.html` file; id = its file name.
//!
//! Everything streams: at most one record's bytes are held at a time, and a record over
//! [`Limits::raw_bytes`] is passed over unread (it becomes a `too_large` error row).
//! What this module does not do: HTML parsing and the text checks run later, on worker
//! threads ([`Payload::into_doc`]); shard, resume and duplicate decisions belong to the
//! [`Sink`], asked through [`Sink::wants`] before a record's bytes are read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use once_cell::sync::Lazy;
use regex::Regex;
use serde_json::Value;

use crate::{Error, Result};

/// One input as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input, format sniffed from its first bytes.
    Stdin,
    Path(PathBuf),
}

impl Input {
    /// How rows from this input name it (in fallback ids and error sources).
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::Path(p) => p.display().to_string(),
        }
    }
}

impl From<&str> for Input {
    fn from(s: &str) -> Self {
        if s == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(s))
        }
    }
}

/// Size limits applied while reading.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest article text accepted, in characters.
    pub max_text_chars: usize,
}

impl Limits {
    /// Largest raw record (a JSON line, a file, an HTTP body) read into memory. Raw bytes
    /// carry markup and escapes, so this allows 16 bytes per permitted character plus 4 MiB
    /// of page furniture; anything bigger cannot yield an acceptable text and is not read.
    pub fn raw_bytes(&self) -> u64 {
        (self.max_text_chars as u64)
            .saturating_mul(16)
            .saturating_add(4 << 20)
    }
}

/// Why a row could not be scored; written as `{"id", "error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Stable, machine-readable: `parse`, `decode`, `empty_text`, `no_text`, `too_large`,
    /// `corrupt_input`, `unsupported`, `io`, and from the engine `invalid_input`,
    /// `inference`, `overloaded`, `internal`.
    pub code: &'static str,
    pub message: String,
}

impl RowError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        RowError {
            code,
            message: message.into(),
        }
    }
}

/// An article ready for the engine (before the text checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub title: Option<String>,
    /// The row's own target; the run's `--target` applies when `None`.
    pub target: Option<String>,
}

/// What was read for one record; turned into a [`Doc`] by [`Payload::into_doc`].
#[derive(Debug, Clone)]
pub enum Payload {
    /// Already parsed (a JSON line).
    Doc(Doc),
    /// A `.txt` file: UTF-8 text.
    Text(Vec<u8>),
    /// A `.json` file: one `{"text", "title"?, "target"?}` object.
    Json(Vec<u8>),
    /// An HTML page, with the charset its HTTP headers declared.
    Html {
        bytes: Vec<u8>,
        charset: Option<String>,
    },
    /// The record is unusable; it becomes an error row.
    Failed(RowError),
}

/// One article-sized unit of input.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    /// Where it came from (`INPUT:LINE`, `INPUT!entry`, `INPUT#record`), for error rows and logs.
    pub source: String,
    pub payload: Payload,
}

/// Where the readers hand records. The runner implements it with shard, resume and
/// duplicate checks and a bounded channel; tests collect into a `Vec`.
pub trait Sink {
    /// Whether the record with this id should be read at all. Called before its bytes
    /// are read, so records of other shards or already done cost (almost) nothing.
    /// Must not remember the id: a record may still be skipped after this (a WARC
    /// response that turns out not to be HTML).
    fn wants(&mut self, id: &str) -> bool;
    /// A record for the output (an article or an error row).
    fn record(&mut self, rec: Record);
    /// Something that is not an article (a non-HTML WARC record, a `.png` in a tar).
    fn skip(&mut self, source: &str, why: &str);
    /// Stop reading (Ctrl-C, or a fatal error downstream).
    fn stopped(&self) -> bool {
        false
    }
}

/// The kinds of single-file article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Text,
    Json,
    Html,
}

impl FileKind {
    /// By extension, case-insensitively.
    fn of(name: &str) -> Option<FileKind> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "txt" | "text" => Some(FileKind::Text),
            "json" => Some(FileKind::Json),
            "html" | "htm" | "xhtml" => Some(FileKind::Html),
            _ => None,
        }
    }

    fn payload(self, bytes: Vec<u8>) -> Payload {
        match self {
            FileKind::Text => Payload::Text(bytes),
            FileKind::Json => Payload::Json(bytes),
            FileKind::Html => Payload::Html {
                bytes,
                charset: None,
            },
        }
    }
}

/// What a stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Tar,
    Warc,
    Single(FileKind),
}

type Stream = Box<dyn BufRead>;

/// Read one input, handing every record to `sink`.
///
/// Damage inside an input (a corrupt gzip stream, a truncated tar or WARC) becomes one
/// `corrupt_input` error row with the input's name as id; the records before it stand.
///
/// # Errors
/// `Io` when the input cannot be opened or a directory cannot be listed.
pub fn read_input(input: &Input, limits: &Limits, sink: &mut dyn Sink) -> Result<()> {
    let name = input.name();
    let (stream, hint): (Stream, String) = match input {
        Input::Stdin => (
            Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            String::new(),
        ),
        Input::Path(p) if p.is_dir() => return read_dir_tree(p, limits, sink),
        Input::Path(p) => {
            let f = File::open(p).map_err(|e| Error::io(format!("opening {}", p.display()), e))?;
            let file_name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (Box::new(BufReader::with_capacity(1 << 16, f)), file_name)
        }
    };
    read_stream(stream, &name, &hint, limits, sink);
    Ok(())
}

/// Read a stream of any file format. `hint` is a file name for format detection and
/// single-file ids (empty for stdin).
fn read_stream(stream: Stream, name: &str, hint: &str, limits: &Limits, sink: &mut dyn Sink) {
    let corrupt = |sink: &mut dyn Sink, why: String| {
        if sink.wants(name) {
            sink.record(Record {
                id: name.to_string(),
                source: name.to_string(),
                payload: Payload::Failed(RowError::new("corrupt_input", why)),
            });
        }
    };
    let (magic, stream) = match peek(stream, 2) {
        Ok(x) => x,
        Err(e) => return corrupt(sink, format!("reading {name}: {e}")),
    };
    let gzipped = magic == [0x1f, 0x8b];
    let (stream, hint) = if gzipped {
        let inner: Stream = Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(stream),
        ));
        let hint = hint
            .strip_suffix(".gz")
            .or_else(|| hint.strip_suffix(".GZ"))
            .unwrap_or(hint);
        (inner, hint.to_string())
    } else {
        (stream, hint.to_string())
    };
    let (head, stream) = match peek(stream, 512) {
        Ok(x) => x,
        Err(e) => {
            let what = if gzipped { "gzip stream" } else { "input" };
            return corrupt(sink, format!("{what} of {name} is unreadable: {e}"));
        }
    };
    let Some(format) = detect(&head, &hint) else {
        return corrupt(
            sink,
            format!(
                "cannot tell the format of {name}: expected JSON Lines, tar, WARC, or a \
                 .txt/.json/.html file"
            ),
        );
    };
    let result = match format {
        Format::Jsonl => read_jsonl(stream, name, limits, sink),
        Format::Tar => read_tar(stream, name, limits, sink),
        Format::Warc => read_warc(stream, name, limits, sink),
        Format::Single(kind) => {
            let id = if hint.is_empty() {
                name.to_string()
            } else {
                hint.clone()
            };
            if sink.wants(&id) {
                let payload = match read_capped(stream, limits.raw_bytes()) {
                    Ok(Some(bytes)) => kind.payload(bytes),
                    Ok(None) => too_large(limits),
                    Err(e) => Payload::Failed(RowError::new("io", format!("reading {name}: {e}"))),
                };
                sink.record(Record {
                    id,
                    source: name.to_string(),
                    payload,
                });
            }
            Ok(())
        }
    };
    if let Err(why) = result {
        corrupt(sink, why);
    }
}

/// Read up to `n` bytes without losing them: returns them and a stream that replays them.
fn peek(mut stream: Stream, n: usize) -> io::Result<(Vec<u8>, Stream)> {
    let mut head = Vec::with_capacity(n);
    (&mut stream).take(n as u64).read_to_end(&mut head)?;
    let replay: Stream = Box::new(Cursor::new(head.clone()).chain(stream));
    Ok((head, replay))
}

/// Tell the format from the first (decompressed) bytes, then the file name.
fn detect(head: &[u8], hint: &str) -> Option<Format> {
    if head.starts_with(b"WARC/") {
        return Some(Format::Warc);
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some(Format::Tar);
    }
    let lower = hint.to_ascii_lowercase();
    if lower.ends_with(".tar") {
        return Some(Format::Tar);
    }
    if lower.ends_with(".warc") {
        return Some(Format::Warc);
    }
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return Some(Format::Jsonl);
    }
    if let Some(kind) = FileKind::of(&lower) {
        return Some(Format::Single(kind));
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None | Some(b'{') => Some(Format::Jsonl),
        Some(b'<') => Some(Format::Single(FileKind::Html)),
        Some(_) => None,
    }
}

/// Read a whole stream, or `None` when it is longer than `cap` (the rest is not read).
fn read_capped(stream: impl Read, cap: u64) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    stream.take(cap + 1).read_to_end(&mut buf)?;
    Ok((buf.len() as u64 <= cap).then_some(buf))
}

fn too_large(limits: &Limits) -> Payload {
    Payload::Failed(RowError::new(
        "too_large",
        format!(
            "record is over {} bytes (the limit for --max-text-chars {})",
            limits.raw_bytes(),
            limits.max_text_chars
        ),
    ))
}

// ---------------------------------------------------------------------------------------
// JSON Lines

/// Read one line of at most `cap` bytes into `buf` (without the newline). Returns
/// `None` at end of input, else whether the line was longer than `cap` (its remainder
/// is consumed and dropped, so a giant line never sits in memory).
fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut overflow = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(overflow));
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        let room = cap.saturating_sub(buf.len());
        if part.len() > room {
            overflow = true;
        }
        buf.extend_from_slice(&part[..part.len().min(room)]);
        let used = done.unwrap_or(chunk.len());
        r.consume(used);
        if done.is_some() {
            return Ok(Some(overflow));
        }
    }
}

/// The `id` of a JSON line that could not be parsed, when its text shows one.
fn sniff_id(line: &[u8]) -> Option<String> {
    static ID: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r#""id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9]+)"#).expect("static regex is valid")
    });
    let text = String::from_utf8_lossy(&line[..line.len().min(1 << 16)]);
    let raw = ID.captures(&text)?.get(1)?.as_str().to_string();
    match serde_json::from_str::<Value>(&raw).ok()? {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_jsonl(
    mut stream: Stream,
    name: &str,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), String> {
    let cap = usize::try_from(limits.raw_bytes()).unwrap_or(usize::MAX);
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    while !sink.stopped() {
        let overflow = match read_line_capped(&mut stream, &mut buf, cap) {
            Ok(None) => return Ok(()),
            Ok(Some(o)) => o,
            Err(e) => return Err(format!("{name} is unreadable after line {line_no}: {e}")),
        };
        line_no += 1;
        let mut line = buf.as_slice();
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let source = format!("{name}:{line_no}");
        let fallback = || sniff_id(line).unwrap_or_else(|| source.clone());
        let (id, payload) = if overflow {
            (fallback(), too_large(limits))
        } else {
            match parse_json_article(line) {
                Ok((Some(id), doc)) => (id, Payload::Doc(doc)),
                Ok((None, doc)) => (source.clone(), Payload::Doc(doc)),
                Err(e) => (fallback(), Payload::Failed(e)),
            }
        };
        if sink.wants(&id) {
            sink.record(Record {
                id,
                source,
                payload,
            });
        }
    }
    Ok(())
}

/// Parse one JSON article object: its id (when it has one) and its fields.
fn parse_json_article(bytes: &[u8]) -> Result<(Option<String>, Doc), RowError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        RowError::new(
            "decode",
            format!("not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| RowError::new("parse", format!("not valid JSON: {e}")))?;
    let Value::Object(mut obj) = value else {
        return Err(RowError::new("parse", "not a JSON object"));
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            return Err(RowError::new(
                "parse",
                format!("\"id\" must be a non-empty string or a number, not {other}"),
            ))
        }
    };
    let mut string_field = |key: &str| -> Result<Option<String>, RowError> {
        match obj.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(RowError::new(
                "parse",
                format!("\"{key}\" must be a string"),
            )),
        }
    };
    let text = string_field("text")?.ok_or_else(|| RowError::new("parse", "missing \"text\""))?;
    let title = string_field("title")?;
    let target = string_field("target")?;
    Ok((
        id,
        Doc {
            text,
            title,
            target,
        },
    ))
}

// ---------------------------------------------------------------------------------------
// Directory trees

/// Walk a directory in sorted order (a stack of sorted listings, so memory is one listing
/// per level). Hidden entries are ignored; symlinked directories are not followed, so a
/// link loop cannot make the walk endless.
fn read_dir_tree(root: &Path, limits: &Limits, sink: &mut dyn Sink) -> Result<()> {
    let mut stack: Vec<std::vec::IntoIter<PathBuf>> = vec![sorted_listing(root)?.into_iter()];
    while let Some(level) = stack.last_mut() {
        if sink.stopped() {
            break;
        }
        let Some(path) = level.next() else {
            stack.pop();
            continue;
        };
        let rel = relative_id(root, &path);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                if sink.wants(&rel) {
                    sink.record(io_failure(&rel, &path, e));
                }
                continue;
            }
        };
        if meta.is_dir() {
            // An unreadable folder deep in the tree is one error row, not the end of the run.
            match sorted_listing(&path) {
                Ok(listing) => stack.push(listing.into_iter()),
                Err(e) => {
                    if sink.wants(&rel) {
                        sink.record(Record {
                            id: rel,
                            source: path.display().to_string(),
                            payload: Payload::Failed(RowError::new("io", e.to_string())),
                        });
                    }
                }
            }
            continue;
        }
        if meta.file_type().is_symlink() && path.is_dir() {
            sink.skip(
                &path.display().to_string(),
                "symlinked directory (not followed)",
            );
            continue;
        }
        let Some(kind) = FileKind::of(&rel) else {
            sink.skip(
                &path.display().to_string(),
                "not a .txt, .json or .html file",
            );
            continue;
        };
        if !sink.wants(&rel) {
            continue;
        }
        let payload = match File::open(&path) {
            Ok(f) => match read_capped(f, limits.raw_bytes()) {
                Ok(Some(bytes)) => kind.payload(bytes),
                Ok(None) => too_large(limits),
                Err(e) => Payload::Failed(RowError::new(
                    "io",
                    format!("reading {}: {e}", path.display()),
                )),
            },
            Err(e) => Payload::Failed(RowError::new(
                "io",
                format!("opening {}: {e}", path.display()),
            )),
        };
        sink.record(Record {
            id: rel,
            source: path.display().to_string(),
            payload,
        });
    }
    Ok(())
}

fn io_failure(id: &str, path: &Path, e: io::Error) -> Record {
    Record {
        id: id.to_string(),
        source: path.display().to_string(),
        payload: Payload::Failed(RowError::new("io", format!("{}: {e}", path.display()))),
    }
}

fn sorted_listing(dir: &Path) -> Result<Vec<PathBuf>> {
    let read =
        std::fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    let mut paths = Vec::new();
    for entry in read {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        paths.push(entry.path());
    }
    paths.sort();
    Ok(paths)
}

/// `a/b/c.txt` with forward slashes whatever the platform, so ids (and shards) agree.
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The article files under a directory (for the progress bar's total).
pub(crate) fn count_dir_articles(root: &Path) -> u64 {
    let mut n = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(paths) = sorted_listing(&dir) else {
            continue;
        };
        for p in paths {
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(_) if FileKind::of(&p.to_string_lossy()).is_some() => n += 1,
                _ => {}
            }
        }
    }
    n
}

// ---------------------------------------------------------------------------------------
// tar

fn read_tar(
    stream: Stream,
    name: &str,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), String> {
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries()
        .map_err(|e| format!("{name} is not a readable tar archive: {e}"))?;
    for entry in entries {
        if sink.stopped() {
            break;
        }
        let mut entry = entry.map_err(|e| format!("{name} is damaged: {e}"))?;
        let kind_of_entry = entry.header().entry_type();
        let path = entry
            .path()
            .map_err(|e| format!("{name} has an entry with a bad path: {e}"))?
            .to_string_lossy()
            .into_owned();
        let id = path.trim_start_matches("./").to_string();
        let source = format!("{name}!{id}");
        if kind_of_entry.is_dir() || id.is_empty() {
            continue;
        }
        if !kind_of_entry.is_file() {
            sink.skip(&source, "not a regular file");
            continue;
        }
        if id
            .rsplit('/')
            .next()
            .is_some_and(|base| base.starts_with('.'))
        {
            continue;
        }
        let Some(kind) = FileKind::of(&id) else {
            sink.skip(&source, "not a .txt, .json or .html file");
            continue;
        };
        if !sink.wants(&id) {
            continue;
        }
        // tar skips an unread entry's data itself when the next entry is requested.
        let payload = if entry.size() > limits.raw_bytes() {
            too_large(limits)
        } else {
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{name} is damaged in {id}: {e}"))?;
            kind.payload(bytes)
        };
        sink.record(Record {
            id,
            source,
            payload,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// WARC

/// A WARC record's header fields, names lower-cased.
struct WarcHeaders(Vec<(String, String)>);

impl WarcHeaders {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Largest header block accepted (WARC or HTTP): real ones are a few KiB.
const MAX_HEADER_BYTES: usize = 256 << 10;

/// Read `Name: value` lines up to the blank line. `None` at a clean end of input
/// (only blank lines left) when `allow_eof`.
fn read_header_lines(r: &mut dyn BufRead, what: &str) -> Result<Vec<String>, String> {
    let mut lines: Vec<String> = Vec::new();
    let mut total = 0usize;
    let mut buf = Vec::new();
    loop {
        let over = read_line_capped(r, &mut buf, MAX_HEADER_BYTES)
            .map_err(|e| format!("{what}: {e}"))?
            .ok_or_else(|| format!("{what}: input ends inside the headers"))?;
        total += buf.len();
        if over || total > MAX_HEADER_BYTES {
            return Err(format!("{what}: headers are over {MAX_HEADER_BYTES} bytes"));
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            return Ok(lines);
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
                continue;
            }
        }
        lines.push(line.to_string());
    }
}

fn parse_fields(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

fn read_warc(
    mut stream: Stream,
    name: &str,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let mut n_record = 0u64;
    loop {
        if sink.stopped() {
            return Ok(());
        }
        // The version line; blank lines between records are the previous record's trailer.
        let version = loop {
            match read_line_capped(&mut stream, &mut buf, 64) {
                Err(e) => return Err(format!("{name} is unreadable after record {n_record}: {e}")),
                Ok(None) => return Ok(()),
                Ok(Some(_)) => {
                    let line = String::from_utf8_lossy(&buf).trim().to_string();
                    if !line.is_empty() {
                        break line;
                    }
                }
            }
        };
        n_record += 1;
        if !version.starts_with("WARC/") {
            return Err(format!(
                "{name}: record {n_record} does not start with a WARC version line (found {:?})",
                version.chars().take(40).collect::<String>()
            ));
        }
        let headers = WarcHeaders(parse_fields(&read_header_lines(
            &mut stream,
            &format!("{name} record {n_record}"),
        )?));
        let length: u64 = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name}: record {n_record} has no valid Content-Length"))?;
        let mut block = (&mut stream).take(length);
        let result = warc_record(&headers, &mut block, name, n_record, limits, sink);
        // Whatever the record's fate, continue right after its block.
        let rest = io::copy(&mut block, &mut io::sink());
        if block.limit() > 0 || rest.is_err() {
            return Err(format!(
                "{name}: record {n_record} is truncated (Content-Length {length})"
            ));
        }
        result?;
    }
}

/// Handle one WARC record whose block is `block`.
fn warc_record(
    headers: &WarcHeaders,
    block: &mut dyn BufRead,
    name: &str,
    n_record: u64,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), String> {
    let warc_type = headers.get("warc-type").unwrap_or("").to_ascii_lowercase();
    if warc_type != "response" && warc_type != "resource" {
        // warcinfo, request, metadata, revisit, conversion: protocol records, not articles.
        return Ok(());
    }
    let id = headers
        .get("warc-target-uri")
        .map(|u| u.trim_matches(['<', '>']).to_string())
        .filter(|u| !u.is_empty())
        .or_else(|| headers.get("warc-record-id").map(str::to_string))
        .unwrap_or_else(|| format!("{name}#{n_record}"));
    let source = format!("{name}#{n_record}");
    if !sink.wants(&id) {
        return Ok(());
    }
    let (content_type, chunked, encoding) = if warc_type == "response" {
        let lines = read_header_lines(block, &format!("{source} HTTP response"))?;
        let status_line = lines.first().cloned().unwrap_or_default();
        if !status_line.starts_with("HTTP/") {
            sink.skip(&source, "response record without an HTTP response");
            return Ok(());
        }
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if !(200..300).contains(&status) {
            sink.skip(&source, &format!("HTTP status {status}"));
            return Ok(());
        }
        let fields = WarcHeaders(parse_fields(&lines[1..]));
        let ct = fields.get("content-type").unwrap_or("").to_string();
        let chunked = fields
            .get("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let enc = fields
            .get("content-encoding")
            .unwrap_or("")
            .to_ascii_lowercase();
        (ct, chunked, enc)
    } else {
        (
            headers.get("content-type").unwrap_or("").to_string(),
            false,
            String::new(),
        )
    };
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "text/html" && mime != "application/xhtml+xml" {
        let shown = if mime.is_empty() {
            "no content type"
        } else {
            mime.as_str()
        };
        sink.skip(&source, &format!("not HTML ({shown})"));
        return Ok(());
    }
    let charset = content_type
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string());
    let payload = match http_body(block, chunked, &encoding, limits.raw_bytes()) {
        Ok(Some(bytes)) => Payload::Html { bytes, charset },
        Ok(None) => too_large(limits),
        Err(e) => Payload::Failed(e),
    };
    sink.record(Record {
        id,
        source,
        payload,
    });
    Ok(())
}

/// The body of an HTTP response, de-chunked and decompressed; `None` when over `cap`.
fn http_body(
    block: &mut dyn BufRead,
    chunked: bool,
    encoding: &str,
    cap: u64,
) -> Result<Option<Vec<u8>>, RowError> {
    let raw = if chunked {
        dechunk(block, cap)?
    } else {
        read_capped(block, cap).map_err(|e| RowError::new("io", e.to_string()))?
    };
    let Some(raw) = raw else { return Ok(None) };
    let bad = |e: io::Error| {
        RowError::new(
            "decode",
            format!("{encoding} body does not decompress: {e}"),
        )
    };
    match encoding.trim() {
        "" | "identity" => Ok(Some(raw)),
        "gzip" | "x-gzip" => read_capped(MultiGzDecoder::new(raw.as_slice()), cap).map_err(bad),
        "deflate" => read_capped(flate2::read::ZlibDecoder::new(raw.as_slice()), cap).map_err(bad),
        other => Err(RowError::new(
            "unsupported",
            format!("content encoding {other:?} is not supported (gzip and deflate are)"),
        )),
    }
}

/// Undo HTTP chunked transfer encoding (some crawlers store it as received).
fn dechunk(r: &mut dyn BufRead, cap: u64) -> Result<Option<Vec<u8>>, RowError> {
    let bad = |why: String| RowError::new("decode", format!("bad chunked body: {why}"));
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        read_line_capped(r, &mut line, 1024)
            .map_err(|e| bad(e.to_string()))?
            .ok_or_else(|| bad("ends before the last chunk".into()))?;
        let text = String::from_utf8_lossy(&line);
        let size_hex = text.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_hex, 16)
            .map_err(|_| bad(format!("chunk size {size_hex:?}")))?;
        if size == 0 {
            return Ok(Some(out));
        }
        if out.len() as u64 + size > cap {
            return Ok(None);
        }
        let before = out.len();
        r.take(size)
            .read_to_end(&mut out)
            .map_err(|e| bad(e.to_string()))?;
        if (out.len() - before) as u64 != size {
            return Err(bad("a chunk is cut short".into()));
        }
        read_line_capped(r, &mut line, 16).map_err(|e| bad(e.to_string()))?;
    }
}

/// One article file as `parley analyze` reads it, by the batch reader's rules: by its
/// extension, a `.json` object (`text`, and optionally `title`, `target`, `id`) or an HTML
/// page; any other name is UTF-8 text. Returns the JSON object's `id`, if it has one, with
/// the article. The text checks are the engine's, so no size limit applies here.
pub fn article_file(name: &str, bytes: Vec<u8>) -> Result<(Option<String>, Doc), RowError> {
    let kind = FileKind::of(name).unwrap_or(FileKind::Text);
    if kind == FileKind::Json {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        return parse_json_article(bytes);
    }
    let unlimited = Limits {
        max_text_chars: usize::MAX,
    };
    kind.payload(bytes).into_doc(&unlimited).map(|d| (None, d))
}

// ---------------------------------------------------------------------------------------
// Payload → Doc (runs on worker threads)

impl Payload {
    /// Decode and extract the article, then check it: empty text is `empty_text` (`no_text`
    /// for a page without prose), text over `limits.max_text_chars` is `too_large`.
    pub fn into_doc(self, limits: &Limits) -> Result<Doc, RowError> {
        let doc = match self {
            Payload::Doc(d) => d,
            Payload::Failed(e) => return Err(e),
            Payload::Text(bytes) => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let text = std::str::from_utf8(bytes).map_err(|e| {
                    RowError::new(
                        "decode",
                        format!("not valid UTF-8 (at byte {})", e.valid_up_to()),
                    )
                })?;
                Doc {
                    text: text.to_string(),
                    title: None,
                    target: None,
                }
            }
            Payload::Json(bytes) => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                // A file's id is its path; an `id` inside is the file's business.
                parse_json_article(bytes)?.1
            }
            Payload::Html { bytes, charset } => {
                let html = super::html::decode(&bytes, charset.as_deref())
                    .map_err(|m| RowError::new("decode", m))?;
                let x = super::html::extract(&html);
                if x.text.is_empty() {
                    return Err(RowError::new("no_text", "the page has no paragraph text"));
                }
                Doc {
                    text: x.text,
                    title: x.title,
                    target: None,
                }
            }
        };
        if doc.text.trim().is_empty() {
            return Err(RowError::new("empty_text", "text is empty"));
        }
        let n = doc.text.chars().count();
        if n > limits.max_text_chars {
            return Err(RowError::new(
                "too_large",
                format!(
                    "text is {n} characters; the limit is {}",
                    limits.max_text_chars
                ),
            ));
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects everything, wanting every id.
    #[derive(Default)]
    struct Collect {
        records: Vec<Record>,
        skipped: Vec<String>,
    }

    impl Sink for Collect {
        fn wants(&mut self, _id: &str) -> bool {
            true
        }
        fn record(&mut self, rec: Record) {
            self.records.push(rec);
        }
        fn skip(&mut self, source: &str, why: &str) {
            self.skipped.push(format!("{source}: {why}"));
        }
    }

    fn read_bytes(bytes: &[u8], hint: &str) -> Collect {
        let mut c = Collect::default();
        let limits = Limits {
            max_text_chars: 1000,
        };
        read_stream(
            Box::new(Cursor::new(bytes.to_vec())),
            "in",
            hint,
            &limits,
            &mut c,
        );
        c
    }

    #[test]
    fn capped_lines_drop_the_overflow_and_keep_going() {
        let mut r: Stream = Box::new(Cursor::new(b"abc\nabcdefgh\n\nxy".to_vec()));
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap(), Some(false));
        assert_eq!(buf, b"abc");
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap(), Some(true));
        assert_eq!(buf, b"abcd");
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap(), Some(false));
        assert_eq!(buf, b"");
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap(), Some(false));
        assert_eq!(buf, b"xy");
        assert_eq!(read_line_capped(&mut r, &mut buf, 4).unwrap(), None);
    }

    #[test]
    fn jsonl_rows_ids_and_errors() {
        let input = b"{\"id\": \"a\", \"text\": \"Alpha.\", \"target\": \"the deal\"}\n\
            \n\
            {\"id\": 7, \"text\": \"Seven.\"}\n\
            {\"text\": \"No id.\"}\n\
            {\"id\": \"bad\", \"text\": 5}\n\
            {\"id\": \"cut\", \"text\": \"trunc";
        let c = read_bytes(input, "x.jsonl");
        let ids: Vec<&str> = c.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "7", "in:4", "bad", "cut"]);
        let Payload::Doc(d) = &c.records[0].payload else {
            panic!()
        };
        assert_eq!(d.target.as_deref(), Some("the deal"));
        assert!(matches!(&c.records[3].payload, Payload::Failed(e) if e.code == "parse"));
        assert!(matches!(&c.records[4].payload, Payload::Failed(e) if e.code == "parse"));
        assert_eq!(c.records[4].source, "in:6");
    }

    #[test]
    fn detects_by_magic_then_name() {
        assert_eq!(detect(b"WARC/1.1\r\n", "x.jsonl"), Some(Format::Warc));
        assert_eq!(detect(b"{\"id\":1}", ""), Some(Format::Jsonl));
        assert_eq!(detect(b"", ""), Some(Format::Jsonl));
        assert_eq!(detect(b"<html>", ""), Some(Format::Single(FileKind::Html)));
        assert_eq!(
            detect(b"plain words", "a.TXT"),
            Some(Format::Single(FileKind::Text))
        );
        assert_eq!(detect(b"plain words", ""), None);
    }

    #[test]
    fn chunked_and_gzip_bodies() {
        let mut r: Stream = Box::new(Cursor::new(
            b"5\r\nHello\r\n6;ext=1\r\n world\r\n0\r\n\r\n".to_vec(),
        ));
        assert_eq!(dechunk(&mut r, 100).unwrap().unwrap(), b"Hello world");
        let mut r: Stream = Box::new(Cursor::new(b"5\r\nHello\r\n0\r\n".to_vec()));
        assert_eq!(dechunk(&mut r, 3).unwrap(), None);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        io::Write::write_all(&mut gz, b"<p>hi</p>").unwrap();
        let packed = gz.finish().unwrap();
        let mut r: Stream = Box::new(Cursor::new(packed));
        assert_eq!(
            http_body(&mut r, false, "gzip", 100).unwrap().unwrap(),
            b"<p>hi</p>"
        );
        let mut r: Stream = Box::new(Cursor::new(b"x".to_vec()));
        assert_eq!(
            http_body(&mut r, false, "br", 100).unwrap_err().code,
            "unsupported"
        );
    }

    #[test]
    fn text_checks() {
        let limits = Limits { max_text_chars: 5 };
        assert_eq!(
            Payload::Text(b" \n".to_vec())
                .into_doc(&limits)
                .unwrap_err()
                .code,
            "empty_text"
        );
        assert_eq!(
            Payload::Text(b"123456".to_vec())
                .into_doc(&limits)
                .unwrap_err()
                .code,
            "too_large"
        );
        assert_eq!(
            Payload::Text(b"\xff".to_vec())
                .into_doc(&limits)
                .unwrap_err()
                .code,
            "decode"
        );
        assert_eq!(
            Payload::Text("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}".into())
                .into_doc(&limits)
                .unwrap()
                .text
                .chars()
                .count(),
            5
        );
        let html = Payload::Html {
            bytes: b"<nav>menu</nav>".to_vec(),
            charset: None,
        };
        assert_eq!(html.into_doc(&limits).unwrap_err().code, "no_text");
    }
}
