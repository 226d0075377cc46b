//! Stance scores on labelled statements (`parley eval --statements`): whichever stance
//! model the engine loaded (the shipped classifier, a checkpoint from the hub, the
//! zero-shot or LLM scorer) on JSON Lines in the `data/stance` schema. Scores over all,
//! per file and per tag, with the statements it got wrong, so a model can be compared on
//! the validation split it was never trained on or on a set written after it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::stance::data::{
    flip_target_with, is_validation, load_path, Example, Metrics, VALIDATION_PERCENT,
};
use crate::stance::train::{evaluate_examples, Evaluation, ExampleError, FileScore};
use crate::stance::StanceModel;
use crate::{Error, Result};

/// Which statements of the data to score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Every statement.
    All,
    /// Only the held-out validation statements (by statement hash, as in training).
    Validation,
    /// Only the statements training learns from.
    Train,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::All => "all",
            Split::Validation => "validation",
            Split::Train => "train",
        }
    }
}

/// How a model did on the statements carrying one tag.
#[derive(Debug, Clone, Serialize)]
pub struct TagScore {
    pub tag: String,
    pub n: usize,
    pub correct: usize,
}

/// Scores of one model on labelled statements.
#[derive(Debug, Clone, Serialize)]
pub struct StatementsReport {
    pub model: String,
    pub path: String,
    pub split: Split,
    /// The phrase every target was reversed with (`--reverse-targets`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reversed_with: Option<String>,
    pub metrics: Metrics,
    pub by_file: Vec<FileScore>,
    /// Per tag, most frequent first.
    pub by_tag: Vec<TagScore>,
    pub errors: Vec<ExampleError>,
}

/// Load the statements at `path` (a `*.jsonl` file or a directory of them), keep the
/// `split`, classify and score them. With `reverse`, every statement is scored toward the
/// reversed target instead ("an end to the truce" for "the truce", favor and against
/// swapped; see [`flip_target_with`]): a model that reads the target scores about the
/// same both ways, one that reads only the statement's tone falls far below chance.
///
/// # Errors
/// `InvalidInput` for a missing or malformed file, an empty phrase, or when the split
/// leaves nothing to score; the model's own errors otherwise.
pub fn evaluate(
    model: &dyn StanceModel,
    path: &Path,
    split: Split,
    reverse: Option<&str>,
) -> Result<StatementsReport> {
    if !path.exists() {
        return Err(Error::InvalidInput(format!(
            "no such file or directory: {}",
            path.display()
        )));
    }
    let mut all = load_path(path)?;
    if let Some(phrase) = reverse {
        if phrase.trim().is_empty() {
            return Err(Error::InvalidInput(
                "--reverse-targets needs a phrase, e.g. \"an end to\"".into(),
            ));
        }
        // The split is by statement text, which the reversal keeps.
        all = all.iter().map(|e| flip_target_with(e, phrase)).collect();
    }
    let kept: Vec<&Example> = all
        .iter()
        .filter(|e| match split {
            Split::All => true,
            Split::Validation => is_validation(e, VALIDATION_PERCENT),
            Split::Train => !is_validation(e, VALIDATION_PERCENT),
        })
        .collect();
    if kept.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no statements to score in {} (split {})",
            path.display(),
            split.as_str()
        )));
    }
    let Evaluation {
        metrics,
        by_file,
        errors,
    } = evaluate_examples(model, &kept)?;
    Ok(StatementsReport {
        model: model.name().to_string(),
        path: path.display().to_string(),
        split,
        reversed_with: reverse.map(|p| p.trim().to_string()),
        metrics,
        by_file,
        by_tag: tag_scores(&kept, &errors),
        errors,
    })
}

/// Per tag: how many statements carry it and how many of those the model got right.
fn tag_scores(examples: &[&Example], errors: &[ExampleError]) -> Vec<TagScore> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for e in examples {
        for t in &e.tags {
            counts.entry(t).or_default().0 += 1;
        }
    }
    for e in errors {
        for t in &e.tags {
            counts.entry(t).or_default().1 += 1;
        }
    }
    let mut out: Vec<TagScore> = counts
        .into_iter()
        .map(|(tag, (n, wrong))| TagScore {
            tag: tag.to_string(),
            n,
            correct: n - wrong.min(n),
        })
        .collect();
    out.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.tag.cmp(&b.tag)));
    out
}

/// The report as text: the scores with the confusion matrix, per file, the tags seen at
/// least five times, and the errors.
pub fn render(r: &StatementsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "stance model {} on {} (split {}{})",
        r.model,
        r.path,
        r.split.as_str(),
        r.reversed_with
            .as_deref()
            .map(|p| format!(", targets reversed with \"{p}\""))
            .unwrap_or_default()
    );
    let _ = write!(out, "{}", r.metrics);
    if r.by_file.len() > 1 {
        let _ = writeln!(out, "per file:");
        for f in &r.by_file {
            let _ = writeln!(
                out,
                "  {}: macro-F1 {:.3}, accuracy {:.3} (n={})",
                f.file, f.metrics.macro_f1, f.metrics.accuracy, f.metrics.n
            );
        }
    }
    let frequent: Vec<&TagScore> = r.by_tag.iter().filter(|t| t.n >= 5).collect();
    if !frequent.is_empty() {
        let _ = writeln!(out, "per tag (n >= 5): right / n");
        for t in frequent {
            let _ = writeln!(out, "  {:<28} {:>4} / {:<4}", t.tag, t.correct, t.n);
        }
    }
    if !r.errors.is_empty() {
        let _ = writeln!(out, "wrong ({}):", r.errors.len());
        for e in &r.errors {
            let p = e.probabilities;
            let _ = writeln!(
                out,
                "  gold {} predicted {} (f/a/n {:.2}/{:.2}/{:.2}) [{}] {}: {}",
                e.gold.as_str(),
                e.predicted.as_str(),
                p.favor,
                p.against,
                p.neutral,
                e.target,
                e.speaker,
                e.statement
            );
        }
    }
    out
}
