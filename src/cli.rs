//! The command line: clap definitions and the glue from flags to the engine and the shells.
//!
//! Exit codes are a contract (as in ripgrep): 0 success, 1 a batch finished with some
//! articles failed, 2 a fatal error (printed once with its cause chain). A closed stdout
//! (`parley analyze x | head`) counts as success.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::batch::input::Doc;
use crate::engine::{AnalyzeRequest, Engine, EngineConfig, StanceMethod, DEFAULT_TARGET};
use crate::model::catalog::Catalog;
use crate::model::device;
use crate::report::{Report, StanceLabel, SummaryMode};
use crate::stance::classifier::BaseFiles;
use crate::{Error, Result};

const EXAMPLES: &str = "\
Examples:
  parley analyze examples/harbour-truce.txt
  parley analyze article.txt --target \"the merger\" --format text
  parley analyze data/dev/dev-03-bellmart-freshway-merger.json   # text, title, target from the file
  cat article.txt | parley analyze - --summary-mode abstractive
  parley models pull                  # fetch and verify the default models
  parley models list
  parley serve --addr 127.0.0.1:8080  # HTTP API + web page
  parley batch archive.jsonl.gz --output reports.jsonl --resume
  parley batch crawl.warc.gz --shard 0/4 --output shard0.jsonl
  parley eval data/dev --json eval.json
  parley eval --statements data/stance --split validation";

/// Summaries and speaker stance for news articles.
#[derive(Debug, Parser)]
#[command(name = "parley", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command understands.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Where models run: auto (CUDA when compiled in and present), cpu, cuda, cuda:N.
    #[arg(long, global = true, default_value = "auto", env = "PARLEY_DEVICE")]
    pub device: String,
    /// Model preset from the catalog (see `parley models list`).
    #[arg(long, global = true, default_value = "default", env = "PARLEY_PRESET")]
    pub preset: String,
    /// A directory holding model files by name; tried before the cache.
    #[arg(long, global = true, env = "PARLEY_MODEL_DIR")]
    pub model_dir: Option<PathBuf>,
    /// Cache folder for models (default: the platform cache folder + `parley`).
    #[arg(long, global = true, env = "PARLEY_HOME")]
    pub home: Option<PathBuf>,
    /// Never download: a model missing from the cache is an error.
    #[arg(long, global = true, env = "PARLEY_OFFLINE")]
    pub offline: bool,
    /// CPU threads for model work (default: all cores). Fewer threads leave room for
    /// other work; more than the cores only adds contention.
    #[arg(long, global = true, env = "PARLEY_THREADS")]
    pub threads: Option<usize>,
    /// A stance artifact from `parley train stance` or `train soup` (a folder with
    /// config.json + model.safetensors) to use instead of the preset's classifier.
    #[arg(long, global = true, env = "PARLEY_STANCE_ARTIFACT")]
    pub stance_artifact: Option<PathBuf>,
    /// More logging (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise an article and score each speaker's stance toward a target.
    Analyze(AnalyzeArgs),
    /// Fetch, verify and list models.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Serve the HTTP API and the web page.
    Serve(ServeCliArgs),
    /// Score whole archives (JSON Lines, folders, tar, WARC), one report per article.
    Batch(BatchCliArgs),
    /// Measure throughput on a fixed workload (generator, encoder, engine) per device.
    Bench(crate::bench::BenchArgs),
    /// Run the pipeline on an annotated corpus and print speaker, stance and summary scores.
    Eval(EvalArgs),
    /// Train a model from the repository's data.
    #[command(subcommand)]
    Train(TrainCommand),
}

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Fine-tune the stance classifier (top encoder layers + head) on labelled statements;
    /// deterministic for a seed. Writes config.json + model.safetensors (f16) to --out.
    Stance(TrainStanceCliArgs),
    /// Average stance artifacts trained separately from the same start (the same recipe
    /// and seed, runs chosen with --first-run) into one, as --runs would; measure it and
    /// write it to --out.
    Soup(TrainSoupCliArgs),
}

#[derive(Debug, Args)]
pub struct TrainSoupCliArgs {
    /// Artifact directories (config.json + model.safetensors) to average, at least two.
    #[arg(required = true, num_args = 2..)]
    pub inputs: Vec<PathBuf>,
    /// Where to write the averaged artifact (may be one of the inputs).
    #[arg(long)]
    pub out: PathBuf,
    /// The labelled statements the runs were trained on (checked by hash).
    #[arg(long, default_value = "data/stance")]
    pub data: PathBuf,
    /// Base encoder directory; by default the encoder of the selected preset.
    #[arg(long, env = "PARLEY_STANCE_BASE")]
    pub base: Option<PathBuf>,
    /// Corpus directory to measure per-speaker stance on (gold evidence).
    #[arg(long)]
    pub dev_corpus: Option<PathBuf>,
    /// Also write the full report (inputs, validation errors, dev) as JSON here.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TrainStanceCliArgs {
    #[command(flatten)]
    pub train: crate::stance::train::TrainStanceArgs,
    /// Also write the full training report (epochs, validation errors, dev) as JSON here.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A folder of gold articles (`*.json`, the corpus schema), e.g. data/dev.
    #[arg(required_unless_present = "statements")]
    pub corpus_dir: Option<PathBuf>,
    /// Instead of a corpus, score the stance model alone on labelled statements: a
    /// `*.jsonl` file or a folder of them in the `data/stance` schema.
    #[arg(long, conflicts_with = "corpus_dir", value_name = "PATH")]
    pub statements: Option<PathBuf>,
    /// With --statements: all of them (the default), or only the validation or training
    /// split.
    #[arg(long, value_enum)]
    pub split: Option<crate::eval::statements::Split>,
    /// With --statements: score every statement toward its reversed target instead, this
    /// phrase before it ("an end to" the truce; "not" before a target in -ing), favor and
    /// against swapped. A model that reads the target scores about as well as without.
    #[arg(long, value_name = "PHRASE")]
    pub reverse_targets: Option<String>,
    /// Also write every figure and per-article result as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// How stance is scored: classifier (trained, default), prototype (zero-shot baseline), llm.
    #[arg(long, default_value = "classifier", value_parser = parse_stance_method)]
    pub stance_method: StanceMethod,
}

#[derive(Debug, Args)]
pub struct ServeCliArgs {
    #[command(flatten)]
    pub serve: crate::server::ServeArgs,
    /// How stance is scored: classifier (trained, default), prototype (zero-shot baseline), llm.
    #[arg(long, default_value = "classifier", value_parser = parse_stance_method)]
    pub stance_method: StanceMethod,
}

#[derive(Debug, Args)]
pub struct BatchCliArgs {
    #[command(flatten)]
    pub batch: crate::batch::BatchArgs,
    /// How stance is scored: classifier (trained, default), prototype (zero-shot baseline), llm.
    #[arg(long, default_value = "classifier", value_parser = parse_stance_method)]
    pub stance_method: StanceMethod,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Fetch the preset's models into the cache and verify every file (re-fetches corrupt ones).
    Pull,
    /// Every catalog model: role, size, where it lives, whether it is verified.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Output format of `analyze`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// The report as JSON (the same document the HTTP API returns).
    Json,
    /// A readable terminal report.
    Text,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The article: a UTF-8 text file, `-` for standard input, an HTML page (`.html`,
    /// `.htm`), or a `.json` object with `text` and optionally `title`, `target` and `id`
    /// (as `parley batch` reads them; a corpus file is one).
    pub file: String,
    /// What stance is measured toward [default: the JSON file's `target`, else "a ceasefire"].
    #[arg(long)]
    pub target: Option<String>,
    /// The headline, if you have it (helps the summary) [default: the file's title].
    #[arg(long)]
    pub title: Option<String>,
    /// An id echoed in the report [default: the JSON file's `id`].
    #[arg(long)]
    pub id: Option<String>,
    /// extractive (faithful, default) or abstractive (generated, then checked against the text).
    #[arg(long, default_value = "extractive", value_parser = parse_summary_mode)]
    pub summary_mode: SummaryMode,
    /// json, or text for people (default: text on a terminal, json otherwise).
    #[arg(long)]
    pub format: Option<Format>,
    /// How stance is scored: classifier (trained, default), prototype (zero-shot baseline), llm.
    #[arg(long, default_value = "classifier", value_parser = parse_stance_method)]
    pub stance_method: StanceMethod,
}

fn parse_summary_mode(s: &str) -> std::result::Result<SummaryMode, String> {
    s.parse()
}

fn parse_stance_method(s: &str) -> std::result::Result<StanceMethod, String> {
    match s {
        "classifier" => Ok(StanceMethod::Classifier),
        "prototype" => Ok(StanceMethod::Prototype),
        "llm" => Ok(StanceMethod::Llm),
        other => Err(format!(
            "unknown stance method {other:?} (expected classifier, prototype or llm)"
        )),
    }
}

impl GlobalArgs {
    /// The engine settings these flags describe.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            preset: self.preset.clone(),
            home: self.home.clone(),
            model_dir: self.model_dir.clone(),
            offline: self.offline,
            device: self.device.clone(),
            threads: self.threads,
            stance_artifact: self.stance_artifact.clone(),
            progress: std::io::stderr().is_terminal() && !self.quiet,
            ..EngineConfig::default()
        }
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.global);
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = format!("parley: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(g: &GlobalArgs) {
    let level = if g.quiet {
        "error"
    } else {
        match g.verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PARLEY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("parley={level},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze(&cli.global, args),
        Command::Models(cmd) => models(&cli.global, cmd),
        Command::Serve(args) => serve(&cli.global, args),
        Command::Batch(args) => batch(&cli.global, args),
        Command::Bench(args) => {
            crate::bench::run(&args, &cli.global.engine_config())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(args) => eval(&cli.global, args),
        Command::Train(TrainCommand::Stance(args)) => train_stance(&cli.global, args),
        Command::Train(TrainCommand::Soup(args)) => train_soup(&cli.global, args),
    }
}

/// Read an article from a path or `-` (stdin). Invalid UTF-8 is an error, not mojibake.
/// The article `parley analyze` was given: standard input is UTF-8 text; a file is read
/// by its extension as `parley batch` reads it (see [`crate::batch::input::article_file`]).
/// Returns the file's own id (a JSON `id`) with the article.
pub fn read_article(file: &str) -> Result<(Option<String>, Doc)> {
    let mut bytes = Vec::new();
    let name = if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("reading standard input", e))?;
        "standard input"
    } else {
        bytes = std::fs::read(file).map_err(|e| Error::io(format!("reading {file}"), e))?;
        file
    };
    crate::batch::input::article_file(name, bytes)
        .map_err(|e| Error::InvalidInput(format!("{name}: {}", e.message)))
}

fn analyze(global: &GlobalArgs, args: AnalyzeArgs) -> Result<ExitCode> {
    let (file_id, doc) = read_article(&args.file)?;
    let req = AnalyzeRequest {
        text: doc.text,
        target: args
            .target
            .or(doc.target)
            .unwrap_or_else(|| DEFAULT_TARGET.to_string()),
        title: args.title.or(doc.title),
        id: args.id.or(file_id),
        summary_mode: args.summary_mode,
    };
    let mut config = global.engine_config();
    config.stance_method = args.stance_method;
    let engine = Engine::load(&config)?;
    engine.validate(&req)?;
    let report = engine.analyze(&req)?;
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Text
    } else {
        Format::Json
    });
    let out = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report)
                .map_err(|e| Error::Other(anyhow::anyhow!("serialising the report: {e}")))?;
            s.push('\n');
            s
        }
        Format::Text => render_text(&report),
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The readable terminal report.
pub fn render_text(r: &Report) -> String {
    let mut s = String::new();
    if let Some(t) = &r.title {
        s.push_str(&format!("{t}\n\n"));
    }
    s.push_str(&format!("Summary ({:?}):\n", r.summary.mode).to_lowercase());
    s.push_str(&wrap(&r.summary.text, 88, "  "));
    s.push_str(&format!(
        "\n\nSpeakers and their stance on {:?}:\n",
        r.target
    ));
    if r.speakers.is_empty() {
        s.push_str("  (no speakers found)\n");
    }
    for sp in &r.speakers {
        let bar = stance_bar(sp.stance.score);
        let role = sp
            .role
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let qualified = if sp.stance.label != StanceLabel::Neutral && sp.stance.strength == 1 {
            "  qualified"
        } else {
            ""
        };
        s.push_str(&format!(
            "\n  {}{} [{:?}]\n    {:<7} {:+.2} {}  confidence {:.2}{}\n",
            sp.name,
            role,
            sp.kind,
            sp.stance.label.as_str(),
            sp.stance.score,
            bar,
            sp.stance.confidence,
            qualified
        ));
        for st in &sp.statements {
            let mark = match st.stance.label {
                StanceLabel::Favor => '+',
                StanceLabel::Against => '-',
                StanceLabel::Neutral => '=',
            };
            s.push_str(&wrap(
                &format!("{mark} {} \"{}\"", st.cue, st.text),
                88,
                "      ",
            ));
            s.push('\n');
        }
    }
    for w in &r.warnings {
        s.push_str(&format!("\nwarning: {w}\n"));
    }
    s
}

/// A 21-cell bar with the centre at 0 and a marker at the score.
fn stance_bar(score: f32) -> String {
    let pos = ((score.clamp(-1.0, 1.0) + 1.0) * 10.0).round() as usize;
    (0..=20)
        .map(|i| {
            if i == pos {
                '●'
            } else if i == 10 {
                '|'
            } else {
                '·'
            }
        })
        .collect::<String>()
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
    }
    out.trim_end_matches('\n').to_string()
}

fn models(global: &GlobalArgs, cmd: ModelsCommand) -> Result<ExitCode> {
    let catalog = Catalog::load(None)?;
    let store = global.engine_config().model_store()?;
    let progress = std::io::stderr().is_terminal() && !global.quiet;
    let mut out = String::new();
    match cmd {
        ModelsCommand::Pull => {
            for m in store.pull(&catalog, &global.preset, progress)? {
                let size: u64 = m
                    .files
                    .values()
                    .filter_map(|p| std::fs::metadata(p).ok())
                    .map(|md| md.len())
                    .sum();
                out.push_str(&format!(
                    "{:<32} {:>10}  verified  {}\n",
                    m.id,
                    human_bytes(size),
                    store.model_cache_dir(&m.id).display()
                ));
            }
        }
        ModelsCommand::List { json } => {
            let rows = store.list(&catalog);
            if json {
                out = serde_json::to_string_pretty(&rows)
                    .map_err(|e| Error::Other(anyhow::anyhow!("serialising the list: {e}")))?;
                out.push('\n');
            } else {
                out.push_str(&format!(
                    "{:<32} {:<10} {:<9} {:>10}  {:<8} {:<16} {}\n",
                    "MODEL", "ROLE", "ARCH", "SIZE", "VERIFIED", "PRESETS", "LOCATION"
                ));
                for r in rows {
                    out.push_str(&format!(
                        "{:<32} {:<10} {:<9} {:>10}  {:<8} {:<16} {}\n",
                        r.id,
                        format!("{:?}", r.role).to_lowercase(),
                        r.architecture,
                        r.size.map(human_bytes).unwrap_or_else(|| "?".into()),
                        r.state.verified_label(),
                        r.presets.join(","),
                        r.location.display()
                    ));
                }
            }
        }
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn human_bytes(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if n as f64 >= MIB {
        format!("{:.1} MiB", n as f64 / MIB)
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// Write to stdout; a closed pipe surfaces as a BrokenPipe I/O error (exit 0).
fn write_stdout(s: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(s.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("writing to standard output", e))
}

fn serve(global: &GlobalArgs, args: ServeCliArgs) -> Result<ExitCode> {
    let mut config = global.engine_config();
    config.stance_method = args.stance_method;
    let serve_config = crate::server::ServeConfig::from(args.serve);
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Error::io("starting the async runtime", e))?;
    runtime.block_on(crate::server::run(
        serve_config,
        move || Engine::load(&config).map(std::sync::Arc::new),
        crate::server::shutdown_signal(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn batch(global: &GlobalArgs, args: BatchCliArgs) -> Result<ExitCode> {
    let mut config = global.engine_config();
    config.stance_method = args.stance_method;
    config.max_text_chars = args.batch.max_text_chars;
    let batch_config = crate::batch::BatchConfig::try_from(args.batch)?;
    batch_config.validate()?;
    let engine = Engine::load(&config)?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    install_stop_handler(stop.clone());
    let summary = crate::batch::run(&batch_config, &engine, &stop)?;
    Ok(ExitCode::from(summary.exit_code().clamp(0, 255) as u8))
}

/// Ctrl-C / SIGTERM set `stop`; the batch runner finishes the rows in flight, flushes
/// and returns. A second signal is left to the default handler only after the flag is set.
fn install_stop_handler(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let spawned = std::thread::Builder::new()
        .name("parley-signals".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(crate::server::shutdown_signal());
            tracing::warn!("stopping: finishing the rows in flight");
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    if let Err(e) = spawned {
        tracing::warn!("no Ctrl-C handler: {e}");
    }
}

fn eval(global: &GlobalArgs, args: EvalArgs) -> Result<ExitCode> {
    // Checked here, before any model loads: clap's `requires` is not enforced when the
    // corpus folder (which conflicts with --statements) is given.
    if args.split.is_some() && args.statements.is_none() {
        return Err(Error::InvalidInput(
            "--split selects labelled statements: it needs --statements".into(),
        ));
    }
    if args.reverse_targets.is_some() && args.statements.is_none() {
        return Err(Error::InvalidInput(
            "--reverse-targets rewrites labelled statements: it needs --statements".into(),
        ));
    }
    let mut config = global.engine_config();
    config.stance_method = args.stance_method;
    let engine = Engine::load(&config)?;
    if let Some(path) = &args.statements {
        use crate::eval::statements;
        let report = statements::evaluate(
            engine.stance_model(),
            path,
            args.split.unwrap_or(statements::Split::All),
            args.reverse_targets.as_deref(),
        )?;
        if let Some(out) = &args.json {
            write_json(out, &report)?;
        }
        write_stdout(&statements::render(&report))?;
        return Ok(ExitCode::SUCCESS);
    }
    let corpus_dir = args
        .corpus_dir
        .as_deref()
        .ok_or_else(|| Error::InvalidInput("eval needs a corpus folder or --statements".into()))?;
    let report = crate::eval::run::evaluate(&engine, corpus_dir)?;
    if let Some(path) = &args.json {
        write_json(path, &report)?;
    }
    write_stdout(&crate::eval::run::render(&report))?;
    Ok(ExitCode::SUCCESS)
}

/// An evaluation as pretty JSON, written atomically.
fn write_json(path: &std::path::Path, report: &impl serde::Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::Other(anyhow::anyhow!("serialising the report: {e}")))?;
    write_file_atomic(path, json.as_bytes())
}

/// The base encoder to train on or average over: `--base DIR`, else the preset's encoder.
fn stance_base(global: &GlobalArgs, base: Option<&std::path::Path>) -> Result<BaseFiles> {
    match base {
        Some(dir) => Ok(BaseFiles::from_dir(dir)),
        None => BaseFiles::of(&crate::engine::resolve_encoder(&global.engine_config())?),
    }
}

fn train_stance(global: &GlobalArgs, args: TrainStanceCliArgs) -> Result<ExitCode> {
    device::set_threads(global.threads)?;
    let base = stance_base(global, args.train.base.as_deref())?;
    let report = crate::stance::train::train(&args.train.to_config(base))?;
    let mut out = format!("validation:\n{}\n", report.validation);
    push_scores(&mut out, &report.validation_by_file, report.dev.as_ref());
    out.push_str(&format!(
        "frozen-layer cache {:.0} s, training {:.0} s\n",
        report.cache_seconds, report.train_seconds
    ));
    push_files(&mut out, &report.artifact);
    if let Some(path) = &args.report {
        write_json(path, &report)?;
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn train_soup(global: &GlobalArgs, args: TrainSoupCliArgs) -> Result<ExitCode> {
    device::set_threads(global.threads)?;
    let base = stance_base(global, args.base.as_deref())?;
    let report = crate::stance::soup::soup(&crate::stance::soup::SoupConfig {
        inputs: args.inputs,
        data_dir: args.data,
        base,
        out_dir: args.out,
        dev_corpus: args.dev_corpus,
        validation_percent: crate::stance::data::VALIDATION_PERCENT,
    })?;
    let mut out = String::new();
    for i in &report.inputs {
        out.push_str(&format!(
            "{}: runs {}..{}, validation macro-F1 {:.3}\n",
            i.path.display(),
            i.first_run,
            i.first_run + i.runs,
            i.validation_macro_f1
        ));
    }
    out.push_str(&format!("soup, validation:\n{}\n", report.validation));
    push_scores(&mut out, &report.validation_by_file, report.dev.as_ref());
    push_files(&mut out, &report.artifact);
    if let Some(path) = &args.report {
        write_json(path, &report)?;
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The per-file validation scores and the dev scores of a trained or averaged artifact.
fn push_scores(
    out: &mut String,
    by_file: &[crate::stance::train::FileScore],
    dev: Option<&crate::stance::train::DevReport>,
) {
    for f in by_file {
        out.push_str(&format!(
            "  {}: macro-F1 {:.3}, accuracy {:.3} (n={})\n",
            f.file, f.metrics.macro_f1, f.metrics.accuracy, f.metrics.n
        ));
    }
    if let Some(d) = dev {
        out.push_str(&format!(
            "dev speakers, gold evidence in its sentence (aggregated):\n{}\n",
            d.sentence
        ));
        out.push_str(&format!(
            "dev speakers, gold evidence alone:\n{}\n",
            d.evidence_only
        ));
    }
}

/// The files an artifact was written to, with their sizes and digests.
fn push_files(out: &mut String, files: &[crate::stance::train::ArtifactFile]) {
    for f in files {
        out.push_str(&format!(
            "{}  {} bytes  sha256 {}\n",
            f.path.display(),
            f.bytes,
            f.sha256
        ));
    }
}

/// Write a whole file or nothing: a temp file beside it, then rename.
fn write_file_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| Error::io(format!("creating a file in {}", dir.display()), e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    Ok(())
}
