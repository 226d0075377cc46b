//! The engine: runs the stages in order (text → speakers → stance → summary → report).
//! The one entry point for the CLI, the HTTP server and the batch runner: they parse
//! input, call [`Engine::analyze`] / [`Engine::analyze_batch`], and render the [`Report`].
//!
//! An `Engine` is `Send + Sync` and meant to be shared (`Arc<Engine>`): the encoder and
//! the classifier are read-only, the generator (which keeps a KV cache) sits behind a mutex.
//! All methods are blocking (model work): async shells call them from `spawn_blocking`
//! or a dedicated worker thread.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::model::catalog::Catalog;
use crate::model::device::{self, DeviceSpec};
use crate::model::encoder::{Encoder, EncoderFiles};
use crate::model::generator::{GenerateOptions, Generator, SharedGenerator};
use crate::model::store::{ModelStore, ResolvedModel, ResolvedPreset};
use crate::model::Embedder;
use crate::report::{
    Report, Span, SpeakerReport, StatementKind, StatementReport, Summary, SummaryMode,
};
use crate::stance::{
    aggregate, background_frame, explicit_position, hedge_or_condition, mentions_target, LlmScorer,
    PrototypeClassifier, SequenceClassifier, StanceInput, StanceModel, StatementEvidence,
    TrainedClassifier,
};
use crate::summary::{self, ChatModel, SummaryInput, SummaryOptions};
use crate::text::{self, TextAnalysis};
use crate::{Error, Result};

/// The default stance target.
pub const DEFAULT_TARGET: &str = "a ceasefire";

/// Longest article accepted, in characters. Longer input is an `InvalidInput` error,
/// never silently truncated.
pub const DEFAULT_MAX_TEXT_CHARS: usize = 200_000;

/// One article to analyse. A field the API doesn't know is an error, not ignored: a
/// misspelt `target` would otherwise score every speaker toward the default target.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    /// The article body (plain text).
    pub text: String,
    /// What the speakers' stance is measured toward.
    #[serde(default = "default_target")]
    pub target: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Echoed in the report.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub summary_mode: SummaryMode,
}

impl AnalyzeRequest {
    /// A request with the default target and summary mode.
    pub fn new(text: impl Into<String>) -> Self {
        AnalyzeRequest {
            text: text.into(),
            target: default_target(),
            title: None,
            id: None,
            summary_mode: SummaryMode::default(),
        }
    }
}

fn default_target() -> String {
    DEFAULT_TARGET.to_string()
}

/// The preset `config` names, fetched unless offline and verified, from the model store
/// `config` points at: what every shell that needs model files starts from.
///
/// # Errors
/// As [`ModelStore::ensure_preset`].
pub fn resolve_preset(config: &EngineConfig) -> Result<ResolvedPreset> {
    let catalog = Catalog::load(None)?;
    config
        .model_store()?
        .ensure_preset(&catalog, &config.preset, config.progress)
}

/// Only the encoder of the configured preset, from the model store: what training the
/// stance classifier needs. It does not touch the preset's classifier, which training is
/// about to replace (a freshly trained artifact no longer matches the catalog's digests).
///
/// # Errors
/// As [`resolve_preset`].
pub fn resolve_encoder(config: &EngineConfig) -> Result<ResolvedModel> {
    let catalog = Catalog::load(None)?;
    let preset = catalog.preset(&config.preset)?;
    config
        .model_store()?
        .ensure(catalog.model(&preset.encoder)?, config.progress)
}

impl EngineConfig {
    /// The model store these settings point at (`home`, `offline`, `model_dir`).
    ///
    /// # Errors
    /// `ModelUnavailable` when no cache folder can be found for the default home.
    pub fn model_store(&self) -> Result<ModelStore> {
        Ok(ModelStore {
            home: match &self.home {
                Some(h) => h.clone(),
                None => ModelStore::default_home()?,
            },
            offline: self.offline,
            model_dir: self.model_dir.clone(),
        })
    }
}

/// How speaker stance is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceMethod {
    /// The trained classifier (default).
    #[default]
    Classifier,
    /// Zero-shot: encoder similarity to label prototypes (a baseline).
    Prototype,
    /// The generator scores label words (useful with larger hub models).
    Llm,
}

/// Settings for loading the engine's models; shared by every shell.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Model preset from the catalog ("default").
    pub preset: String,
    /// Cache root; `None` = `$PARLEY_HOME` or the platform cache dir.
    pub home: Option<PathBuf>,
    /// A directory holding model files by name, tried before the cache.
    pub model_dir: Option<PathBuf>,
    /// Never fetch: a missing model is an error.
    pub offline: bool,
    /// `auto`, `cpu`, `cuda`, `cuda:N`.
    pub device: String,
    /// CPU threads for model work; `None` = all cores.
    pub threads: Option<usize>,
    pub stance_method: StanceMethod,
    /// A stance artifact of `parley train stance` (config.json + model.safetensors) to use
    /// instead of the preset's classifier, e.g. one just trained. It is not in the catalog,
    /// so no digest is checked; its config's base fingerprint must match the encoder.
    pub stance_artifact: Option<PathBuf>,
    /// Show download progress bars.
    pub progress: bool,
    /// Longest accepted article, in characters.
    pub max_text_chars: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            preset: "default".into(),
            home: None,
            model_dir: None,
            offline: false,
            device: "auto".into(),
            threads: None,
            stance_method: StanceMethod::default(),
            stance_artifact: None,
            progress: false,
            max_text_chars: DEFAULT_MAX_TEXT_CHARS,
        }
    }
}

/// One loaded model, for `/v1/models` and reports.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModelInfo {
    pub role: String,
    pub id: String,
    pub architecture: String,
    pub device: String,
}

/// Owns the models and runs the pipeline.
pub struct Engine {
    config: EngineConfig,
    encoder: Arc<Encoder>,
    stance: Box<dyn StanceModel>,
    /// Loaded on first use: the default (extractive, classifier) path never needs it.
    generator: Arc<SharedGenerator>,
    models: Vec<ModelInfo>,
    /// role -> model id, copied into every report.
    model_names: BTreeMap<String, String>,
    /// Load-time caveats (a fallback model), copied into every report.
    warnings: Vec<String>,
}

impl Engine {
    /// Load (fetching if needed and allowed) the preset's models.
    ///
    /// # Errors
    /// `ModelUnavailable` when a model is missing offline or cannot be fetched,
    /// `Checksum` when a file fails verification, `Inference` when a model fails to load.
    pub fn load(config: &EngineConfig) -> Result<Engine> {
        device::set_threads(config.threads)?;
        let device = device::select_device(config.device.parse::<DeviceSpec>()?)?;
        device::log_device_info(&device);
        let preset = resolve_preset(config)?;
        let t = Instant::now();
        let enc = &preset.encoder;
        let encoder_files = EncoderFiles::of(enc)?;
        let encoder = Arc::new(Encoder::load(&encoder_files, &device)?.with_name(enc.id.clone()));
        let describe = device::describe(&device);
        let mut models = vec![ModelInfo {
            role: "encoder".into(),
            id: enc.id.clone(),
            architecture: enc.entry.architecture.clone(),
            device: describe.clone(),
        }];
        let mut warnings = Vec::new();
        if config.stance_artifact.is_some() && config.stance_method != StanceMethod::Classifier {
            return Err(Error::InvalidInput(
                "--stance-artifact is a trained classifier: it needs --stance-method classifier"
                    .into(),
            ));
        }
        let method = match (config.stance_method, &preset.classifier) {
            (StanceMethod::Classifier, None) if config.stance_artifact.is_none() => {
                let w = format!(
                    "preset {} has no trained stance classifier; stance comes from the zero-shot \
                     prototype baseline, which is much weaker",
                    config.preset
                );
                tracing::warn!("{w}");
                warnings.push(w);
                StanceMethod::Prototype
            }
            (m, _) => m,
        };
        let gen = &preset.generator;
        let generator = Arc::new(SharedGenerator::new(
            gen.id.clone(),
            gen.single_file()?,
            device.clone(),
        ));
        let stance: Box<dyn StanceModel> = match (method, &preset.classifier) {
            (StanceMethod::Classifier, _) if config.stance_artifact.is_some() => {
                let dir = config
                    .stance_artifact
                    .as_deref()
                    .expect("checked by the match guard");
                let clf = TrainedClassifier::load_with(&encoder_files, dir, &device)?;
                models.push(ModelInfo {
                    role: "classifier".into(),
                    id: format!("artifact:{}", dir.display()),
                    architecture: "bert-top-layers".into(),
                    device: describe.clone(),
                });
                Box::new(clf)
            }
            (StanceMethod::Classifier, Some(cls)) => {
                let weights = cls.path(crate::stance::classifier::ARTIFACT_WEIGHTS)?;
                let dir = weights
                    .parent()
                    .expect("a verified model file has a parent folder");
                models.push(ModelInfo {
                    role: "classifier".into(),
                    id: cls.id.clone(),
                    architecture: cls.entry.architecture.clone(),
                    device: describe.clone(),
                });
                match cls.entry.architecture.as_str() {
                    // parley's own artifact: top layers + head over the preset's encoder.
                    "bert-top-layers" => {
                        Box::new(TrainedClassifier::load_with(&encoder_files, dir, &device)?)
                    }
                    // A whole sequence-classification checkpoint trained elsewhere
                    // (stance or NLI labels), e.g. from the hub; its config.json says
                    // which network it is.
                    "bert"
                    | "deberta-v2"
                    | "roberta"
                    | "xlm-roberta"
                    | "sequence-classification" => {
                        Box::new(SequenceClassifier::load(dir, &device)?)
                    }
                    other => {
                        return Err(Error::ModelUnavailable(format!(
                            "classifier {} has architecture {other:?}; parley loads \
                             \"bert-top-layers\" (its own artifact) and sequence-classification \
                             checkpoints (\"bert\", \"deberta-v2\", \"roberta\", \"xlm-roberta\")",
                            cls.id
                        )))
                    }
                }
            }
            (StanceMethod::Llm, _) => {
                models.push(ModelInfo {
                    role: "classifier".into(),
                    id: format!("llm:{}", gen.id),
                    architecture: "label-word scoring".into(),
                    device: describe.clone(),
                });
                Box::new(LlmScorer::new(generator.clone()))
            }
            _ => {
                models.push(ModelInfo {
                    role: "classifier".into(),
                    id: format!("prototype:{}", enc.id),
                    architecture: "similarity".into(),
                    device: describe.clone(),
                });
                Box::new(PrototypeClassifier::new(encoder.clone()))
            }
        };
        models.push(ModelInfo {
            role: "generator".into(),
            id: gen.id.clone(),
            architecture: gen.entry.architecture.clone(),
            device: describe,
        });
        tracing::info!(ms = t.elapsed().as_millis() as u64, "models loaded");
        let model_names = models
            .iter()
            .map(|m| (m.role.clone(), m.id.clone()))
            .collect();
        Ok(Engine {
            config: config.clone(),
            encoder,
            stance,
            generator,
            models,
            model_names,
            warnings,
        })
    }

    /// Check a request before any model work.
    ///
    /// # Errors
    /// `InvalidInput` for empty or whitespace-only text, text over the size limit,
    /// or an empty target.
    pub fn validate(&self, req: &AnalyzeRequest) -> Result<()> {
        if req.text.trim().is_empty() {
            return Err(Error::InvalidInput("text is empty".into()));
        }
        let n = req.text.chars().count();
        if n > self.config.max_text_chars {
            return Err(Error::InvalidInput(format!(
                "text is {n} characters; the limit is {}",
                self.config.max_text_chars
            )));
        }
        if req.target.trim().is_empty() {
            return Err(Error::InvalidInput("target is empty".into()));
        }
        if req.target.chars().count() > MAX_TARGET_CHARS {
            return Err(Error::InvalidInput(format!(
                "target is longer than {MAX_TARGET_CHARS} characters"
            )));
        }
        Ok(())
    }

    /// Analyse one article.
    pub fn analyze(&self, req: &AnalyzeRequest) -> Result<Report> {
        self.analyze_batch(std::slice::from_ref(req))
            .pop()
            .expect("analyze_batch returns one result per request")
    }

    /// Analyse several articles, batching their model work together: the classifier sees
    /// every statement of every article in one call, and the encoder embeds every
    /// sentence of every article in one call. One result per request, in order; one bad
    /// article does not fail the others.
    pub fn analyze_batch(&self, reqs: &[AnalyzeRequest]) -> Vec<Result<Report>> {
        // Stage 1: text (pure) for every valid article.
        let mut docs: Vec<Result<Doc>> = reqs
            .iter()
            .map(|req| {
                self.validate(req)?;
                let t = Instant::now();
                let text = text::analyze_text(&req.text);
                let mut timings = BTreeMap::new();
                timings.insert("text".to_string(), ms(t));
                Ok(Doc {
                    text,
                    timings,
                    speakers: Vec::new(),
                })
            })
            .collect();

        // Stage 2: stance, one classifier call for all statements of all articles.
        if let Err(e) = self.score_stance(reqs, &mut docs) {
            return fail_all(reqs.len(), &e);
        }

        // Stage 3: summaries; sentence embeddings for every article in one encoder call.
        let t = Instant::now();
        let embedder = match self.precompute_embeddings(reqs, &docs) {
            Ok(c) => c,
            Err(e) => return fail_all(reqs.len(), &e),
        };
        let embed_ms = ms(t) / reqs.len().max(1) as f64;
        for doc in docs.iter_mut().flatten() {
            doc.timings.insert("embed".into(), embed_ms);
        }
        reqs.iter()
            .zip(docs)
            .map(|(req, doc)| {
                let doc = doc?;
                self.finish(req, doc, &embedder)
            })
            .collect()
    }

    fn score_stance(&self, reqs: &[AnalyzeRequest], docs: &mut [Result<Doc>]) -> Result<()> {
        let t = Instant::now();
        let mut contexts: Vec<Vec<String>> = Vec::new();
        for (req, doc) in reqs.iter().zip(docs.iter()) {
            let Ok(doc) = doc else {
                contexts.push(Vec::new());
                continue;
            };
            let mut c = Vec::new();
            for sp in &doc.text.speakers {
                for st in &sp.statements {
                    c.push(slice_chars(&req.text, st.context));
                }
            }
            contexts.push(c);
        }
        let mut inputs = Vec::new();
        for ((req, doc), ctx) in reqs.iter().zip(docs.iter()).zip(&contexts) {
            let Ok(doc) = doc else { continue };
            let mut k = 0;
            for sp in &doc.text.speakers {
                for st in &sp.statements {
                    inputs.push(StanceInput {
                        target: req.target.trim(),
                        speaker: &sp.name,
                        statement: &st.text,
                        context: Some(ctx[k].as_str()),
                    });
                    k += 1;
                }
            }
        }
        let mut probs = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(crate::stance::CLASSIFY_CHUNK) {
            probs.extend(self.stance.classify(chunk)?);
        }
        let per_doc_ms = ms(t) / reqs.len().max(1) as f64;
        let mut probs = probs.into_iter();
        for ((req, doc), ctx) in reqs.iter().zip(docs.iter_mut()).zip(&contexts) {
            let Ok(doc) = doc else { continue };
            let target = req.target.trim();
            let mut speakers = Vec::with_capacity(doc.text.speakers.len());
            // The statements' sentences, sliced once above, in the same order.
            let mut sentences = ctx.iter();
            for sp in &doc.text.speakers {
                let mut evidence = Vec::new();
                let mut statements = Vec::new();
                for st in &sp.statements {
                    let p = probs
                        .next()
                        .expect("the classifier returns one result per statement");
                    let ev = StatementEvidence {
                        probs: p,
                        direct: st.kind == StatementKind::Direct,
                        mentions_target: mentions_target(target, &st.text),
                        explicit: explicit_position(
                            target,
                            &st.text,
                            st.kind == StatementKind::Direct,
                        ),
                        hedged: hedge_or_condition(&st.text),
                        background: background_frame(
                            sentences
                                .next()
                                .expect("one sentence per statement, sliced above"),
                            &st.text,
                            &st.cue,
                        ),
                    };
                    evidence.push(ev);
                    statements.push(StatementReport {
                        text: st.text.clone(),
                        start: st.span.start,
                        end: st.span.end,
                        kind: st.kind,
                        cue: st.cue.clone(),
                        // The statement's own stance, by the same rules as a speaker's.
                        stance: aggregate(std::slice::from_ref(&ev)),
                    });
                }
                speakers.push(SpeakerReport {
                    name: sp.name.clone(),
                    kind: sp.kind,
                    role: sp.role.clone(),
                    mentions: sp.mentions.clone(),
                    stance: aggregate(&evidence),
                    statements,
                });
            }
            doc.speakers = speakers;
            doc.timings.insert("stance".into(), per_doc_ms);
        }
        Ok(())
    }

    /// Embed every sentence (and title) of every article in one batched encoder call.
    fn precompute_embeddings(
        &self,
        reqs: &[AnalyzeRequest],
        docs: &[Result<Doc>],
    ) -> Result<CachedEmbedder<'_>> {
        let mut texts: Vec<&str> = Vec::new();
        for (req, doc) in reqs.iter().zip(docs) {
            let Ok(doc) = doc else { continue };
            texts.extend(doc.text.sentences.iter().map(|s| s.text.as_str()));
            if let Some(t) = req.title.as_deref() {
                texts.push(t);
            }
        }
        CachedEmbedder::new(self.encoder.as_ref(), &texts)
    }

    fn finish(
        &self,
        req: &AnalyzeRequest,
        mut doc: Doc,
        embedder: &CachedEmbedder,
    ) -> Result<Report> {
        let t = Instant::now();
        let quoted: Vec<Span> = doc
            .text
            .speakers
            .iter()
            .flat_map(|s| s.statements.iter())
            .filter(|s| s.kind == StatementKind::Direct)
            .map(|s| s.span)
            .collect();
        // Without a title, a headline line that opens the text is the title.
        let title = req
            .title
            .clone()
            .or_else(|| summary::headline(&doc.text.sentences).map(|h| h.text.trim().to_string()));
        let input = SummaryInput {
            text: &req.text,
            title: title.as_deref(),
            sentences: &doc.text.sentences,
            quoted: &quoted,
            speakers: &doc.speakers,
            target: req.target.trim(),
        };
        let opts = SummaryOptions::default();
        let mut warnings = self.warnings.clone();
        let summary = match req.summary_mode {
            SummaryMode::Extractive => summary::extractive(&input, embedder, &opts)?,
            SummaryMode::Abstractive => {
                let mut gen = self.generator.lock()?;
                let mut chat = GeneratorChat(&mut gen);
                let out = summary::abstractive(&input, &mut chat, embedder, &opts)?;
                warnings.extend(out.warnings);
                out.summary
            }
        };
        doc.timings.insert("summary".into(), ms(t));
        Ok(Report {
            id: req.id.clone(),
            target: req.target.trim().to_string(),
            title,
            summary,
            speakers: doc.speakers,
            warnings,
            models: self.model_names.clone(),
            timings_ms: doc.timings,
        })
    }

    /// Only the summary (still finds speakers: the summary's stance line needs them).
    pub fn summarize(&self, req: &AnalyzeRequest) -> Result<Summary> {
        Ok(self.analyze(req)?.summary)
    }

    /// Only the speakers and their stance.
    pub fn stance(&self, req: &AnalyzeRequest) -> Result<Vec<SpeakerReport>> {
        Ok(self.analyze(req)?.speakers)
    }

    /// Run one small analysis end to end so the first real request is not slow and a
    /// broken model shows up before the server reports ready.
    pub fn warm_up(&self) -> Result<()> {
        self.analyze(&AnalyzeRequest::new(
            "The mayor said the bridge would reopen on Monday. \"We are ready,\" she said.",
        ))
        .map(|_| ())
    }

    /// The loaded models.
    pub fn models(&self) -> Vec<ModelInfo> {
        self.models.clone()
    }

    /// The configuration the engine was loaded with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The encoder, for benchmarks and tools that embed directly.
    pub fn encoder(&self) -> &Arc<Encoder> {
        &self.encoder
    }

    /// The stance classifier in use.
    pub fn stance_model(&self) -> &dyn StanceModel {
        self.stance.as_ref()
    }
}

/// Per-article state between stages.
struct Doc {
    text: TextAnalysis,
    timings: BTreeMap<String, f64>,
    speakers: Vec<SpeakerReport>,
}

/// Longest accepted target, in characters.
const MAX_TARGET_CHARS: usize = 200;

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

fn fail_all(n: usize, e: &Error) -> Vec<Result<Report>> {
    (0..n)
        .map(|_| Err(Error::Inference(e.to_string())))
        .collect()
}

fn slice_chars(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end.saturating_sub(span.start))
        .collect()
}

/// Serves embeddings computed up front in one batch; anything else goes to the encoder.
struct CachedEmbedder<'a> {
    encoder: &'a Encoder,
    cache: HashMap<String, Vec<f32>>,
}

impl<'a> CachedEmbedder<'a> {
    fn new(encoder: &'a Encoder, texts: &[&str]) -> Result<Self> {
        let mut unique: Vec<&str> = texts.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let vecs = if unique.is_empty() {
            Vec::new()
        } else {
            encoder.embed(&unique)?
        };
        Ok(CachedEmbedder {
            encoder,
            cache: unique.into_iter().map(String::from).zip(vecs).collect(),
        })
    }
}

impl Embedder for CachedEmbedder<'_> {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !self.cache.contains_key(*t))
            .collect();
        let fresh = if missing.is_empty() {
            Vec::new()
        } else {
            self.encoder.embed(&missing)?
        };
        let fresh: HashMap<&str, Vec<f32>> = missing.into_iter().zip(fresh).collect();
        Ok(texts
            .iter()
            .map(|t| {
                self.cache
                    .get(*t)
                    .or_else(|| fresh.get(t))
                    .cloned()
                    .expect("every text is cached or freshly embedded")
            })
            .collect())
    }

    fn name(&self) -> &str {
        self.encoder.name()
    }
}

/// The generator as the summariser's chat model (greedy).
struct GeneratorChat<'a>(&'a mut Generator);

impl ChatModel for GeneratorChat<'_> {
    fn context_length(&self) -> usize {
        self.0.context_length()
    }

    fn prompt_tokens(&self, system: Option<&str>, user: &str) -> Result<usize> {
        let prompt = self.0.chat_prompt(system, user)?;
        Ok(self.0.tokenize(&prompt)?.len())
    }

    fn reply(&mut self, system: Option<&str>, user: &str, max_new_tokens: usize) -> Result<String> {
        let opts = GenerateOptions {
            max_tokens: max_new_tokens,
            temperature: 0.0,
            ..GenerateOptions::default()
        };
        Ok(self.0.chat(system, user, &opts, &mut |_| true)?.text)
    }
}
