//! `parley batch`: score whole archives, resumably, observably, shardably, losing nothing.
//!
//! The runner is a bounded pipeline of threads:
//!
//! ```text
//! reader ──► workers (--jobs) ──► model stage ──► writer (this thread)
//! inputs,     decode, HTML →      engine.analyze_   reorders by input
//! shard,      text, checks        batch on groups   position, appends
//! resume                          of --batch-docs   whole rows
//! ```
//!
//! - The reader ([`input`]) walks the inputs in order, asks [`RunSink::wants`] whether a
//!   record belongs to this shard ([`shard`]), is not done already (resume) and is not a
//!   repeated id, and only then reads its bytes.
//! - Workers turn bytes into an [`AnalyzeRequest`] (HTML extraction is the costly part);
//!   bad rows become error rows here and skip the model.
//! - The model stage gathers up to `--batch-docs` requests so the engine batches encoder
//!   work across articles.
//! - The writer ([`output`]) puts rows back in input order and appends them whole.
//!
//! Memory is flat: every channel is bounded, and a window of at most
//! [`BatchConfig::window`] records may be between the reader and the writer at once (the
//! reader takes a slot per record, the writer frees it when the row is written), so the
//! reorder buffer cannot grow behind one slow article. The only state that grows with the
//! archive is the set of ids seen (16 bytes each), needed for resume and duplicates.
//!
//! Stopping: the `stop` flag (Ctrl-C) makes the reader stop, the model stage finish the
//! group it is running and start no other, and the writer write every row that is
//! complete and in order. Rows not written are simply not done: `--resume` does them.
//! A model that is missing or broken (`ModelUnavailable`, `Checksum`) stops the run with
//! an error instead of writing an error row for every article.

pub mod html;
pub mod input;
pub mod output;
pub mod shard;

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::{DEFAULT_MAX_TEXT_CHARS, DEFAULT_TARGET};
use crate::{AnalyzeRequest, Engine, Error, Result};

pub use input::{Input, Limits, RowError};
pub use output::OutputSpec;
pub use shard::Shard;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, log lines otherwise.
    #[default]
    Auto,
    /// Always the bar.
    Bar,
    /// Always periodic log lines (via `tracing`, every 10 s).
    Log,
    /// Nothing but the final summary line.
    Off,
}

/// `parley batch` command-line arguments (flattened into the CLI by the lead).
#[derive(Debug, Clone, clap::Args)]
pub struct BatchArgs {
    /// Archives to score: JSON Lines (.jsonl, .jsonl.gz), directories of .txt/.json/.html
    /// files, tar or tar.gz of those, WARC or WARC.gz, single .txt/.json/.html files, or `-`
    /// for stdin (any of these formats, told apart by content).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Write rows here (JSON Lines; gzip when the name ends in .gz) instead of stdout.
    /// An existing non-empty file is refused unless --resume is given.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The stance target for rows without their own "target".
    #[arg(long, default_value = DEFAULT_TARGET)]
    pub target: String,

    /// Continue an interrupted run: skip ids already in --output (cutting off an incomplete
    /// last row). Safe to pass always: a missing output just starts a new run.
    #[arg(long)]
    pub resume: bool,

    /// Score only shard K of N (0 <= K < N): ids are split by a stable hash, so N machines
    /// can share one archive with no coordination.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,

    /// Threads decoding and extracting input (HTML parsing is the costly part). Model work
    /// has its own threads; more jobs only help when extraction keeps the model waiting.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Also write one CSV row per speaker: id, speaker, kind, label, score, confidence.
    #[arg(long, value_name = "FILE")]
    pub summary_csv: Option<PathBuf>,

    /// Longest article accepted, in characters; longer rows become `too_large` error rows.
    #[arg(long, value_name = "CHARS", default_value_t = DEFAULT_MAX_TEXT_CHARS)]
    pub max_text_chars: usize,

    /// Articles per engine call. Larger groups batch more encoder work per forward pass
    /// (faster, especially on a GPU) but hold more articles in memory and lose more work
    /// to a Ctrl-C.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub batch_docs: usize,

    /// Gzip the output even when its name does not end in .gz (or when writing to stdout).
    #[arg(long)]
    pub gzip: bool,

    /// Progress display.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,

    /// Exit 0 even when some rows are error rows (they are written all the same, with
    /// their cause). For orchestrators that retry failed pods: a finished shard whose
    /// archive holds a few bad records must not be retried.
    #[arg(long)]
    pub row_errors_ok: bool,
}

/// A validated batch run.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    pub inputs: Vec<Input>,
    pub output: OutputSpec,
    /// Default stance target (a row's own target wins).
    pub target: String,
    pub resume: bool,
    pub shard: Shard,
    /// Extraction threads, at least 1.
    pub jobs: usize,
    pub max_text_chars: usize,
    /// Articles per engine call, at least 1.
    pub batch_docs: usize,
    pub progress: ProgressMode,
    /// Whether error rows make the exit code 1 (the default) or leave it 0.
    pub fail_on_row_errors: bool,
}

impl BatchConfig {
    /// A run over `inputs` to stdout with every default.
    pub fn new(inputs: Vec<Input>) -> Self {
        BatchConfig {
            inputs,
            output: OutputSpec {
                path: None,
                gzip: false,
                summary_csv: None,
            },
            target: DEFAULT_TARGET.to_string(),
            resume: false,
            shard: Shard::default(),
            jobs: default_jobs(),
            max_text_chars: DEFAULT_MAX_TEXT_CHARS,
            batch_docs: 8,
            progress: ProgressMode::Auto,
            fail_on_row_errors: true,
        }
    }

    /// Most records between reader and writer at once: enough to keep every worker and
    /// two engine groups busy.
    pub fn window(&self) -> usize {
        2 * self.batch_docs + 2 * self.jobs + 4
    }

    /// Check the settings.
    ///
    /// # Errors
    /// `InvalidInput` naming the bad setting.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidInput(m));
        if self.inputs.is_empty() {
            return bad("no inputs given".into());
        }
        if self.inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
            return bad("stdin (-) can be read only once".into());
        }
        for i in &self.inputs {
            if let Input::Path(p) = i {
                if !p.exists() {
                    return bad(format!("input {} does not exist", p.display()));
                }
                if self.output.path.as_deref() == Some(p.as_path()) {
                    return bad(format!("{} is both an input and the output", p.display()));
                }
            }
        }
        if self.target.trim().is_empty() {
            return bad("--target is empty".into());
        }
        if self.jobs == 0 || self.jobs > 256 {
            return bad(format!("--jobs must be 1..=256, not {}", self.jobs));
        }
        if self.batch_docs == 0 || self.batch_docs > 1024 {
            return bad(format!(
                "--batch-docs must be 1..=1024, not {}",
                self.batch_docs
            ));
        }
        if self.max_text_chars == 0 {
            return bad("--max-text-chars must be at least 1".into());
        }
        Ok(())
    }
}

/// Extraction threads when `--jobs` is not given: half the cores (the model wants the
/// rest), at least 1, at most 4 (extraction is rarely the bottleneck beyond that).
fn default_jobs() -> usize {
    (num_cpus::get() / 2).clamp(1, 4)
}

impl TryFrom<BatchArgs> for BatchConfig {
    type Error = Error;

    fn try_from(a: BatchArgs) -> Result<Self> {
        let cfg = BatchConfig {
            inputs: a.inputs.iter().map(|s| Input::from(s.as_str())).collect(),
            output: OutputSpec {
                path: a.output,
                gzip: a.gzip,
                summary_csv: a.summary_csv,
            },
            target: a.target,
            resume: a.resume,
            shard: a.shard.unwrap_or_default(),
            jobs: a.jobs.unwrap_or_else(default_jobs),
            max_text_chars: a.max_text_chars,
            batch_docs: a.batch_docs,
            progress: a.progress,
            fail_on_row_errors: !a.row_errors_ok,
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

/// What a run did. Rows written: `ok + failed`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Reports written.
    pub ok: u64,
    /// Error rows written.
    pub failed: u64,
    /// Records that are not articles (non-HTML WARC records, other files in a tree or tar).
    pub skipped: u64,
    /// Ids already in the output (`--resume`).
    pub already_done: u64,
    /// Ids of other shards.
    pub other_shard: u64,
    /// Repeats of an id seen earlier in the input (only the first is scored).
    pub duplicates: u64,
    /// The stop flag ended the run before the input did.
    pub interrupted: bool,
    pub elapsed: Duration,
    /// Copied from [`BatchConfig::fail_on_row_errors`].
    pub fail_on_row_errors: bool,
}

impl BatchSummary {
    /// 130 when interrupted (the shell convention for Ctrl-C), 1 when any row failed
    /// (unless `fail_on_row_errors` is off), else 0.
    pub fn exit_code(&self) -> i32 {
        if self.interrupted {
            130
        } else if self.failed > 0 && self.fail_on_row_errors {
            1
        } else {
            0
        }
    }

    /// Articles scored (reports written) per minute of wall time.
    pub fn articles_per_minute(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        self.ok as f64 * 60.0 / secs
    }
}

impl std::fmt::Display for BatchSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ok, {} failed, {} skipped",
            self.ok, self.failed, self.skipped
        )?;
        if self.already_done > 0 {
            write!(f, ", {} already done", self.already_done)?;
        }
        if self.duplicates > 0 {
            write!(f, ", {} duplicate ids", self.duplicates)?;
        }
        if self.other_shard > 0 {
            write!(f, ", {} in other shards", self.other_shard)?;
        }
        write!(
            f,
            " in {:.1}s ({:.1} articles/min)",
            self.elapsed.as_secs_f64(),
            self.articles_per_minute()
        )?;
        if self.interrupted {
            write!(f, "; interrupted, rerun with --resume to finish")?;
        }
        Ok(())
    }
}

/// The whole `parley batch` command: settings from `args`, the engine from
/// `engine_config` (its `max_text_chars` raised to the batch limit so the two agree),
/// Ctrl-C / SIGTERM wired to a clean stop, then [`run`]. Returns the exit code.
///
/// # Errors
/// Bad flags, an engine that cannot load, and everything [`run`] can return.
pub fn main(mut engine_config: crate::EngineConfig, args: BatchArgs) -> Result<i32> {
    let cfg = BatchConfig::try_from(args)?;
    engine_config.max_text_chars = cfg.max_text_chars;
    let engine = Engine::load(&engine_config)?;
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_signals(Arc::clone(&stop))?;
    Ok(run(&cfg, &engine, &stop)?.exit_code())
}

/// Set `stop` on the first Ctrl-C or SIGTERM, so the run ends after the rows in flight;
/// exit at once (status 130) on the second. The handlers are installed before this
/// returns, so no early signal is missed.
///
/// # Errors
/// `Io` when the signal handlers cannot be installed.
pub fn stop_on_signals(stop: Arc<AtomicBool>) -> Result<()> {
    let io_err = |e: std::io::Error| Error::io("installing signal handlers", e);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(io_err)?;
    let mut signals = {
        let _inside = rt.enter();
        Signals::install().map_err(io_err)?
    };
    std::thread::Builder::new()
        .name("batch-signals".into())
        .spawn(move || {
            rt.block_on(async move {
                loop {
                    signals.next().await;
                    if stop.swap(true, Ordering::SeqCst) {
                        eprintln!("parley batch: stopped");
                        std::process::exit(130);
                    }
                    eprintln!(
                        "parley batch: stopping after the rows in flight \
                         (again to quit now; --resume continues)"
                    );
                }
            })
        })
        .map_err(io_err)?;
    Ok(())
}

/// Ctrl-C and (on Unix) SIGTERM, which Kubernetes and Docker send to stop a container.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => {}
                _ = self.term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Live counters, shared by the stages and the progress display.
#[derive(Default)]
struct Stats {
    ok: AtomicU64,
    failed: AtomicU64,
    skipped: AtomicU64,
    already_done: AtomicU64,
    other_shard: AtomicU64,
    duplicates: AtomicU64,
}

impl Stats {
    fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
    fn bump(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }
    /// Records finished, of any fate (the progress bar's position).
    fn done(&self) -> u64 {
        [
            &self.ok,
            &self.failed,
            &self.skipped,
            &self.already_done,
            &self.other_shard,
            &self.duplicates,
        ]
        .into_iter()
        .map(Self::get)
        .sum()
    }
}

/// Run a batch.
///
/// Prints one summary line to stderr at the end (`parley batch: 480 ok, 3 failed, ...`).
///
/// # Errors
/// `InvalidInput` for bad settings or an output that cannot be resumed; `Io` when the
/// output cannot be written or an input cannot be opened; `ModelUnavailable` / `Checksum`
/// when the engine cannot score at all. Rows written before an error stay written (and
/// `--resume` continues after them).
pub fn run(cfg: &BatchConfig, engine: &Engine, stop: &AtomicBool) -> Result<BatchSummary> {
    cfg.validate()?;
    let started = Instant::now();
    let (mut writer, existing) = output::prepare(&cfg.output, cfg.resume)?;
    if existing.rows > 0 {
        tracing::info!(
            rows = existing.rows,
            "resuming: these ids are done and will be skipped"
        );
    }
    let limits = Limits {
        max_text_chars: cfg.max_text_chars,
    };
    let stats = Stats::default();
    let abort = AtomicBool::new(false);
    let fatal: Mutex<Option<Error>> = Mutex::new(None);
    let fail = |e: Error| {
        let mut slot = fatal.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
        abort.store(true, Ordering::SeqCst);
    };
    let finished = AtomicBool::new(false);
    let starved = AtomicBool::new(false);
    let total = Arc::new(AtomicU64::new(0));
    let mode = match cfg.progress {
        ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
        ProgressMode::Auto => ProgressMode::Log,
        m => m,
    };
    if mode != ProgressMode::Off {
        spawn_total_estimate(&cfg.inputs, Arc::clone(&total));
    }

    let (raw_tx, raw_rx) = mpsc::sync_channel::<Item>(2 * cfg.jobs);
    let (ready_tx, ready_rx) = mpsc::sync_channel::<Ready>(2 * cfg.jobs + cfg.batch_docs);
    let (done_tx, done_rx) = mpsc::sync_channel::<Vec<Row>>(4);
    let (slot_tx, slot_rx) = mpsc::sync_channel::<()>(cfg.window());
    let raw_rx = Mutex::new(raw_rx);

    let write_result = std::thread::scope(|s| {
        // Reader.
        let mut sink = RunSink {
            shard: cfg.shard,
            done: existing.done,
            seen: HashSet::new(),
            next_seq: 0,
            raw_tx: Some(raw_tx),
            slot_tx,
            stop,
            abort: &abort,
            closed: false,
            starved: &starved,
            stats: &stats,
        };
        let inputs = &cfg.inputs;
        let fail_ref = &fail;
        std::thread::Builder::new()
            .name("batch-reader".into())
            .spawn_scoped(s, move || {
                for input in inputs {
                    if input::Sink::stopped(&sink) {
                        break;
                    }
                    if let Err(e) = input::read_input(input, &limits, &mut sink) {
                        fail_ref(e);
                        break;
                    }
                }
                // Dropping the sink closes the raw channel: the workers drain and end.
            })
            .expect("spawning a thread");

        // Workers.
        for n in 0..cfg.jobs {
            let raw_rx = &raw_rx;
            let ready_tx = ready_tx.clone();
            let target = cfg.target.as_str();
            std::thread::Builder::new()
                .name(format!("batch-extract-{n}"))
                .spawn_scoped(s, move || loop {
                    let item = {
                        let rx = raw_rx.lock().unwrap_or_else(|p| p.into_inner());
                        rx.recv()
                    };
                    let Ok(item) = item else { break };
                    let ready = prepare_item(item, &limits, target, engine);
                    if ready_tx.send(ready).is_err() {
                        break;
                    }
                })
                .expect("spawning a thread");
        }
        drop(ready_tx);

        // Model stage.
        let batch_docs = cfg.batch_docs;
        let abort_ref = &abort;
        let starved_ref = &starved;
        std::thread::Builder::new()
            .name("batch-model".into())
            .spawn_scoped(s, move || {
                let flags = Flags {
                    stop,
                    abort: abort_ref,
                    starved: starved_ref,
                };
                model_stage(ready_rx, done_tx, engine, batch_docs, flags, fail_ref)
            })
            .expect("spawning a thread");

        // Progress.
        let stats_ref = &stats;
        let finished_ref = &finished;
        let total_ref = Arc::clone(&total);
        std::thread::Builder::new()
            .name("batch-progress".into())
            .spawn_scoped(s, move || {
                show_progress(mode, stats_ref, &total_ref, finished_ref, started)
            })
            .expect("spawning a thread");

        // Writer: this thread.
        let result = write_rows(&done_rx, &slot_rx, &mut writer, &stats);
        if let Err(e) = &result {
            // Stop the other stages; their sends fail once `done_rx` is gone.
            abort.store(true, Ordering::SeqCst);
            tracing::error!(error = %e, "writing rows failed; stopping");
        }
        drop(done_rx);
        finished.store(true, Ordering::SeqCst);
        result
    });

    let finish_result = writer.finish();
    if let Err(e) = write_result {
        fail(e);
    }
    if let Err(e) = finish_result {
        fail(e);
    }
    let summary = BatchSummary {
        ok: Stats::get(&stats.ok),
        failed: Stats::get(&stats.failed),
        skipped: Stats::get(&stats.skipped),
        already_done: Stats::get(&stats.already_done),
        other_shard: Stats::get(&stats.other_shard),
        duplicates: Stats::get(&stats.duplicates),
        interrupted: stop.load(Ordering::SeqCst),
        elapsed: started.elapsed(),
        fail_on_row_errors: cfg.fail_on_row_errors,
    };
    if let Some(e) = fatal.into_inner().unwrap_or_else(|p| p.into_inner()) {
        eprintln!("parley batch: stopped after {summary}");
        return Err(e);
    }
    eprintln!("parley batch: {summary}");
    Ok(summary)
}

/// A record on its way to the workers.
struct Item {
    seq: u64,
    record: input::Record,
}

/// A record ready for the model, or already an error row.
struct Ready {
    seq: u64,
    id: String,
    source: String,
    request: std::result::Result<AnalyzeRequest, RowError>,
}

/// A finished output row.
struct Row {
    seq: u64,
    /// The complete JSON line, newline included.
    line: Vec<u8>,
    /// Its CSV rows (empty for error rows).
    csv: String,
    ok: bool,
}

/// The reader's view of the run: shard, resume and duplicate checks, then a slot in the
/// window and a place in the raw channel.
struct RunSink<'a> {
    shard: Shard,
    /// Ids already in the output.
    done: HashSet<u128>,
    /// Ids sent on in this run.
    seen: HashSet<u128>,
    next_seq: u64,
    raw_tx: Option<SyncSender<Item>>,
    slot_tx: SyncSender<()>,
    stop: &'a AtomicBool,
    abort: &'a AtomicBool,
    /// Downstream has gone away.
    closed: bool,
    /// Set while the reader waits for a window slot (the model stage then stops waiting
    /// to fill a group: what it holds is all that can come).
    starved: &'a AtomicBool,
    stats: &'a Stats,
}

impl input::Sink for RunSink<'_> {
    fn wants(&mut self, id: &str) -> bool {
        let counter = if !self.shard.owns(id) {
            &self.stats.other_shard
        } else {
            let d = shard::id_digest(id);
            if self.done.contains(&d) {
                &self.stats.already_done
            } else if self.seen.contains(&d) {
                tracing::warn!(id, "duplicate id; only its first row is scored");
                &self.stats.duplicates
            } else {
                return true;
            }
        };
        Stats::bump(counter, 1);
        false
    }

    fn record(&mut self, record: input::Record) {
        // Wait for a window slot; stay responsive to stop and abort while waiting.
        loop {
            if self.stopped() {
                return;
            }
            match self.slot_tx.try_send(()) {
                Ok(()) => break,
                Err(TrySendError::Full(())) => {
                    self.starved.store(true, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(TrySendError::Disconnected(())) => {
                    self.closed = true;
                    return;
                }
            }
        }
        self.starved.store(false, Ordering::Relaxed);
        self.seen.insert(shard::id_digest(&record.id));
        let item = Item {
            seq: self.next_seq,
            record,
        };
        self.next_seq += 1;
        let sent = self.raw_tx.as_ref().is_some_and(|tx| tx.send(item).is_ok());
        if !sent {
            self.closed = true;
        }
    }

    fn skip(&mut self, source: &str, why: &str) {
        tracing::debug!(source, why, "skipped");
        Stats::bump(&self.stats.skipped, 1);
    }

    fn stopped(&self) -> bool {
        self.closed || self.stop.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }
}

/// Worker step: bytes → checked request, or an error row.
fn prepare_item(item: Item, limits: &Limits, target: &str, engine: &Engine) -> Ready {
    let input::Record {
        id,
        source,
        payload,
    } = item.record;
    let request = payload.into_doc(limits).and_then(|doc| {
        let req = AnalyzeRequest {
            text: doc.text,
            target: doc.target.unwrap_or_else(|| target.to_string()),
            title: doc.title,
            id: Some(id.clone()),
            summary_mode: Default::default(),
        };
        engine.validate(&req).map_err(|e| row_error(&e))?;
        Ok(req)
    });
    Ready {
        seq: item.seq,
        id,
        source,
        request,
    }
}

/// An engine error as a row error. (Fatal ones never get here.)
fn row_error(e: &Error) -> RowError {
    let code = match e {
        Error::InvalidInput(_) => "invalid_input",
        Error::Inference(_) => "inference",
        Error::Overloaded(_) => "overloaded",
        Error::Io { .. } => "io",
        _ => "internal",
    };
    RowError::new(code, e.to_string())
}

/// Errors that mean the engine cannot score anything: stop instead of failing every row.
fn is_fatal(e: &Error) -> bool {
    matches!(e, Error::ModelUnavailable(_) | Error::Checksum { .. })
}

#[derive(Serialize)]
struct ErrorRow<'a> {
    id: &'a str,
    error: ErrorBody<'a>,
    source: &'a str,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

fn error_row(seq: u64, id: &str, source: &str, e: &RowError) -> Row {
    let mut line = serde_json::to_vec(&ErrorRow {
        id,
        error: ErrorBody {
            code: e.code,
            message: &e.message,
        },
        source,
    })
    .expect("an error row always serialises");
    line.push(b'\n');
    Row {
        seq,
        line,
        csv: String::new(),
        ok: false,
    }
}

/// The run's shared flags, as the model stage sees them.
struct Flags<'a> {
    stop: &'a AtomicBool,
    abort: &'a AtomicBool,
    starved: &'a AtomicBool,
}

/// Gather requests into groups of `batch_docs` and score them. Error rows pass straight
/// through. A partial group is scored when nothing more can come soon: the reader is
/// waiting for a window slot (the window is full of rows queued behind this group), or
/// the input has paused for 100 ms (a slow stdin producer).
fn model_stage(
    rx: Receiver<Ready>,
    tx: SyncSender<Vec<Row>>,
    engine: &Engine,
    batch_docs: usize,
    flags: Flags<'_>,
    fail: &(dyn Fn(Error) + Sync),
) {
    let Flags {
        stop,
        abort,
        starved,
    } = flags;
    let mut group: Vec<Ready> = Vec::with_capacity(batch_docs);
    let mut open = true;
    while open || !group.is_empty() {
        let next = if !open {
            None
        } else if group.is_empty() {
            match rx.recv() {
                Ok(r) => Some(r),
                Err(_) => {
                    open = false;
                    None
                }
            }
        } else {
            let waiting = Instant::now();
            loop {
                match rx.recv_timeout(Duration::from_millis(2)) {
                    Ok(r) => break Some(r),
                    Err(RecvTimeoutError::Timeout)
                        if !starved.load(Ordering::Relaxed)
                            && waiting.elapsed() < Duration::from_millis(100) => {}
                    Err(RecvTimeoutError::Timeout) => break None,
                    Err(RecvTimeoutError::Disconnected) => {
                        open = false;
                        break None;
                    }
                }
            }
        };
        if let Some(ready) = next {
            match &ready.request {
                Err(e) => {
                    let row = error_row(ready.seq, &ready.id, &ready.source, e);
                    if tx.send(vec![row]).is_err() {
                        return;
                    }
                    continue;
                }
                Ok(_) => group.push(ready),
            }
            if group.len() < batch_docs {
                continue;
            }
        }
        if group.is_empty() {
            continue;
        }
        if stop.load(Ordering::SeqCst) || abort.load(Ordering::SeqCst) {
            // Not started, so not lost: these ids are not in the output and resume does them.
            group.clear();
            continue;
        }
        let rows = score_group(std::mem::take(&mut group), engine);
        match rows {
            Ok(rows) => {
                if tx.send(rows).is_err() {
                    return;
                }
            }
            Err(e) => {
                fail(e);
                return;
            }
        }
    }
}

/// One engine call for a group; rows in the group's order.
fn score_group(group: Vec<Ready>, engine: &Engine) -> Result<Vec<Row>> {
    let (meta, requests): (Vec<(u64, String, String)>, Vec<AnalyzeRequest>) = group
        .into_iter()
        .map(|r| {
            let req = r.request.expect("only requests are grouped");
            ((r.seq, r.id, r.source), req)
        })
        .unzip();
    let results = engine.analyze_batch(&requests);
    if results.len() != requests.len() {
        return Err(Error::Inference(format!(
            "engine returned {} results for {} articles",
            results.len(),
            requests.len()
        )));
    }
    let mut rows = Vec::with_capacity(results.len());
    for ((seq, id, source), result) in meta.into_iter().zip(results) {
        match result {
            Ok(mut report) => {
                report.id = Some(id.clone());
                let mut line = serde_json::to_vec(&report).map_err(|e| {
                    Error::Inference(format!("report for {id} does not serialise: {e}"))
                })?;
                line.push(b'\n');
                rows.push(Row {
                    seq,
                    csv: output::csv_rows(&id, &report),
                    line,
                    ok: true,
                });
            }
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => {
                tracing::warn!(id, error = %e, "article failed");
                rows.push(error_row(seq, &id, &source, &row_error(&e)));
            }
        }
    }
    Ok(rows)
}

/// Write rows in input order; free a window slot per row written.
fn write_rows(
    rx: &Receiver<Vec<Row>>,
    slots: &Receiver<()>,
    writer: &mut output::RowWriter,
    stats: &Stats,
) -> Result<()> {
    let mut next = 0u64;
    let mut pending: BTreeMap<u64, Row> = BTreeMap::new();
    while let Ok(rows) = rx.recv() {
        for r in rows {
            pending.insert(r.seq, r);
        }
        let mut ready = Vec::new();
        while let Some(r) = pending.remove(&next) {
            ready.push(r);
            next += 1;
        }
        if ready.is_empty() {
            continue;
        }
        let lines: Vec<&[u8]> = ready.iter().map(|r| r.line.as_slice()).collect();
        let csv: Vec<&str> = ready.iter().map(|r| r.csv.as_str()).collect();
        writer.write_group(&lines, &csv)?;
        let ok = ready.iter().filter(|r| r.ok).count() as u64;
        Stats::bump(&stats.ok, ok);
        Stats::bump(&stats.failed, ready.len() as u64 - ok);
        for _ in &ready {
            // The reader took a slot for every record before sending it.
            let _ = slots.try_recv();
        }
    }
    if !pending.is_empty() {
        tracing::info!(
            rows = pending.len(),
            "stopped with rows behind an unfinished one; --resume will redo them"
        );
    }
    Ok(())
}

/// Count the records ahead, in the background, for the progress bar's total and ETA.
/// Known only for plain JSON Lines files and directories (gzip and WARC would cost a
/// second full decode); otherwise the total stays unknown (0).
fn spawn_total_estimate(inputs: &[Input], total: Arc<AtomicU64>) {
    let inputs = inputs.to_vec();
    let spawned = std::thread::Builder::new()
        .name("batch-count".into())
        .spawn(move || {
            let mut n = 0u64;
            for i in &inputs {
                let Input::Path(p) = i else { return };
                if p.is_dir() {
                    n += input::count_dir_articles(p);
                    continue;
                }
                let Ok(f) = std::fs::File::open(p) else {
                    return;
                };
                let mut r = std::io::BufReader::with_capacity(1 << 16, f);
                let Ok(head) = r.fill_buf() else { return };
                let name = p.to_string_lossy().to_ascii_lowercase();
                if head.starts_with(&[0x1f, 0x8b])
                    || !(name.ends_with(".jsonl") || name.ends_with(".ndjson"))
                {
                    return;
                }
                let mut buf = vec![0u8; 1 << 16];
                while let Ok(k) = r.read(&mut buf) {
                    if k == 0 {
                        break;
                    }
                    n += buf[..k].iter().filter(|&&b| b == b'\n').count() as u64;
                }
            }
            total.store(n, Ordering::Relaxed);
        });
    if let Err(e) = spawned {
        tracing::debug!(error = %e, "no progress total");
    }
}

/// Draw the bar (every 200 ms) or log a line (every 10 s) until the run ends.
fn show_progress(
    mode: ProgressMode,
    stats: &Stats,
    total: &AtomicU64,
    finished: &AtomicBool,
    started: Instant,
) {
    if mode == ProgressMode::Off {
        return;
    }
    let bar = (mode == ProgressMode::Bar).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} records, ETA {eta}  {msg}",
            )
            .expect("static progress template is valid"),
        );
        bar
    });
    let mut last_log = Instant::now();
    let message = || {
        let per_s = Stats::get(&stats.ok) as f64 / started.elapsed().as_secs_f64().max(1e-9);
        format!(
            "{} ok · {} failed · {} skipped · {:.2} articles/s",
            Stats::get(&stats.ok),
            Stats::get(&stats.failed),
            Stats::get(&stats.skipped),
            per_s
        )
    };
    while !finished.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(200));
        let t = total.load(Ordering::Relaxed);
        match &bar {
            Some(bar) => {
                if t > 0 && bar.length() != Some(t) {
                    bar.set_length(t);
                }
                bar.set_position(stats.done());
                bar.set_message(message());
            }
            None if last_log.elapsed() >= Duration::from_secs(10) => {
                last_log = Instant::now();
                tracing::info!(
                    done = stats.done(),
                    total = if t > 0 { Some(t) } else { None },
                    "batch progress: {}",
                    message()
                );
            }
            None => {}
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
