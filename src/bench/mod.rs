//! `parley bench`: a fixed, documented workload run on each device asked for, reported as
//! a table (stdout), JSON and Markdown.
//!
//! Figures, each the median and spread over timed repeats (warm-up runs excluded):
//! - generator (GGUF, batch 1): model load ms, prefill tokens/s, decode tokens/s;
//! - encoder (MiniLM): model load ms, sentences/s at each batch size (the batch curve),
//!   with the share of real (non-padding) tokens at that batch size;
//! - engine: load ms, stance statements/s (the engine's stance model on the statements the
//!   text stage finds in the built-in articles), end-to-end analyze articles/min
//!   (`Engine::analyze_batch` over the built-in articles, the way `parley batch` and the
//!   server call it);
//! - peak resident memory per device (`VmHWM`, reset between devices where Linux allows).
//!
//! The workload lives in [`workload`]; the machine description in [`machine`]. This file
//! owns the measurement loops and the rendering; it does not change how models run.
//! Figures the engine cannot produce (a preset without a classifier, a text stage that finds
//! no statements) are listed under `unavailable` with the reason rather than failing the
//! run; a model runtime that fails is an error.

pub mod machine;
pub mod stats;
pub mod workload;

#[cfg(all(test, feature = "cuda"))]
mod cuda_tests;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::engine::{AnalyzeRequest, Engine, EngineConfig};
use crate::model::device::{self, DeviceSpec};
use crate::model::encoder::{Encoder, EncoderFiles};
use crate::model::generator::Generator;
use crate::stance::StanceInput;
use crate::{Error, Result};

pub use machine::MachineInfo;
pub use stats::Figure;
pub use workload::WorkloadSpec;

/// `parley bench` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Device to benchmark: cpu, cuda, cuda:N (repeat the flag for several, e.g.
    /// `--device cpu --device cuda`; each is measured in turn with the same workload).
    #[arg(long = "device", id = "device", value_name = "DEVICE", default_value = "cpu", action = clap::ArgAction::Append)]
    pub devices: Vec<String>,
    /// A smaller workload (fewer repeats, a short encoder batch curve) that finishes in
    /// under a minute on two CPU cores; per-run sizes match the full workload, so medians
    /// are comparable, only noisier.
    #[arg(long)]
    pub quick: bool,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Also write the report as Markdown to this file.
    #[arg(long, value_name = "OUT")]
    pub markdown: Option<PathBuf>,
    /// Timed repeats per figure (default 5, or 3 with --quick). More repeats narrow the
    /// spread on a noisy machine at the cost of time.
    #[arg(long, value_name = "N")]
    pub repeats: Option<usize>,
}

impl Default for BenchArgs {
    fn default() -> Self {
        BenchArgs {
            devices: vec!["cpu".into()],
            quick: false,
            json: None,
            markdown: None,
            repeats: None,
        }
    }
}

/// Everything one `parley bench` run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchReport {
    /// UTC start time, RFC 3339.
    pub date: String,
    pub quick: bool,
    pub machine: MachineInfo,
    pub workload: WorkloadSpec,
    /// The exact inputs, so peer scripts can run the same work.
    pub inputs: WorkloadInputs,
    pub devices: Vec<DeviceReport>,
    /// Wall time of the whole run, seconds.
    pub total_s: f64,
    /// CPU time of the whole run (all threads), seconds.
    pub total_cpu_s: Option<f64>,
}

/// The concrete inputs of the workload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkloadInputs {
    /// The generator's prompt: the first `prefill_tokens` tokens of this text.
    pub prompt_text: String,
    /// The sentences the encoder embeds, in order (cut into batches of each size).
    pub encoder_sentences: Vec<String>,
    /// The built-in articles' names (`benches/articles/`).
    pub articles: Vec<String>,
    pub target: String,
}

/// Figures for one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceReport {
    /// As asked (`cpu`, `cuda:0`).
    pub device: String,
    /// As opened (`cpu (2 threads; simd: avx f16c)`).
    pub description: String,
    pub generator_model: String,
    pub generator_file_bytes: u64,
    pub encoder_model: String,
    pub generator_load_ms: Figure,
    /// Batch size of the generator figures. The runtime runs one sequence at a time
    /// (`Generator` owns one KV cache), so only batch 1 is measured.
    pub generator_batch: usize,
    pub prefill_tokens_per_s: Figure,
    pub decode_tokens_per_s: Figure,
    /// The same work per CPU-second of this process (all threads): comparable across runs
    /// on a machine shared with other work, where wall-clock rates are not.
    pub prefill_tokens_per_cpu_s: Option<Figure>,
    pub decode_tokens_per_cpu_s: Option<Figure>,
    pub encoder_load_ms: Figure,
    /// Sentences/s at each batch size.
    pub encoder_sentences_per_s: Vec<EncoderPoint>,
    /// Sentences/s when all the sentences go to the encoder in one call, as the engine does:
    /// the runtime sorts them by length and packs batches up to its token budget, so there
    /// is little padding.
    pub encoder_sentences_per_s_engine_batching: EncoderPoint,
    pub engine_load_ms: Option<f64>,
    /// The engine's stance model (`prototype:…` when the preset has no trained classifier).
    pub stance_model: Option<String>,
    pub stance_statements_per_s: Option<Figure>,
    /// Statements per stance repeat.
    pub stance_statements: Option<usize>,
    pub articles_per_min: Option<Figure>,
    /// Peak resident memory while this device ran (MiB); the whole process so far when
    /// the kernel does not allow resetting the mark (see `peak_rss_reset`).
    pub peak_rss_mib: Option<f64>,
    pub peak_rss_reset: bool,
    /// GPU memory in use after the run (all processes), CUDA only.
    pub gpu_memory_used_mib: Option<u64>,
    /// Wall time and CPU time (all threads) spent on this device, seconds. CPU time well
    /// below wall time × threads means other processes held the cores.
    pub wall_s: f64,
    pub cpu_s: Option<f64>,
    /// Figures that could not be measured, with the reason.
    pub unavailable: Vec<String>,
}

/// Encoder throughput at one batch size.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EncoderPoint {
    pub batch: usize,
    pub sentences_per_s: Figure,
    /// Sentences per CPU-second of this process (all threads).
    pub sentences_per_cpu_s: Option<Figure>,
    /// Real tokens / padded tokens over the workload at this batch size (1.0 = no padding).
    pub real_token_fraction: f64,
}

/// The model files the benchmark runs, as the model store resolves them.
#[derive(Debug, Clone)]
pub struct BenchModels {
    pub encoder_id: String,
    pub encoder: EncoderFiles,
    pub generator_id: String,
    pub generator: PathBuf,
}

/// Resolve (and fetch, unless offline) the preset's encoder and generator files.
///
/// # Errors
/// As [`ModelStore::ensure_preset`].
pub fn resolve_models(config: &EngineConfig) -> Result<BenchModels> {
    let preset = crate::engine::resolve_preset(config)?;
    let enc = &preset.encoder;
    Ok(BenchModels {
        encoder_id: enc.id.clone(),
        encoder: EncoderFiles::of(enc)?,
        generator_id: preset.generator.id.clone(),
        generator: preset.generator.single_file()?.to_path_buf(),
    })
}

/// Run the benchmark, print the table to stdout, and write `--json` / `--markdown`.
///
/// `engine_config` supplies the preset, model locations and thread count; its `device` is
/// ignored (each of `args.devices` is measured in turn).
///
/// # Errors
/// `InvalidInput` for a bad device or `--repeats 0`; `ModelUnavailable` when a device
/// cannot be opened or a model is missing; `Inference` when a model fails; `Io` when an
/// output file cannot be written.
pub fn run(args: &BenchArgs, engine_config: &EngineConfig) -> Result<BenchReport> {
    let started = Instant::now();
    let mut spec = if args.quick {
        WorkloadSpec::quick()
    } else {
        WorkloadSpec::full()
    };
    if let Some(r) = args.repeats {
        if r == 0 {
            return Err(Error::InvalidInput("--repeats must be at least 1".into()));
        }
        spec.repeats = r;
    }
    // Open every device first: a missing GPU should fail before minutes of CPU figures.
    let devices = open_devices(&args.devices)?;
    device::set_threads(engine_config.threads)?;
    let models = resolve_models(engine_config)?;

    let date = rfc3339_utc(SystemTime::now());
    let machine = MachineInfo::detect();
    let inputs = WorkloadInputs {
        prompt_text: workload::generator_prompt_text().to_string(),
        encoder_sentences: workload::encoder_sentences(spec.encoder_sentences),
        articles: workload::ARTICLES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        target: workload::TARGET.to_string(),
    };
    let mut reports = Vec::new();
    for (name, dev) in &devices {
        reports.push(run_device(
            name,
            dev,
            &spec,
            &inputs,
            &models,
            engine_config,
        )?);
    }
    let report = BenchReport {
        date,
        quick: args.quick,
        machine,
        workload: spec,
        inputs,
        devices: reports,
        total_s: started.elapsed().as_secs_f64(),
        total_cpu_s: machine::process_cpu_s(),
    };
    let table = render_markdown(&report);
    println!("{table}");
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::Other(anyhow::anyhow!("serialise the report: {e}")))?;
        write_file(path, &json)?;
    }
    if let Some(path) = &args.markdown {
        write_file(path, &table)?;
    }
    Ok(report)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io(format!("write {}", path.display()), e))
}

fn open_devices(names: &[String]) -> Result<Vec<(String, candle_core::Device)>> {
    if names.is_empty() {
        return Err(Error::InvalidInput("no device to benchmark".into()));
    }
    let mut out: Vec<(String, candle_core::Device)> = Vec::new();
    for n in names {
        let spec: DeviceSpec = n.parse()?;
        let dev = device::select_device(spec)?;
        let label = match (&spec, &dev) {
            (DeviceSpec::Auto, candle_core::Device::Cpu) => "cpu".to_string(),
            (DeviceSpec::Auto, _) => "cuda:0".to_string(),
            _ => spec.to_string(),
        };
        if out.iter().any(|(l, _)| *l == label) {
            return Err(Error::InvalidInput(format!(
                "device {label} is listed twice"
            )));
        }
        out.push((label, dev));
    }
    Ok(out)
}

/// Call `f` `warmup + repeats` times and return the timed repeats' results.
fn repeat<T>(spec: &WorkloadSpec, mut f: impl FnMut() -> Result<T>) -> Result<Vec<T>> {
    for _ in 0..spec.warmup {
        f()?;
    }
    (0..spec.repeats).map(|_| f()).collect()
}

fn figure(samples: &[f64], what: &str) -> Result<Figure> {
    Figure::from_samples(samples)
        .ok_or_else(|| Error::Inference(format!("{what}: no finite measurement")))
}

fn per_s(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64().max(1e-9)
}

/// Wall and process-CPU clocks started together.
struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

/// Work per wall-second and per CPU-second for one timed run.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub wall: f64,
    pub cpu: Option<f64>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            cpu: machine::process_cpu_s(),
            wall: Instant::now(),
        }
    }

    fn rate(&self, count: usize) -> Rate {
        let wall = per_s(count, self.wall.elapsed());
        let cpu = machine::process_cpu_s()
            .zip(self.cpu)
            .map(|(end, start)| count as f64 / (end - start).max(1e-9));
        Rate { wall, cpu }
    }
}

/// (per wall-second, per CPU-second) figures of `runs`.
fn rate_figures(runs: &[Rate], what: &str) -> Result<(Figure, Option<Figure>)> {
    let wall: Vec<f64> = runs.iter().map(|r| r.wall).collect();
    let cpu: Option<Vec<f64>> = runs.iter().map(|r| r.cpu).collect();
    Ok((
        figure(&wall, what)?,
        cpu.and_then(|c| Figure::from_samples(&c)),
    ))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run_device(
    name: &str,
    dev: &candle_core::Device,
    spec: &WorkloadSpec,
    inputs: &WorkloadInputs,
    models: &BenchModels,
    engine_config: &EngineConfig,
) -> Result<DeviceReport> {
    let peak_rss_reset = machine::reset_peak_rss();
    let started = Instant::now();
    let cpu_start = machine::process_cpu_s();
    let description = device::describe(dev);
    eprintln!("bench {name}: {description}");
    let mut unavailable = Vec::new();

    // Generator: load, then prefill and decode at batch 1.
    eprintln!("bench {name}: generator {}", models.generator_id);
    let mut load = Vec::new();
    let mut gen = None;
    for _ in 0..spec.load_repeats.max(1) {
        drop(gen.take());
        let t = Instant::now();
        gen = Some(Generator::load(&models.generator, dev)?);
        load.push(ms(t.elapsed()));
    }
    let generator_load_ms = figure(&load, "generator load")?;
    let mut gen = gen.expect("at least one load ran");
    let (prefill, decode) = generator_runs(&mut gen, spec, &inputs.prompt_text)?;
    let (prefill_tokens_per_s, prefill_tokens_per_cpu_s) = rate_figures(&prefill, "prefill")?;
    let (decode_tokens_per_s, decode_tokens_per_cpu_s) = rate_figures(&decode, "decode")?;
    drop(gen);
    let generator_file_bytes = std::fs::metadata(&models.generator)
        .map(|m| m.len())
        .unwrap_or(0);

    // Encoder: load, then the batch curve.
    eprintln!("bench {name}: encoder {}", models.encoder_id);
    let mut load = Vec::new();
    let mut encoder = None;
    for _ in 0..spec.load_repeats.max(1) {
        drop(encoder.take());
        let t = Instant::now();
        encoder = Some(Encoder::load(&models.encoder, dev)?);
        load.push(ms(t.elapsed()));
    }
    let encoder_load_ms = figure(&load, "encoder load")?;
    let encoder = encoder.expect("at least one load ran");
    let encoder_sentences_per_s = encoder_curve(&encoder, spec, &inputs.encoder_sentences)?;
    let encoder_sentences_per_s_engine_batching =
        encoder_engine_batching(&encoder, spec, &inputs.encoder_sentences)?;
    drop(encoder);

    // Engine: stance and end-to-end analysis.
    eprintln!("bench {name}: engine");
    let engine_cfg = EngineConfig {
        device: name.to_string(),
        // Threads were set once for the process; a second set would fail.
        threads: None,
        progress: false,
        ..engine_config.clone()
    };
    let mut stance_model = None;
    let (engine_load_ms, stance, articles_per_min) = match timed_engine_load(&engine_cfg) {
        Ok((engine, load_ms)) => {
            stance_model = Some(engine.stance_model().name().to_string());
            let stance = match engine_stance(&engine, spec) {
                Ok(s) => Some(s),
                Err(e) => {
                    unavailable.push(format!("stance_statements_per_s: {e}"));
                    None
                }
            };
            let apm = match engine_articles_per_min(&engine, spec) {
                Ok(f) => Some(f),
                Err(e) => {
                    unavailable.push(format!("articles_per_min: {e}"));
                    None
                }
            };
            (Some(load_ms), stance, apm)
        }
        Err(e) => {
            unavailable.push(format!("engine: {e}"));
            (None, None, None)
        }
    };

    let gpu_memory_used_mib = match dev {
        candle_core::Device::Cuda(_) => {
            let idx = name
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            machine::gpu_memory_used_mib(idx)
        }
        _ => None,
    };
    Ok(DeviceReport {
        device: name.to_string(),
        description,
        generator_model: models.generator_id.clone(),
        generator_file_bytes,
        encoder_model: models.encoder_id.clone(),
        generator_load_ms,
        generator_batch: 1,
        prefill_tokens_per_s,
        decode_tokens_per_s,
        prefill_tokens_per_cpu_s,
        decode_tokens_per_cpu_s,
        encoder_load_ms,
        encoder_sentences_per_s,
        encoder_sentences_per_s_engine_batching,
        engine_load_ms,
        stance_model,
        stance_statements_per_s: stance.as_ref().map(|s| s.0),
        stance_statements: stance.map(|s| s.1),
        articles_per_min,
        peak_rss_mib: machine::peak_rss_mib(),
        peak_rss_reset,
        gpu_memory_used_mib,
        wall_s: started.elapsed().as_secs_f64(),
        cpu_s: machine::process_cpu_s()
            .zip(cpu_start)
            .map(|(end, start)| end - start),
        unavailable,
    })
}

/// Prefill `prefill_tokens` prompt tokens, then decode `decode_tokens` greedily, one token
/// per forward pass; returns the prefill and decode rates (tokens) of each timed repeat.
///
/// # Errors
/// `InvalidInput` when the prompt text has fewer tokens than the workload asks for.
pub fn generator_runs(
    gen: &mut Generator,
    spec: &WorkloadSpec,
    prompt_text: &str,
) -> Result<(Vec<Rate>, Vec<Rate>)> {
    let mut ids = gen.tokenize(prompt_text)?;
    if ids.len() < spec.prefill_tokens {
        return Err(Error::InvalidInput(format!(
            "the prompt text has {} tokens; the workload prefills {}",
            ids.len(),
            spec.prefill_tokens
        )));
    }
    ids.truncate(spec.prefill_tokens);
    let runs = repeat(spec, || {
        gen.clear_cache();
        let clock = Clock::start();
        let logits = gen.forward_tokens(&ids, 0)?;
        let prefill = clock.rate(ids.len());
        let mut next = argmax(&logits);
        let clock = Clock::start();
        for pos in ids.len()..ids.len() + spec.decode_tokens {
            let logits = gen.forward_tokens(&[next], pos)?;
            next = argmax(&logits);
        }
        let decode = clock.rate(spec.decode_tokens);
        Ok((prefill, decode))
    })?;
    gen.clear_cache();
    Ok(runs.into_iter().unzip())
}

/// The greedy next token: the index of the largest logit (0 for an empty slice).
pub fn argmax(v: &[f32]) -> u32 {
    v.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i as u32)
        .unwrap_or(0)
}

/// Sentences/s at each batch size: the sentences are cut into consecutive batches of
/// exactly that size, each one forward pass.
///
/// # Errors
/// `Inference` when the encoder fails.
pub fn encoder_curve(
    encoder: &Encoder,
    spec: &WorkloadSpec,
    sentences: &[String],
) -> Result<Vec<EncoderPoint>> {
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let lens = refs
        .iter()
        .map(|s| {
            encoder
                .tokenizer()
                .encode(*s, true)
                .map(|e| e.get_ids().len())
                .map_err(|e| Error::Inference(format!("tokenize: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for &b in &spec.encoder_batches {
        if b == 0 {
            return Err(Error::InvalidInput("encoder batch size 0".into()));
        }
        let runs = repeat(spec, || {
            let clock = Clock::start();
            for chunk in refs.chunks(b) {
                // No token cap: each chunk is exactly one forward pass of `b` sentences.
                encoder.embed_batched(chunk, usize::MAX)?;
            }
            Ok(clock.rate(refs.len()))
        })?;
        let (sentences_per_s, sentences_per_cpu_s) =
            rate_figures(&runs, &format!("encoder batch {b}"))?;
        let (real, padded) = lens.chunks(b).fold((0usize, 0usize), |(r, p), c| {
            let longest = c.iter().copied().max().unwrap_or(0);
            (r + c.iter().sum::<usize>(), p + longest * c.len())
        });
        out.push(EncoderPoint {
            batch: b,
            sentences_per_s,
            sentences_per_cpu_s,
            real_token_fraction: real as f64 / padded.max(1) as f64,
        });
    }
    Ok(out)
}

/// Sentences/s through [`Embedder::embed`](crate::model::Embedder::embed): one call with
/// every sentence, batched by the runtime (length-sorted, default token budget). `batch` in
/// the result is the largest batch the runtime formed.
///
/// # Errors
/// `Inference` when the encoder fails.
pub fn encoder_engine_batching(
    encoder: &Encoder,
    spec: &WorkloadSpec,
    sentences: &[String],
) -> Result<EncoderPoint> {
    use crate::model::encoder::DEFAULT_MAX_BATCH_TOKENS;
    use crate::model::Embedder;
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let runs = repeat(spec, || {
        let clock = Clock::start();
        encoder.embed(&refs)?;
        Ok(clock.rate(refs.len()))
    })?;
    let (sentences_per_s, sentences_per_cpu_s) = rate_figures(&runs, "encoder engine batching")?;
    // Replay the runtime's packing (longest first, as many as fit the budget) for the
    // padding share and the largest batch.
    let mut lens = refs
        .iter()
        .map(|s| {
            encoder
                .tokenizer()
                .encode(*s, true)
                .map(|e| e.get_ids().len())
                .map_err(|e| Error::Inference(format!("tokenize: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    lens.sort_unstable_by(|a, b| b.cmp(a));
    let (mut real, mut padded, mut largest, mut start) = (0, 0, 0, 0);
    while start < lens.len() {
        let fit = (DEFAULT_MAX_BATCH_TOKENS / lens[start].max(1)).max(1);
        let end = (start + fit).min(lens.len());
        real += lens[start..end].iter().sum::<usize>();
        padded += lens[start] * (end - start);
        largest = largest.max(end - start);
        start = end;
    }
    Ok(EncoderPoint {
        batch: largest,
        sentences_per_s,
        sentences_per_cpu_s,
        real_token_fraction: real as f64 / padded.max(1) as f64,
    })
}

fn timed_engine_load(cfg: &EngineConfig) -> Result<(Engine, f64)> {
    let t = Instant::now();
    let engine = Engine::load(cfg)?;
    Ok((engine, ms(t.elapsed())))
}

/// The requests of one analyze repeat: the built-in articles, `analyze_rounds` times.
pub fn analyze_requests(spec: &WorkloadSpec) -> Vec<AnalyzeRequest> {
    (0..spec.analyze_rounds.max(1))
        .flat_map(|round| {
            workload::ARTICLES.iter().map(move |(name, text)| {
                let mut r = AnalyzeRequest::new(*text);
                r.target = workload::TARGET.to_string();
                r.id = Some(format!("{name}#{round}"));
                r
            })
        })
        .collect()
}

/// Articles/min through `Engine::analyze_batch` (one call per repeat with every request).
fn engine_articles_per_min(engine: &Engine, spec: &WorkloadSpec) -> Result<Figure> {
    let reqs = analyze_requests(spec);
    let runs = repeat(spec, || {
        let t = Instant::now();
        let results = engine.analyze_batch(&reqs);
        let elapsed = t.elapsed();
        for r in results {
            r?;
        }
        Ok(per_s(reqs.len(), elapsed) * 60.0)
    })?;
    figure(&runs, "articles/min")
}

/// Stance inputs for every statement the text stage finds in the built-in articles: the
/// same fields the engine hands its stance model (target, speaker, statement, context).
/// Owned, so the borrowed [`StanceInput`]s can point into it.
pub struct StanceWorkload {
    items: Vec<(String, String, String)>,
}

impl StanceWorkload {
    /// Run the text stage over the built-in articles.
    pub fn from_articles() -> StanceWorkload {
        let mut items = Vec::new();
        for (_, text) in workload::ARTICLES {
            let analysis = crate::text::analyze_text(text);
            for sp in &analysis.speakers {
                for st in &sp.statements {
                    let context: String = text
                        .chars()
                        .skip(st.context.start)
                        .take(st.context.end.saturating_sub(st.context.start))
                        .collect();
                    items.push((sp.name.clone(), st.text.clone(), context));
                }
            }
        }
        StanceWorkload { items }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The inputs, borrowing from `self`.
    pub fn inputs(&self) -> Vec<StanceInput<'_>> {
        self.items
            .iter()
            .map(|(speaker, statement, context)| StanceInput {
                target: workload::TARGET,
                speaker,
                statement,
                context: Some(context),
            })
            .collect()
    }
}

/// Statements per classifier call in the stance figure: the engine's own chunk size.
const STANCE_CHUNK: usize = 64;

/// Statements/s through the engine's stance model, on every statement the text stage
/// finds in the built-in articles (in chunks of 64, as the engine batches them); returns
/// the figure and the statement count.
fn engine_stance(engine: &Engine, spec: &WorkloadSpec) -> Result<(Figure, usize)> {
    let work = StanceWorkload::from_articles();
    if work.is_empty() {
        return Err(Error::InvalidInput(
            "the text stage found no statements in the built-in articles".into(),
        ));
    }
    let inputs = work.inputs();
    let model = engine.stance_model();
    let runs = repeat(spec, || {
        let clock = Clock::start();
        for chunk in inputs.chunks(STANCE_CHUNK) {
            model.classify(chunk)?;
        }
        Ok(clock.rate(inputs.len()))
    })?;
    let (f, _) = rate_figures(&runs, "stance")?;
    Ok((f, inputs.len()))
}

/// Render the report as Markdown: a header with the machine and workload, one table with a
/// column per device, then anything unavailable.
pub fn render_markdown(r: &BenchReport) -> String {
    let m = &r.machine;
    let w = &r.workload;
    let mut s = String::new();
    s.push_str(&format!(
        "## parley bench{} ({})\n\n",
        if r.quick { " --quick" } else { "" },
        r.date
    ));
    s.push_str(&format!(
        "- machine: {} · {} logical CPUs · candle threads {} · candle SIMD: {} · CPU SIMD: {} · {} MiB RAM · load avg {} at start\n",
        m.cpu_model.as_deref().unwrap_or("unknown CPU"),
        m.logical_cpus,
        m.candle_threads,
        m.candle_simd,
        if m.cpu_simd.is_empty() { "unknown".to_string() } else { m.cpu_simd.join(" ") },
        m.mem_total_mib.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
        m.load_avg_1m.map(|v| format!("{v:.1}")).unwrap_or_else(|| "?".into()),
    ));
    for g in &m.gpus {
        s.push_str(&format!(
            "- gpu {}: {} · driver {} · {} MiB\n",
            g.index,
            g.name,
            g.driver,
            g.memory_total_mib
                .map(|v| v.to_string())
                .unwrap_or_else(|| "?".into())
        ));
    }
    s.push_str(&format!(
        "- build: parley {} {} (cuda compiled: {})\n",
        m.parley_version, m.build_profile, m.cuda_compiled
    ));
    s.push_str(&format!(
        "- workload v{}: {} timed repeats after {} warm-up ({} timed model loads); prefill {} tokens, decode {} tokens (batch 1); \
         encoder {} sentences per batch size; analyze {} articles per repeat\n",
        w.version,
        w.repeats,
        w.warmup,
        w.load_repeats,
        w.prefill_tokens,
        w.decode_tokens,
        w.encoder_sentences,
        w.analyze_rounds.max(1) * workload::ARTICLES.len(),
    ));
    if let Some(d) = r.devices.first() {
        s.push_str(&format!(
            "- models: generator {} ({:.1} MiB), encoder {}\n",
            d.generator_model,
            d.generator_file_bytes as f64 / (1 << 20) as f64,
            d.encoder_model
        ));
    }
    s.push_str("- figures: median [min–max] over the timed repeats\n");
    if let Some(load) = m.load_avg_1m.filter(|l| *l > m.logical_cpus as f64) {
        s.push_str(&format!(
            "- warning: load average {load:.1} on {} logical CPUs: other processes compete for the \
             cores, so figures are lower and noisier than on an idle machine (compare CPU time with \
             wall time below; with more threads than free cores, `--threads 1` may be faster)\n",
            m.logical_cpus
        ));
    }
    s.push('\n');

    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: String, f: &dyn Fn(&DeviceReport) -> String| {
        rows.push((label, r.devices.iter().map(f).collect()));
    };
    let fig = |f: Option<&Figure>| f.map(Figure::display).unwrap_or_else(|| "n/a".into());
    row("generator load (ms)".into(), &|d| {
        d.generator_load_ms.display()
    });
    row(
        format!("prefill tokens/s ({} tok, batch 1)", w.prefill_tokens),
        &|d| d.prefill_tokens_per_s.display(),
    );
    row(
        format!("decode tokens/s ({} tok, batch 1)", w.decode_tokens),
        &|d| d.decode_tokens_per_s.display(),
    );
    row("prefill tokens per CPU-second".into(), &|d| {
        fig(d.prefill_tokens_per_cpu_s.as_ref())
    });
    row("decode tokens per CPU-second".into(), &|d| {
        fig(d.decode_tokens_per_cpu_s.as_ref())
    });
    row("encoder load (ms)".into(), &|d| d.encoder_load_ms.display());
    for &b in &w.encoder_batches {
        row(format!("encoder sentences/s, batch {b}"), &|d| {
            d.encoder_sentences_per_s
                .iter()
                .find(|p| p.batch == b)
                .map(|p| {
                    format!(
                        "{} ({:.0}% real tokens)",
                        p.sentences_per_s.display(),
                        p.real_token_fraction * 100.0
                    )
                })
                .unwrap_or_else(|| "n/a".into())
        });
    }
    for &b in &w.encoder_batches {
        row(
            format!("encoder sentences per CPU-second, batch {b}"),
            &|d| {
                fig(d
                    .encoder_sentences_per_s
                    .iter()
                    .find(|p| p.batch == b)
                    .and_then(|p| p.sentences_per_cpu_s.as_ref()))
            },
        );
    }
    row(
        "encoder sentences/s, engine batching (one call, length-sorted)".into(),
        &|d| {
            let p = &d.encoder_sentences_per_s_engine_batching;
            format!(
                "{} (batches up to {}, {:.0}% real tokens; {} per CPU-s)",
                p.sentences_per_s.display(),
                p.batch,
                p.real_token_fraction * 100.0,
                p.sentences_per_cpu_s
                    .map(|f| stats::fmt_num(f.median))
                    .unwrap_or_else(|| "?".into())
            )
        },
    );
    row("engine load (ms)".into(), &|d| {
        d.engine_load_ms
            .map(stats::fmt_num)
            .unwrap_or_else(|| "n/a".into())
    });
    row(
        "stance statements/s".into(),
        &|d| match (&d.stance_statements_per_s, d.stance_statements) {
            (Some(f), Some(n)) => format!(
                "{} ({n} statements, {})",
                f.display(),
                d.stance_model.as_deref().unwrap_or("?")
            ),
            _ => "n/a".into(),
        },
    );
    row("analyze articles/min".into(), &|d| {
        fig(d.articles_per_min.as_ref())
    });
    row("peak RSS (MiB)".into(), &|d| {
        d.peak_rss_mib
            .map(|v| format!("{v:.0}{}", if d.peak_rss_reset { "" } else { " (process)" }))
            .unwrap_or_else(|| "n/a".into())
    });
    row("wall / CPU time (s)".into(), &|d| {
        format!(
            "{:.1} / {}",
            d.wall_s,
            d.cpu_s
                .map(|c| format!("{c:.1}"))
                .unwrap_or_else(|| "?".into())
        )
    });
    if r.devices.iter().any(|d| d.gpu_memory_used_mib.is_some()) {
        row("GPU memory used (MiB)".into(), &|d| {
            d.gpu_memory_used_mib
                .map(|v| v.to_string())
                .unwrap_or_else(|| "n/a".into())
        });
    }

    let header: Vec<String> = std::iter::once("figure".to_string())
        .chain(r.devices.iter().map(|d| d.device.clone()))
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (label, cells) in &rows {
        widths[0] = widths[0].max(label.chars().count());
        for (i, c) in cells.iter().enumerate() {
            widths[i + 1] = widths[i + 1].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    s.push_str(&line(&header));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    s.push_str(&format!("|-{}-|\n", rule.join("-|-")));
    for (label, cells) in rows {
        let mut all = vec![label];
        all.extend(cells);
        s.push_str(&line(&all));
    }
    s.push_str(
        "\nGenerator figures are batch 1 only: the runtime runs one sequence per KV cache.\n",
    );
    for d in &r.devices {
        for u in &d.unavailable {
            s.push_str(&format!("\n- {} unavailable: {u}", d.device));
        }
    }
    s.push_str(&format!(
        "\n\nTotal {:.1} s wall, {} s CPU.\n",
        r.total_s,
        r.total_cpu_s
            .map(|c| format!("{c:.1}"))
            .unwrap_or_else(|| "?".into())
    ));
    s
}

/// `SystemTime` as an RFC 3339 UTC timestamp (seconds precision).
fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The shape the CLI wires: global flags (with their own `--device`) plus `bench`.
    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(flatten)]
        global: crate::cli::GlobalArgs,
        #[command(subcommand)]
        command: TestCommand,
    }

    #[derive(Debug, clap::Subcommand)]
    enum TestCommand {
        Bench(BenchArgs),
    }

    fn parse(args: &[&str]) -> std::result::Result<(crate::cli::GlobalArgs, BenchArgs), String> {
        TestCli::try_parse_from(args)
            .map(|c| match c.command {
                TestCommand::Bench(b) => (c.global, b),
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn bench_args_parse_under_the_cli_globals() {
        use clap::CommandFactory;
        TestCli::command().debug_assert();
        let (_, b) = parse(&["parley", "bench"]).unwrap();
        assert_eq!(b.devices, vec!["cpu"]);
        assert!(!b.quick && b.repeats.is_none());
        let (_, b) = parse(&[
            "parley",
            "bench",
            "--device",
            "cpu",
            "--device",
            "cuda:1",
            "--quick",
            "--json",
            "o.json",
            "--markdown",
            "o.md",
            "--repeats",
            "7",
        ])
        .unwrap();
        assert_eq!(b.devices, vec!["cpu", "cuda:1"]);
        assert!(b.quick);
        assert_eq!(b.json.as_deref(), Some(Path::new("o.json")));
        assert_eq!(b.markdown.as_deref(), Some(Path::new("o.md")));
        assert_eq!(b.repeats, Some(7));
        assert!(parse(&["parley", "bench", "--repeats", "x"]).is_err());
    }

    #[test]
    fn bad_devices_are_refused_before_any_work() {
        let err = open_devices(&["tpu".into()]).unwrap_err().to_string();
        assert!(err.contains("device"), "{err}");
        let err = open_devices(&["cpu".into(), "cpu".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("twice"), "{err}");
        assert!(open_devices(&[]).is_err());
        #[cfg(not(feature = "cuda"))]
        {
            let err = open_devices(&["cpu".into(), "cuda".into()])
                .unwrap_err()
                .to_string();
            assert!(err.contains("--features cuda"), "{err}");
        }
    }

    #[test]
    fn zero_repeats_is_invalid_input() {
        let args = BenchArgs {
            repeats: Some(0),
            ..BenchArgs::default()
        };
        let err = run(&args, &EngineConfig::default()).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }

    #[test]
    fn stance_workload_comes_from_the_text_stage() {
        let w = StanceWorkload::from_articles();
        // Each built-in article quotes at least three people; the exact count follows the
        // text stage and is not pinned here.
        assert!(w.len() >= 12, "{} statements", w.len());
        let inputs = w.inputs();
        assert_eq!(inputs.len(), w.len());
        for i in &inputs {
            assert_eq!(i.target, workload::TARGET);
            assert!(!i.speaker.is_empty() && !i.statement.is_empty());
            let ctx = i.context.expect("every statement has its sentence");
            assert!(!ctx.trim().is_empty());
        }
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_723); // 2000-02-29 01:02:03
        assert_eq!(rfc3339_utc(t), "2000-02-29T01:02:03Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_767_225_599); // 2025-12-31 23:59:59
        assert_eq!(rfc3339_utc(t), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn analyze_requests_cover_every_article_each_round() {
        let spec = WorkloadSpec {
            analyze_rounds: 2,
            ..WorkloadSpec::quick()
        };
        let reqs = analyze_requests(&spec);
        assert_eq!(reqs.len(), 2 * workload::ARTICLES.len());
        assert!(reqs.iter().all(|r| r.target == workload::TARGET));
        assert_eq!(reqs[0].id.as_deref(), Some("01-valley-truce#0"));
    }

    #[test]
    fn markdown_has_a_column_per_device_and_the_headline_figures() {
        let f = Figure::from_samples(&[1.0, 2.0, 3.0]).unwrap();
        let dev = |name: &str| DeviceReport {
            device: name.into(),
            description: name.into(),
            generator_model: "gen".into(),
            generator_file_bytes: 1 << 20,
            encoder_model: "enc".into(),
            generator_load_ms: f,
            generator_batch: 1,
            prefill_tokens_per_s: f,
            decode_tokens_per_s: f,
            prefill_tokens_per_cpu_s: Some(f),
            decode_tokens_per_cpu_s: None,
            encoder_load_ms: f,
            encoder_sentences_per_s: vec![EncoderPoint {
                batch: 8,
                sentences_per_s: f,
                sentences_per_cpu_s: None,
                real_token_fraction: 0.5,
            }],
            encoder_sentences_per_s_engine_batching: EncoderPoint {
                batch: 64,
                sentences_per_s: f,
                sentences_per_cpu_s: None,
                real_token_fraction: 0.9,
            },
            engine_load_ms: None,
            stance_model: None,
            stance_statements_per_s: None,
            stance_statements: None,
            articles_per_min: Some(f),
            peak_rss_mib: Some(100.0),
            peak_rss_reset: true,
            gpu_memory_used_mib: None,
            wall_s: 2.0,
            cpu_s: Some(3.0),
            unavailable: vec!["stance_statements_per_s: no model".into()],
        };
        let spec = WorkloadSpec::quick();
        let r = BenchReport {
            date: "2026-01-01T00:00:00Z".into(),
            quick: true,
            machine: MachineInfo::detect(),
            workload: spec,
            inputs: WorkloadInputs {
                prompt_text: String::new(),
                encoder_sentences: Vec::new(),
                articles: Vec::new(),
                target: workload::TARGET.into(),
            },
            devices: vec![dev("cpu"), dev("cuda:0")],
            total_s: 1.0,
            total_cpu_s: None,
        };
        let md = render_markdown(&r);
        assert!(md.contains("| figure"), "{md}");
        // Column padding varies with the longest label; compare with single spaces.
        let md = md
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(md.contains("cuda:0"));
        assert!(md.contains("encoder sentences/s, batch 8 | 2.00 [1.00–3.00] (50% real tokens)"));
        assert!(md.contains("encoder sentences/s, batch 32 | n/a"));
        assert!(md.contains("cuda:0 unavailable: stance_statements_per_s: no model"));
        let json = serde_json::to_value(&r).unwrap();
        let d = &json["devices"][0];
        for k in [
            "prefill_tokens_per_s",
            "decode_tokens_per_s",
            "encoder_sentences_per_s",
            "articles_per_min",
        ] {
            assert!(!d[k].is_null(), "{k}");
        }
        assert_eq!(d["encoder_sentences_per_s"][0]["batch"], 8);
        assert_eq!(d["prefill_tokens_per_s"]["median"], 2.0);
    }
}
