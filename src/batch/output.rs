//! Output for the batch runner: the JSON Lines file (or stdout), the optional per-speaker
//! summary CSV, and resuming both after a crash.
//!
//! Crash safety comes from how rows are written: each group of finished rows is handed to
//! the kernel whole, lines complete with their newline, in one `write` per row (plain) or
//! one gzip member per group (`.gz`). A killed process (even SIGKILL) therefore leaves at
//! most one incomplete line or gzip member at the end, which [`prepare`] cuts off before a
//! resumed run appends. Ids of complete rows are "done" and are not scored again.
//!
//! Gzip output is a sequence of gzip members, one per flush (`gzip -d`/`zcat` and every
//! gzip reader read them as one stream); resume walks the members and keeps the ones that
//! decode whole. The CSV is derived data: a resumed run rebuilds it from the output rows,
//! so it can never disagree with them.
//!
//! Not done here: `fsync` per row. A killed process loses nothing already written; a
//! power cut may lose the last seconds, which resume then redoes. The file is synced when
//! the run ends.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Deserialize;

use super::shard::id_digest;
use crate::report::{Report, SpeakerKind, StanceLabel};
use crate::{Error, Result};

/// The CSV header.
pub const CSV_HEADER: &str = "id,speaker,kind,label,score,confidence,strength\n";

/// Where rows go and how they are encoded.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    /// `None`: standard output.
    pub path: Option<PathBuf>,
    /// Gzip the rows (always on for a path ending in `.gz`).
    pub gzip: bool,
    pub summary_csv: Option<PathBuf>,
}

impl OutputSpec {
    fn gzipped(&self) -> bool {
        self.gzip || self.path.as_deref().is_some_and(is_gz_name)
    }
}

fn is_gz_name(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// What an existing output already holds.
#[derive(Debug, Default)]
pub struct Existing {
    /// Digests of the ids of complete rows.
    pub done: HashSet<u128>,
    /// Complete rows found.
    pub rows: u64,
    /// Bytes of an incomplete tail that were cut off.
    pub truncated_bytes: u64,
}

/// Open the outputs for a run.
///
/// Without `resume`, an output file that already has rows is refused (so a repeated
/// command never overwrites finished work). With `resume`, an existing output is scanned,
/// an incomplete tail cut off, and the CSV (when asked for) rebuilt from its rows.
///
/// # Errors
/// `InvalidInput` for `--resume` without an output file or for an existing output without
/// `--resume`; `InvalidInput` when a complete line of the existing output is not a row;
/// `Io` when a file cannot be read, cut or created.
pub fn prepare(spec: &OutputSpec, resume: bool) -> Result<(RowWriter, Existing)> {
    let gz = spec.gzipped();
    let refuse = |path: &Path| {
        Error::InvalidInput(format!(
            "{} already has rows; pass --resume to continue it, or remove it",
            path.display()
        ))
    };
    let nonempty = |path: &Path| std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    if resume && spec.path.is_none() {
        return Err(Error::InvalidInput(
            "--resume needs --output FILE (rows written to stdout cannot be read back)".into(),
        ));
    }
    if !resume {
        for path in spec.path.iter().chain(&spec.summary_csv) {
            if nonempty(path) {
                return Err(refuse(path));
            }
        }
    }
    let mut existing = Existing::default();
    let mut csv_rows = Vec::new();
    let dest = match &spec.path {
        None => Dest::Stdout,
        Some(path) => {
            // Lock before reading: two runs appending to one file would duplicate rows.
            let file = open_append(path)?;
            lock_exclusive(&file, path)?;
            if nonempty(path) {
                check_encoding(path, gz)?;
                let want_csv = spec.summary_csv.is_some().then_some(&mut csv_rows);
                existing = scan(path, gz, want_csv)?;
            }
            Dest::File(file, path.clone())
        }
    };
    let csv = match &spec.summary_csv {
        None => None,
        Some(path) => {
            rebuild_csv(path, &csv_rows)?;
            Some((BufWriter::new(open_append(path)?), path.clone()))
        }
    };
    Ok((RowWriter { dest, gz, csv }, existing))
}

/// Refuse to append rows in one encoding to a file holding the other.
fn check_encoding(path: &Path, gz: bool) -> Result<()> {
    let mut magic = [0u8; 2];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let is_gz = n == 2 && magic == [0x1f, 0x8b];
    match (is_gz, gz) {
        (true, false) => Err(Error::InvalidInput(format!(
            "{} holds gzip data; resume it with --gzip",
            path.display()
        ))),
        (false, true) => Err(Error::InvalidInput(format!(
            "{} is not gzip; resume it without --gzip (and without a .gz name)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Hold an exclusive advisory lock on the output for the life of `file`, so a second run
/// on the same output (a retried pod while the old one is still terminating, a repeated
/// command) fails at once instead of interleaving rows. The kernel drops the lock when the
/// process dies, even by SIGKILL, so a crash never leaves a stale lock. (Not on non-Unix.)
///
/// # Errors
/// `InvalidInput` when another process holds the lock, `Io` when locking fails.
#[cfg(unix)]
fn lock_exclusive(file: &File, path: &Path) -> Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: `flock` only reads the descriptor number, which `file` keeps open for the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::WouldBlock {
        return Err(Error::InvalidInput(format!(
            "another parley batch is writing {}; wait for it to end (or stop it) first",
            path.display()
        )));
    }
    Err(Error::io(format!("locking {}", path.display()), e))
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &File, _path: &Path) -> Result<()> {
    Ok(())
}

/// Open for appending, creating the file and its folder (a shard writing to a fresh
/// `out/` on a shared volume) when missing.
fn open_append(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))
}

enum Dest {
    Stdout,
    File(File, PathBuf),
}

/// Appends finished rows; see the module doc for the crash guarantees.
pub struct RowWriter {
    dest: Dest,
    gz: bool,
    csv: Option<(BufWriter<File>, PathBuf)>,
}

impl RowWriter {
    /// Append a group of rows: `lines` are complete JSON lines (newline included) and
    /// `csv` the matching CSV text. Output rows first: a crash between the two leaves
    /// the CSV short, and resume rebuilds it.
    ///
    /// # Errors
    /// `Io` when a write fails.
    pub fn write_group(&mut self, lines: &[&[u8]], csv: &[&str]) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let member;
        let chunks: Vec<&[u8]> = if self.gz {
            // One gzip member per group: complete or, after a crash, cut off whole.
            let mut enc = GzEncoder::new(Vec::new(), Compression::default());
            for l in lines {
                enc.write_all(l).expect("writing to a Vec cannot fail");
            }
            member = enc.finish().expect("writing to a Vec cannot fail");
            vec![&member[..]]
        } else {
            lines.to_vec()
        };
        match &mut self.dest {
            Dest::Stdout => {
                let mut out = io::stdout().lock();
                for c in &chunks {
                    out.write_all(c)
                        .map_err(|e| Error::io("writing to stdout", e))?;
                }
                out.flush().map_err(|e| Error::io("writing to stdout", e))?;
            }
            Dest::File(f, path) => {
                for c in &chunks {
                    // Unbuffered: each row reaches the kernel in one write, whole.
                    f.write_all(c)
                        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
                }
            }
        }
        if let Some((w, path)) = &mut self.csv {
            for c in csv {
                w.write_all(c.as_bytes())
                    .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            }
            w.flush()
                .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
        }
        Ok(())
    }

    /// Make everything written durable (end of run).
    ///
    /// # Errors
    /// `Io` when the sync fails.
    pub fn finish(&mut self) -> Result<()> {
        if let Dest::File(f, path) = &mut self.dest {
            f.sync_data()
                .map_err(|e| Error::io(format!("syncing {}", path.display()), e))?;
        }
        if let Some((w, path)) = &mut self.csv {
            w.flush()
                .and_then(|_| w.get_ref().sync_data())
                .map_err(|e| Error::io(format!("syncing {}", path.display()), e))?;
        }
        Ok(())
    }
}

/// The part of a row resume needs: its id, and its speakers for the CSV.
#[derive(Deserialize)]
struct RowView {
    id: Option<String>,
    #[serde(default)]
    speakers: Vec<SpeakerView>,
}

#[derive(Deserialize)]
struct SpeakerView {
    name: String,
    kind: SpeakerKind,
    stance: StanceView,
}

/// The stance fields a CSV row shows.
#[derive(Deserialize)]
struct StanceView {
    label: StanceLabel,
    score: f32,
    confidence: f32,
    /// Rows written before strength was reported read as clear (2).
    #[serde(default = "crate::report::clear_strength")]
    strength: u8,
}

/// Counts bytes consumed through a `BufRead`, to find gzip member boundaries.
struct Counting<R> {
    inner: R,
    consumed: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// Scan an existing output: collect ids of complete rows (and their CSV lines), cut off
/// an incomplete tail.
fn scan(path: &Path, gz: bool, mut csv: Option<&mut Vec<String>>) -> Result<Existing> {
    let io_err = |e: io::Error| Error::io(format!("reading {}", path.display()), e);
    let file = File::open(path).map_err(io_err)?;
    let total = file.metadata().map_err(io_err)?.len();
    let mut reader = Counting {
        inner: BufReader::with_capacity(1 << 16, file),
        consumed: 0,
    };
    let mut existing = Existing::default();
    let mut line_no = 0u64;
    // End of the last complete unit (line or gzip member).
    let mut good_end = 0u64;
    let mut buf = Vec::new();
    if gz {
        loop {
            if reader.fill_buf().map_err(io_err)?.is_empty() {
                break;
            }
            // Decode one member; commit its rows only when it decodes whole.
            let mut ids = Vec::new();
            let mut rows = Vec::new();
            let mut dec = BufReader::new(flate2::bufread::GzDecoder::new(&mut reader));
            let mut whole = true;
            loop {
                buf.clear();
                match dec.read_until(b'\n', &mut buf) {
                    Ok(0) => break,
                    Ok(_) if buf.ends_with(b"\n") => {
                        line_no += 1;
                        let view = parse_row(&buf, path, line_no)?;
                        ids.push(id_digest(&view.0));
                        if csv.is_some() {
                            rows.push(csv_from_view(&view.0, &view.1));
                        }
                    }
                    Ok(_) | Err(_) => {
                        whole = false;
                        break;
                    }
                }
            }
            drop(dec);
            if !whole {
                break;
            }
            good_end = reader.consumed;
            existing.rows += ids.len() as u64;
            existing.done.extend(ids);
            if let Some(c) = csv.as_deref_mut() {
                c.extend(rows);
            }
        }
    } else {
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
            if n == 0 || !buf.ends_with(b"\n") {
                break;
            }
            line_no += 1;
            let view = parse_row(&buf, path, line_no)?;
            existing.done.insert(id_digest(&view.0));
            existing.rows += 1;
            if let Some(c) = csv.as_deref_mut() {
                c.push(csv_from_view(&view.0, &view.1));
            }
            good_end = reader.consumed;
        }
    }
    if good_end < total {
        existing.truncated_bytes = total - good_end;
        tracing::warn!(
            path = %path.display(),
            bytes = existing.truncated_bytes,
            "cutting off an incomplete last row left by an interrupted run"
        );
        let f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        f.set_len(good_end)
            .map_err(|e| Error::io(format!("truncating {}", path.display()), e))?;
    }
    Ok(existing)
}

/// A complete output line: its id and speakers.
fn parse_row(line: &[u8], path: &Path, line_no: u64) -> Result<(String, Vec<SpeakerView>)> {
    let not_row = |why: String| {
        Error::InvalidInput(format!(
            "{} line {line_no} is not a parley batch row ({why}); refusing to resume into it",
            path.display()
        ))
    };
    let view: RowView = serde_json::from_slice(line).map_err(|e| not_row(e.to_string()))?;
    let id = view.id.ok_or_else(|| not_row("no \"id\"".into()))?;
    Ok((id, view.speakers))
}

fn csv_from_view(id: &str, speakers: &[SpeakerView]) -> String {
    let mut out = String::new();
    for s in speakers {
        push_csv_row(&mut out, id, &s.name, s.kind, &s.stance);
    }
    out
}

/// Rewrite the CSV from scratch (header + rows), through a temporary file so a crash
/// here leaves the old one.
fn rebuild_csv(path: &Path, rows: &[String]) -> Result<()> {
    let io_err = |e: io::Error| Error::io(format!("writing {}", path.display()), e);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err)?;
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        w.write_all(CSV_HEADER.as_bytes()).map_err(io_err)?;
        for r in rows {
            w.write_all(r.as_bytes()).map_err(io_err)?;
        }
        w.flush().map_err(io_err)?;
    }
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// The CSV rows for one report: one per speaker.
pub fn csv_rows(id: &str, report: &Report) -> String {
    let mut out = String::new();
    for s in &report.speakers {
        let stance = StanceView {
            label: s.stance.label,
            score: s.stance.score,
            confidence: s.stance.confidence,
            strength: s.stance.strength,
        };
        push_csv_row(&mut out, id, &s.name, s.kind, &stance);
    }
    out
}

fn push_csv_row(out: &mut String, id: &str, name: &str, kind: SpeakerKind, stance: &StanceView) {
    let kind = match kind {
        SpeakerKind::Person => "person",
        SpeakerKind::Organization => "organization",
        SpeakerKind::Anonymous => "anonymous",
        SpeakerKind::Group => "group",
    };
    out.push_str(&csv_field(id));
    out.push(',');
    out.push_str(&csv_field(name));
    out.push(',');
    out.push_str(kind);
    out.push(',');
    out.push_str(stance.label.as_str());
    out.push_str(&format!(
        ",{:.4},{:.4},{}\n",
        stance.score, stance.confidence, stance.strength
    ));
}

/// RFC 4180 quoting: quote a field holding a comma, quote, CR or LF (or padded with
/// spaces), doubling inner quotes.
pub fn csv_field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &Path, csv: Option<PathBuf>) -> OutputSpec {
        OutputSpec {
            path: Some(path.to_path_buf()),
            gzip: false,
            summary_csv: csv,
        }
    }

    const ROW_A: &[u8] = b"{\"id\":\"a\",\"speakers\":[{\"name\":\"Ana, \\\"the\\\" envoy\",\"kind\":\"person\",\"stance\":{\"label\":\"favor\",\"score\":0.5,\"confidence\":0.75}}]}\n";
    const ROW_B: &[u8] = b"{\"id\":\"b\",\"error\":{\"code\":\"parse\",\"message\":\"x\"}}\n";

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn refuses_to_overwrite_without_resume() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl");
        std::fs::write(&out, ROW_B).unwrap();
        let err = prepare(&spec(&out, None), false).err().unwrap();
        assert!(err.to_string().contains("--resume"), "{err}");
        assert!(prepare(
            &OutputSpec {
                path: None,
                gzip: false,
                summary_csv: None
            },
            true
        )
        .is_err());
    }

    #[test]
    fn resume_cuts_partial_line_and_rebuilds_csv() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl");
        let csv = dir.path().join("s.csv");
        let mut bytes = [ROW_A, ROW_B].concat();
        bytes.extend_from_slice(b"{\"id\":\"c\",\"spea");
        std::fs::write(&out, &bytes).unwrap();
        std::fs::write(&csv, "stale").unwrap();
        let (mut w, existing) = prepare(&spec(&out, Some(csv.clone())), true).unwrap();
        assert_eq!(existing.rows, 2);
        assert_eq!(existing.truncated_bytes, 15);
        assert!(existing.done.contains(&id_digest("a")) && existing.done.contains(&id_digest("b")));
        assert_eq!(std::fs::read(&out).unwrap(), [ROW_A, ROW_B].concat());
        assert_eq!(
            std::fs::read_to_string(&csv).unwrap(),
            "id,speaker,kind,label,score,confidence,strength\na,\"Ana, \"\"the\"\" envoy\",person,favor,0.5000,0.7500,2\n"
        );
        w.write_group(
            &[b"{\"id\":\"c\"}\n"],
            &["c,X,group,neutral,0.0000,1.0000\n"],
        )
        .unwrap();
        w.finish().unwrap();
        assert!(std::fs::read_to_string(&out)
            .unwrap()
            .ends_with("{\"id\":\"c\"}\n"));
        assert!(std::fs::read_to_string(&csv)
            .unwrap()
            .ends_with("c,X,group,neutral,0.0000,1.0000\n"));
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl");
        let (first, _) = prepare(&spec(&out, None), true).unwrap();
        let err = prepare(&spec(&out, None), true).err().unwrap();
        assert!(err.to_string().contains("another parley batch"), "{err}");
        drop(first);
        assert!(prepare(&spec(&out, None), true).is_ok());
    }

    #[test]
    fn resume_refuses_a_mismatched_encoding() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl");
        std::fs::write(&out, ROW_B).unwrap();
        let gz_spec = OutputSpec {
            gzip: true,
            ..spec(&out, None)
        };
        let err = prepare(&gz_spec, true).err().unwrap();
        assert!(err.to_string().contains("not gzip"), "{err}");
    }

    #[test]
    fn resume_refuses_a_foreign_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl");
        std::fs::write(&out, "hello\n").unwrap();
        let err = prepare(&spec(&out, None), true).err().unwrap();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn gzip_members_resume_after_a_cut_member() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.jsonl.gz");
        let (mut w, _) = prepare(&spec(&out, None), false).unwrap();
        w.write_group(&[ROW_A], &[]).unwrap();
        w.write_group(&[ROW_B], &[]).unwrap();
        w.finish().unwrap();
        drop(w);
        let whole = std::fs::read(&out).unwrap();
        // All members read as one gzip stream.
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(&whole[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text.as_bytes(), [ROW_A, ROW_B].concat());
        // A third member cut in half, as a kill mid-write would leave it.
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(b"{\"id\":\"c\"}\n").unwrap();
        let third = enc.finish().unwrap();
        let mut damaged = whole.clone();
        damaged.extend_from_slice(&third[..third.len() / 2]);
        std::fs::write(&out, &damaged).unwrap();
        let (_, existing) = prepare(&spec(&out, None), true).unwrap();
        assert_eq!(existing.rows, 2);
        assert_eq!(std::fs::read(&out).unwrap(), whole);
    }
}
