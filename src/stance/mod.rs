//! Stance: statements → probabilities → per-speaker stance.
//!
//! ## Layout
//!
//! - [`StanceModel`]: the one trait the engine calls, batched: a statement with its target
//!   and speaker in, favor/against/neutral probabilities out.
//! - [`classifier`]: the implementations on the encoder. [`TrainedClassifier`] (the
//!   default) is the registry MiniLM base with the fine-tuned top layers and head of
//!   `models/stance/` laid over it; [`SequenceClassifier`] loads a BERT
//!   sequence-classification checkpoint trained elsewhere (stance or NLI labels).
//! - [`prototype`]: [`PrototypeClassifier`], the zero-shot baseline (embedding similarity
//!   to label prototype sentences), kept as a measured reference point.
//! - [`llm`]: [`LlmScorer`], label words scored as continuations by the generator, with
//!   contextual calibration (`--stance-method llm`; for larger hub generators).
//! - [`aggregate`]: per-statement probabilities → one [`Stance`](crate::report::Stance)
//!   per speaker, plus the hedge and target-mention cues it weighs.
//! - [`data`]: the labelled statements, the validation split, the input encoding shared
//!   by training and inference, the dev-corpus reader and the scores.
//! - [`train`]: fine-tuning the top encoder layers + head (`parley train stance`).
//! - [`soup`]: averaging separately trained runs of one recipe into one artifact
//!   (`parley train soup`).

pub mod aggregate;
pub mod classifier;
pub mod data;
pub mod llm;
pub mod prototype;
pub mod soup;
pub mod train;

pub use aggregate::{
    aggregate, background_frame, explicit_position, hedge_or_condition, mentions_target,
    StatementEvidence,
};
pub use classifier::{SequenceClassifier, TrainedClassifier};
pub use llm::LlmScorer;
pub use prototype::PrototypeClassifier;

/// One statement to classify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StanceInput<'a> {
    /// What the stance is about ("a ceasefire").
    pub target: &'a str,
    /// The speaker's canonical name.
    pub speaker: &'a str,
    /// The quoted or reported words.
    pub statement: &'a str,
    /// The sentence(s) the statement sits in, with its attribution, when known.
    pub context: Option<&'a str>,
}

/// Statements per [`StanceModel::classify`] call: callers with more (the engine over a
/// batch of articles, evaluation over a data file) split them, so no model is handed an
/// unbounded batch, whatever batching it does inside.
pub const CLASSIFY_CHUNK: usize = 64;

/// A per-statement stance classifier.
pub trait StanceModel: Send + Sync {
    /// Probabilities for each input, in order. Batched: callers pass all statements of an
    /// article at once.
    fn classify(
        &self,
        inputs: &[StanceInput<'_>],
    ) -> crate::Result<Vec<crate::report::Probabilities>>;
    /// The model's name, for the report.
    fn name(&self) -> &str;
}
