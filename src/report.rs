//! The report: what parley hands back for one article, identical in the CLI's
//! `--format json`, the HTTP body and each batch row.
//!
//! Offsets (`start`, `end`) are Unicode scalar value (character) offsets into the
//! original input text, end exclusive: `text.chars().skip(start).take(end - start)`
//! equals the quoted text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A span of the original text, in character offsets, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The full analysis of one article.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// Echoed from the request when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The stance target the speakers were scored against.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub summary: Summary,
    pub speakers: Vec<SpeakerReport>,
    /// Anything the reader should know: text that was cut, a model fallback, ...
    pub warnings: Vec<String>,
    /// Which model did which job (role -> model name).
    pub models: BTreeMap<String, String>,
    /// Wall time per stage, in milliseconds.
    pub timings_ms: BTreeMap<String, f64>,
}

/// How the summary was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum SummaryMode {
    /// Source sentences picked and ordered by salience (the default; faithful by construction).
    #[default]
    Extractive,
    /// Written by the generator, every sentence checked against the source.
    Abstractive,
}

impl std::str::FromStr for SummaryMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "extractive" => Ok(SummaryMode::Extractive),
            "abstractive" => Ok(SummaryMode::Abstractive),
            other => Err(format!(
                "unknown summary mode {other:?} (expected \"extractive\" or \"abstractive\")"
            )),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    pub text: String,
    pub mode: SummaryMode,
    pub sentences: Vec<SummarySentence>,
}

/// Where a summary sentence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Copied from the article.
    Extracted,
    /// Written by the generator and verified against `support`.
    Generated,
    /// Built from the speaker results by a fixed template.
    Template,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SummarySentence {
    pub text: String,
    pub origin: Origin,
    /// The source spans that support this sentence.
    pub support: Vec<Span>,
}

/// What sort of voice a speaker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    Person,
    Organization,
    Anonymous,
    Group,
}

/// One speaker with their stance and the statements that show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SpeakerReport {
    pub name: String,
    pub kind: SpeakerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub mentions: Vec<Mention>,
    pub stance: Stance,
    pub statements: Vec<StatementReport>,
}

/// A surface form in the text that refers to a speaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Mention {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Quoted words or reported speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    Direct,
    Reported,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatementReport {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub kind: StatementKind,
    /// The attribution verb or phrase ("said", "according to", "wrote").
    pub cue: String,
    pub stance: Stance,
}

/// favor / against / neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StanceLabel {
    Favor,
    Against,
    Neutral,
}

impl StanceLabel {
    pub const ALL: [StanceLabel; 3] = [
        StanceLabel::Favor,
        StanceLabel::Against,
        StanceLabel::Neutral,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StanceLabel::Favor => "favor",
            StanceLabel::Against => "against",
            StanceLabel::Neutral => "neutral",
        }
    }
}

impl std::str::FromStr for StanceLabel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "favor" => Ok(StanceLabel::Favor),
            "against" => Ok(StanceLabel::Against),
            "neutral" => Ok(StanceLabel::Neutral),
            other => Err(format!("unknown stance label {other:?}")),
        }
    }
}

/// Class probabilities; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema, Default)]
pub struct Probabilities {
    pub favor: f32,
    pub against: f32,
    pub neutral: f32,
}

impl Probabilities {
    pub fn get(&self, label: StanceLabel) -> f32 {
        match label {
            StanceLabel::Favor => self.favor,
            StanceLabel::Against => self.against,
            StanceLabel::Neutral => self.neutral,
        }
    }
    /// The most probable label.
    pub fn argmax(&self) -> StanceLabel {
        let mut best = StanceLabel::Neutral;
        for l in StanceLabel::ALL {
            if self.get(l) > self.get(best) {
                best = l;
            }
        }
        best
    }
}

/// A stance judgement: label, signed score in [-1, 1] (favor positive), confidence in [0, 1],
/// and strength by the corpus conventions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Stance {
    pub label: StanceLabel,
    /// How far the evidence leans, favor positive: the model's probabilities, pulled toward
    /// zero by hedges and conditions.
    pub score: f32,
    pub confidence: f32,
    /// 2 = a clear position, 1 = a qualified one (conditional, hedged, reluctant). Neutral
    /// is always 2, as in the corpus conventions.
    #[serde(default = "clear_strength")]
    pub strength: u8,
    pub probabilities: Probabilities,
}

/// The strength of a stance written without one (older reports): clear.
pub(crate) fn clear_strength() -> u8 {
    2
}

impl Stance {
    /// The stance implied by a probability triple.
    pub fn from_probabilities(p: Probabilities) -> Self {
        let label = p.argmax();
        Stance {
            label,
            score: (p.favor - p.against).clamp(-1.0, 1.0),
            confidence: p.get(label),
            strength: 2,
            probabilities: p,
        }
    }
}
