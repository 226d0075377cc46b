//! Summaries: extractive by default, abstractive with a faithfulness check.
//!
//! - [`extractive`]: whole source sentences picked by salience (encoder), a lead prior,
//!   quote awareness and redundancy (MMR), in document order, within a word budget.
//!   Faithful by construction.
//! - [`abstractive`]: the generator writes 2-3 sentences (chunking long articles); the
//!   [`check`] module verifies every sentence (names and numbers must occur in the
//!   article, the sentence must be close to a source sentence) and replaces failures by
//!   the closest source sentence.
//! - [`stance_line`]: one template sentence saying who stands where on the target,
//!   appended to either mode.
//!
//! Every [`SummarySentence`] carries the source spans that support it.

pub mod abstractive;
pub mod check;
pub mod extractive;
pub mod template;

pub use abstractive::{AbstractiveOutcome, ChatModel, CheckStats};
pub use template::stance_line;

use crate::model::Embedder;
use crate::report::{Span, SpeakerReport, Summary, SummaryMode, SummarySentence};
use crate::text::Sentence;
use crate::Result;

pub use crate::text::headline;

/// What the summariser reads: the article and the results of the text and stance stages.
#[derive(Debug, Clone, Copy)]
pub struct SummaryInput<'a> {
    /// The original article.
    pub text: &'a str,
    pub title: Option<&'a str>,
    /// The article's sentences, with character spans into `text` and paragraph indices.
    pub sentences: &'a [Sentence],
    /// Spans of direct quotes (a sentence that is mostly quote is down-weighted).
    pub quoted: &'a [Span],
    /// Speakers with their stance, for the stance line.
    pub speakers: &'a [SpeakerReport],
    /// The stance target ("a ceasefire").
    pub target: &'a str,
}

/// Knobs for both modes.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryOptions {
    /// Word budget for the extracted or generated sentences (the stance line is extra).
    pub max_words: usize,
    /// Most extracted sentences.
    pub max_sentences: usize,
    /// Append the stance line when some speaker takes a side.
    pub stance_line: bool,
    /// Most new tokens per generator call (abstractive).
    pub max_new_tokens: usize,
    /// How the extractive mode scores sentences.
    pub weights: extractive::Weights,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            max_words: 75,
            max_sentences: 5,
            stance_line: true,
            max_new_tokens: 160,
            weights: extractive::Weights::default(),
        }
    }
}

/// Words as a reader counts them (whitespace-separated).
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The extractive summary (default mode): source sentences plus the stance line.
///
/// # Errors
/// `InvalidInput` when there are no sentences; `Inference` when the embedder fails.
pub fn extractive(
    input: &SummaryInput,
    embedder: &dyn Embedder,
    opts: &SummaryOptions,
) -> Result<Summary> {
    let sentences = extractive::extract(input, embedder, opts)?;
    Ok(assemble(sentences, SummaryMode::Extractive, input, opts))
}

/// The abstractive summary: generated sentences that passed the check (failures replaced
/// by the closest source sentence), plus the stance line. Warnings (chunking, fallbacks)
/// come back alongside, never silently.
///
/// # Errors
/// `InvalidInput` when there are no sentences; `Inference` when a model fails.
pub fn abstractive(
    input: &SummaryInput,
    generator: &mut dyn ChatModel,
    embedder: &dyn Embedder,
    opts: &SummaryOptions,
) -> Result<AbstractiveOutcome> {
    abstractive::summarize(input, generator, embedder, opts)
}

/// Join sentences into a [`Summary`], appending the stance line when asked for.
fn assemble(
    mut sentences: Vec<SummarySentence>,
    mode: SummaryMode,
    input: &SummaryInput,
    opts: &SummaryOptions,
) -> Summary {
    if opts.stance_line {
        if let Some(line) = stance_line(input.speakers, input.target) {
            sentences.push(line);
        }
    }
    let text = sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Summary {
        text,
        mode,
        sentences,
    }
}
