//! The engine: runs the stages in order (text → speakers → stance → summary → report).
//! The one entry point for the CLI, the HTTP server and the batch runner: they parse
//! input, call [`Engine::analyze`] / [`Engine::analyze_batch`], and render the [`Report`].
//!
//! An `Engine` is `Send + Sync` and meant to be shared (`Arc<Engine>`): the encoder and
//! the classifier are read-only, the generator (which keeps a KV cache) sits behind a mutex.
//! All methods are blocking (model work): async shells call them from `spawn_blocking`
//! or a dedicated worker thread.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::report::{Report, SpeakerReport, Summary, SummaryMode};
use crate::{Error, Result};

/// The default stance target.
pub const DEFAULT_TARGET: &str = "a ceasefire";

/// Longest article accepted, in characters. Longer input is an `InvalidInput` error,
/// never silently truncated.
pub const DEFAULT_MAX_TEXT_CHARS: usize = 200_000;

/// One article to analyse.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
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
}

impl Engine {
    /// Load (fetching if needed and allowed) the preset's models.
    ///
    /// # Errors
    /// `ModelUnavailable` when a model is missing offline or cannot be fetched,
    /// `Checksum` when a file fails verification, `Inference` when a model fails to load.
    pub fn load(config: &EngineConfig) -> Result<Engine> {
        Ok(Engine {
            config: config.clone(),
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
        Ok(())
    }

    /// Analyse one article.
    pub fn analyze(&self, req: &AnalyzeRequest) -> Result<Report> {
        self.analyze_batch(std::slice::from_ref(req))
            .pop()
            .expect("analyze_batch returns one result per request")
    }

    /// Analyse several articles, batching their model work together (encoder and
    /// classifier calls from all articles share forward passes). One result per
    /// request, in order; one bad article does not fail the others.
    pub fn analyze_batch(&self, reqs: &[AnalyzeRequest]) -> Vec<Result<Report>> {
        reqs.iter()
            .map(|r| {
                self.validate(r)?;
                Err(Error::ModelUnavailable("engine not wired yet".into()))
            })
            .collect()
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
        Vec::new()
    }

    /// The configuration the engine was loaded with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }
}
