//! # parley
//!
//! Reads a news article and tells a reader what happened and who stands where: a short
//! faithful summary, every speaker whose words are quoted or reported, and each speaker's
//! stance toward a target ("a ceasefire" by default), with the sentences that show it.
//!
//! ## Layout: the source tree follows the data flow
//!
//! - [`text`]: pure text processing, no models. Raw text → normalised text with a map back
//!   to original offsets → paragraphs and sentences → direct quotes and reported speech →
//!   mentions → speakers with their statements.
//! - [`stance`]: statements → per-statement probabilities (a trained classifier on the
//!   encoder) → per-speaker stance.
//! - [`summary`]: sentences + speakers → an extractive (or checked abstractive) summary.
//! - [`report`]: the serialisable result, shared by every shell.
//! - [`model`]: the only home of candle, tokenizers and hf-hub: the model catalog, sources
//!   and cache, device selection, and the runtimes (encoder, generator).
//! - [`engine`]: runs the stages in order; the one entry point for every shell.
//! - Shells: [`cli`] (the `parley` binary), [`server`] (HTTP), [`batch`] (archives).
//! - [`eval`]: scoring against the annotated corpus (speaker matching, P/R/F1).
//! - [`error`]: one error enum, variants named by cause.

pub mod batch;
pub mod bench;
pub mod cli;
pub mod engine;
pub mod error;
pub mod eval;
pub mod model;
pub mod report;
pub mod server;
pub mod stance;
pub mod summary;
pub mod text;

pub use engine::{AnalyzeRequest, Engine, EngineConfig, StanceMethod};
pub use error::{Error, Result};
pub use report::Report;
