//! Stance from a generator: the model reads the statement and we score the label words
//! as whole continuations of its answer, with contextual calibration.
//!
//! For each statement the chat prompt asks whether the speaker is for, against or neutral
//! on the target; every verbaliser of a label ("favor", "support" / "against", "oppose" /
//! "neutral") is scored as a complete multi-token continuation (its summed token
//! log-probabilities), and a label's score is the log-sum-exp of its verbalisers. Small
//! models prefer some label words whatever the input, so the probabilities are divided by
//! those the model gives to content-free statements ("N/A", an empty quote) and
//! renormalised (contextual calibration, Zhao et al. 2021).
//!
//! Measured on the dev corpus this is far weaker than the trained classifier with the
//! small models obtainable here; it exists for larger generators (hub presets) and is
//! never the default.

use std::sync::{Arc, Mutex};

use super::{StanceInput, StanceModel};
use crate::model::generator::{Generator, SharedGenerator};
use crate::report::Probabilities;
use crate::Result;

/// Words that answer for each label, in favor / against / neutral order.
const VERBALISERS: [&[&str]; 3] = [&["favor", "support"], &["against", "oppose"], &["neutral"]];

/// Content-free statements for the calibration.
const CONTENT_FREE: [&str; 3] = ["N/A", "\"\"", "[statement]"];

const SYSTEM: &str = "You label the stance of a speaker toward a target. Answer with one word: \
                      favor, against or neutral.";

/// Longest statement (characters) put in a prompt; longer context is cut at a word.
const MAX_STATEMENT_CHARS: usize = 1200;

/// Label-word stance scoring with a generator.
pub struct LlmScorer {
    generator: Arc<SharedGenerator>,
    name: String,
    /// Mean probabilities on content-free inputs, per target (computed on first use).
    calibration: Mutex<Vec<(String, [f32; 3])>>,
}

impl LlmScorer {
    /// A scorer over a shared generator (loaded on first use).
    pub fn new(generator: Arc<SharedGenerator>) -> Self {
        LlmScorer {
            name: format!("llm:{}", generator.id()),
            generator,
            calibration: Mutex::new(Vec::new()),
        }
    }

    fn calibration(&self, gen: &mut Generator, target: &str) -> Result<[f32; 3]> {
        let cache = &self.calibration;
        if let Some((_, c)) = cache
            .lock()
            .ok()
            .and_then(|c| c.iter().find(|(t, _)| t == target).cloned())
        {
            return Ok(c);
        }
        let mut mean = [0.0f32; 3];
        for cf in CONTENT_FREE {
            let p = label_probs(gen, target, "the speaker", cf)?;
            for (m, x) in mean.iter_mut().zip(p) {
                *m += x / CONTENT_FREE.len() as f32;
            }
        }
        if let Ok(mut c) = cache.lock() {
            c.push((target.to_string(), mean));
        }
        Ok(mean)
    }
}

/// The user message for one statement.
pub fn prompt(target: &str, speaker: &str, statement: &str) -> String {
    format!(
        "Target: {target}\nSpeaker: {speaker}\nStatement: {statement}\n\nIs {speaker} in favor \
         of {target}, against it, or neutral? Answer favor, against or neutral."
    )
}

/// Uncalibrated label probabilities for one statement.
fn label_probs(
    gen: &mut Generator,
    target: &str,
    speaker: &str,
    statement: &str,
) -> Result<[f32; 3]> {
    let prompt = gen.chat_prompt(Some(SYSTEM), &prompt(target, speaker, statement))?;
    let words: Vec<&str> = VERBALISERS.iter().flat_map(|v| v.iter().copied()).collect();
    let scores = gen.score_continuations(&prompt, &words)?;
    let mut logits = [f32::NEG_INFINITY; 3];
    let mut k = 0;
    for (label, verbalisers) in VERBALISERS.iter().enumerate() {
        let lse = log_sum_exp(&scores[k..k + verbalisers.len()]);
        logits[label] = lse;
        k += verbalisers.len();
    }
    Ok(softmax(logits))
}

fn log_sum_exp(xs: &[f32]) -> f32 {
    let m = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f32>().ln()
}

fn softmax(logits: [f32; 3]) -> [f32; 3] {
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = logits.map(|x| (x - m).exp());
    let z: f32 = e.iter().sum();
    e.map(|x| x / z)
}

/// Divide by the content-free probabilities and renormalise.
fn calibrate(p: [f32; 3], cf: [f32; 3]) -> [f32; 3] {
    let q: [f32; 3] = std::array::from_fn(|i| p[i] / cf[i].max(1e-6));
    let z: f32 = q.iter().sum();
    if z > 0.0 && z.is_finite() {
        q.map(|x| x / z)
    } else {
        p
    }
}

/// Cut to at most `max` characters, at a word boundary.
fn clip(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        None => s,
        Some((end, _)) => {
            let cut = &s[..end];
            cut.rfind(char::is_whitespace).map_or(cut, |i| &cut[..i])
        }
    }
}

impl StanceModel for LlmScorer {
    fn classify(&self, inputs: &[StanceInput<'_>]) -> Result<Vec<Probabilities>> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let mut gen = self.generator.lock()?;
        inputs
            .iter()
            .map(|input| {
                let cf = self.calibration(&mut gen, input.target)?;
                let text = clip(
                    input.context.unwrap_or(input.statement),
                    MAX_STATEMENT_CHARS,
                );
                let p = calibrate(
                    label_probs(&mut gen, input.target, input.speaker, text)?,
                    cf,
                );
                Ok(Probabilities {
                    favor: p[0],
                    against: p[1],
                    neutral: p[2],
                })
            })
            .collect()
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_removes_a_constant_preference() {
        // A model that always prefers "favor" 2:1:1 gives uniform content-free odds of that
        // shape; a statement with the same odds calibrates to uniform.
        let cf = [0.5, 0.25, 0.25];
        let p = calibrate(cf, cf);
        assert!(p.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-6), "{p:?}");
        // A statement that moves toward "against" ends up against.
        let p = calibrate([0.4, 0.4, 0.2], cf);
        assert!(p[1] > p[0] && p[1] > p[2], "{p:?}");
    }

    #[test]
    fn log_sum_exp_and_softmax() {
        assert!((log_sum_exp(&[0.0, 0.0]) - 2f32.ln()).abs() < 1e-6);
        assert_eq!(log_sum_exp(&[f32::NEG_INFINITY]), f32::NEG_INFINITY);
        let p = softmax([0.0, 0.0, f32::NEG_INFINITY]);
        assert_eq!(p, [0.5, 0.5, 0.0]);
    }

    #[test]
    fn clip_cuts_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("one two three", 9), "one two");
        assert_eq!(clip("ééé ééé", 5), "ééé");
    }
}
