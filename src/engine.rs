//! The engine: runs the stages in order (text → speakers → stance → summary → report).
//! The one entry point for the CLI, the HTTP server and the batch runner.

use serde::{Deserialize, Serialize};

use crate::report::SummaryMode;

/// The default stance target.
pub const DEFAULT_TARGET: &str = "a ceasefire";

/// One article to analyse.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnalyzeRequest {
    pub text: String,
    #[serde(default = "default_target")]
    pub target: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub summary_mode: SummaryMode,
}

fn default_target() -> String {
    DEFAULT_TARGET.to_string()
}

/// Settings for loading the engine's models.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {}

/// Owns the models and runs the pipeline.
pub struct Engine {}
