//! Stance data: the labelled training statements (`data/stance/*.jsonl`), the fixed
//! validation split, the one input encoding shared by training and inference, the
//! dev-corpus reader used for measurement, and the scores (macro-F1, confusion matrix).
//!
//! Everything here is pure (no models) so training and the classifier cannot drift apart:
//! both call [`InputFormat::encode`] to turn a [`StanceInput`] into the sentence pair the
//! encoder sees.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::report::StanceLabel;
use crate::stance::StanceInput;
use crate::{Error, Result};

/// One labelled training statement, one line of a `*.jsonl` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// What the stance is about ("the truce").
    pub target: String,
    /// The speaker as written in the statement.
    pub speaker: String,
    /// 1-3 sentences including the attribution.
    pub statement: String,
    pub label: StanceLabel,
    /// 2 = clear, 1 = qualified (conditional, hedged, reluctant). Neutral is always 2.
    #[serde(default = "default_strength")]
    pub strength: u8,
    /// Hard phenomena present (negation, conditional, sarcasm, ...), for error analysis.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The file the example was read from (its name only), for per-file scores.
    #[serde(skip)]
    pub source: String,
}

fn default_strength() -> u8 {
    2
}

impl Example {
    /// The example as classifier input (no separate context: the statement carries its
    /// own attribution).
    pub fn input(&self) -> StanceInput<'_> {
        StanceInput {
            target: &self.target,
            speaker: &self.speaker,
            statement: &self.statement,
            context: None,
        }
    }
}

/// The `*.jsonl` files of a data directory, sorted by name so every run reads them in the
/// same order.
pub fn data_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::io(
            format!("reading stance data directory {}", dir.display()),
            e,
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no *.jsonl stance data in {}",
            dir.display()
        )));
    }
    Ok(files)
}

/// Read every example of a data directory. A malformed line is an error naming the file
/// and line, never a silent skip: a dropped example would change the model unnoticed.
pub fn load_examples(dir: &Path) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for file in data_files(dir)? {
        out.extend(load_file(&file)?);
    }
    Ok(out)
}

/// Read the examples of one `*.jsonl` file, by the rules of [`load_examples`].
pub fn load_file(file: &Path) -> Result<Vec<Example>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
    let source = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", file.display(), i + 1);
        let mut ex: Example = serde_json::from_str(line)
            .map_err(|e| Error::InvalidInput(format!("{}: bad stance example: {e}", at())))?;
        if ex.target.trim().is_empty() || ex.statement.trim().is_empty() {
            return Err(Error::InvalidInput(format!(
                "{}: empty target or statement",
                at()
            )));
        }
        if !(1..=2).contains(&ex.strength) {
            return Err(Error::InvalidInput(format!(
                "{}: strength must be 1 or 2, got {}",
                at(),
                ex.strength
            )));
        }
        ex.source.clone_from(&source);
        out.push(ex);
    }
    Ok(out)
}

/// The examples at `path`: one `*.jsonl` file, or every such file of a directory.
pub fn load_path(path: &Path) -> Result<Vec<Example>> {
    if path.is_dir() {
        load_examples(path)
    } else {
        load_file(path)
    }
}

/// sha256 over the data files (name and bytes, in sorted order): recorded in the artifact
/// so a model can be traced to the exact data it saw.
pub fn data_hash(dir: &Path) -> Result<String> {
    let mut h = Sha256::new();
    for file in data_files(dir)? {
        let bytes = std::fs::read(&file)
            .map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        h.update(name.as_bytes());
        h.update([0u8]);
        h.update(&bytes);
    }
    Ok(hex::encode(h.finalize()))
}

/// FNV-1a, 64 bit: a hash that is stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so the validation split never moves.
fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The percent of statements in the validation split, by statement hash (see
/// [`is_validation`]): the trainer's default, so `parley eval --statements --split
/// validation` scores the same statements the shipped artifact was measured on.
pub const VALIDATION_PERCENT: u32 = 10;

/// Whether an example belongs to the validation split: a fixed hash of the statement
/// text, so the split is the same for every seed and does not depend on file order.
pub fn is_validation(ex: &Example, percent: u32) -> bool {
    fnv1a64(ex.statement.trim()) % 100 < u64::from(percent)
}

/// Tag of the copies [`flip_target`] adds to the training data.
pub const FLIPPED_TAG: &str = "flipped_target";

/// Whether a training example also trains as its flipped copy (see [`flip_target`]) when
/// `percent` of the training data is flipped: a fixed hash of the statement, independent
/// of the validation split's hash, so the same statements are chosen on every run.
pub fn chosen_for_flip(ex: &Example, percent: u32) -> bool {
    percent > 0 && fnv1a64(&format!("flip\u{0}{}", ex.statement.trim())) % 100 < u64::from(percent)
}

/// The phrasings [`negate_target`] reverses a noun-phrase target with in training: verbs
/// ("scrapping the truce") and nouns ("the repeal of the toll", "a halt to the offensive").
/// Five others ("an end to", "opposition to", "cancelling", "doing away with", "putting a
/// stop to") are never generated, so measuring on them (`parley eval --statements …
/// --reverse-targets "an end to"`) shows whether the classifier learned to read the target
/// or only these words.
pub const REVERSALS: [&str; 31] = [
    "abandoning",
    "scrapping",
    "dropping",
    "halting",
    "stopping",
    "blocking",
    "rejecting",
    "repealing",
    "abolishing",
    "reversing",
    "withdrawing from",
    "suspending",
    "vetoing",
    "overturning",
    "calling off",
    "getting rid of",
    "walking away from",
    "tearing up",
    "pulling out of",
    "winding down",
    "shelving",
    "the abandonment of",
    "the scrapping of",
    "a halt to",
    "the repeal of",
    "the abolition of",
    "the withdrawal of",
    "the suspension of",
    "the rejection of",
    "resistance to",
    "the reversal of",
];

/// The reversal of a target: "not lifting the sanctions" for a target that starts with a
/// verb in -ing ("lifting the sanctions"), otherwise one of [`REVERSALS`] before it
/// ("scrapping the truce"), picked by `variant`.
pub fn negate_target(target: &str, variant: usize) -> String {
    reverse_target(target, REVERSALS[variant % REVERSALS.len()])
}

/// The reversal of a target with a given phrase before it ("an end to" + "the truce"),
/// or "not lifting the sanctions" for a target that starts with a verb in -ing.
pub fn reverse_target(target: &str, phrase: &str) -> String {
    let target = target.trim();
    let mut words = target.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    // "outsourcing of hospital cleaning" is a noun phrase, not a verb with its object.
    let gerund = first.len() > 4
        && first.ends_with("ing")
        && first.chars().all(|c| c.is_ascii_lowercase())
        && !second.is_empty()
        && second != "of";
    if gerund {
        format!("not {target}")
    } else {
        format!("{} {target}", phrase.trim())
    }
}

/// The same statement judged toward the reversed target ([`negate_target`], the phrasing
/// fixed by a hash of the statement): favor and against swap, neutral stays, strength
/// stays. A speaker for the truce is against scrapping it. Training on both teaches the
/// classifier that stance is a relation to the target, not the statement's tone: the
/// same words must give opposite labels for opposite targets.
pub fn flip_target(ex: &Example) -> Example {
    let variant = (fnv1a64(&format!("reversal\u{0}{}", ex.statement.trim())) % 1000) as usize;
    Example {
        target: negate_target(&ex.target, variant),
        ..reversed_label(ex)
    }
}

/// The same statement toward `phrase` + its target ([`reverse_target`]), labels swapped as
/// in [`flip_target`]: for measuring a model on reversals it never trained on.
pub fn flip_target_with(ex: &Example, phrase: &str) -> Example {
    Example {
        target: reverse_target(&ex.target, phrase),
        ..reversed_label(ex)
    }
}

/// `ex` with favor and against swapped and the [`FLIPPED_TAG`] added.
fn reversed_label(ex: &Example) -> Example {
    let label = match ex.label {
        StanceLabel::Favor => StanceLabel::Against,
        StanceLabel::Against => StanceLabel::Favor,
        StanceLabel::Neutral => StanceLabel::Neutral,
    };
    let mut tags = ex.tags.clone();
    tags.push(FLIPPED_TAG.to_string());
    Example {
        label,
        tags,
        ..ex.clone()
    }
}

/// How a [`StanceInput`] becomes the (first, second) segment pair of a cross-encoder
/// input `[CLS] first [SEP] second [SEP]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// `target [SEP] statement`: the plain cross-encoder baseline.
    Plain,
    /// `target [SEP] speaker [SEP] statement`: the speaker's name in the first segment,
    /// so attention can find which of several voices in the statement to judge.
    #[default]
    SpeakerPrefix,
    /// `target [SEP] statement` with the speaker's name (and surname) replaced by
    /// `[speaker]` in the statement: names carry no stance, and the marker is the same
    /// token pattern for every speaker.
    SpeakerMarker,
}

impl InputFormat {
    pub const ALL: [InputFormat; 3] = [
        InputFormat::Plain,
        InputFormat::SpeakerPrefix,
        InputFormat::SpeakerMarker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Plain => "plain",
            InputFormat::SpeakerPrefix => "speaker_prefix",
            InputFormat::SpeakerMarker => "speaker_marker",
        }
    }

    /// The segment pair for one input. When a context is given and the statement is a
    /// fragment of it (a quote without its attribution), the context is encoded instead:
    /// the training statements always carry their attribution, and the attribution says
    /// whose words these are.
    pub fn encode(self, input: &StanceInput<'_>) -> (String, String) {
        let statement = match input.context {
            Some(ctx) if !ctx.trim().is_empty() && ctx.len() > input.statement.len() => ctx,
            _ => input.statement,
        };
        let target = input.target.trim();
        let speaker = input.speaker.trim();
        match self {
            InputFormat::Plain => (target.to_string(), statement.trim().to_string()),
            InputFormat::SpeakerPrefix => {
                let first = if speaker.is_empty() {
                    target.to_string()
                } else {
                    format!("{target} [SEP] {speaker}")
                };
                (first, statement.trim().to_string())
            }
            InputFormat::SpeakerMarker => {
                (target.to_string(), mark_speaker(statement.trim(), speaker))
            }
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown input format {s:?} (expected plain, speaker_prefix or speaker_marker)"
                )
            })
    }
}

/// Replace the speaker's name in `text` by `[speaker]`: first the full name, then its last
/// capitalised word (the surname, or the head of an organisation's name), whole words only.
fn mark_speaker(text: &str, speaker: &str) -> String {
    const MARK: &str = "[speaker]";
    let speaker = speaker
        .trim()
        .trim_start_matches("the ")
        .trim_start_matches("The ")
        .trim_start_matches("a ")
        .trim_start_matches("A ");
    if speaker.is_empty() {
        return text.to_string();
    }
    let mut out = replace_word(text, speaker, MARK);
    let last = speaker
        .split_whitespace()
        .rev()
        .find(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() >= 3);
    if let Some(last) = last {
        let last = last
            .trim_end_matches(['\'', ',', '.'])
            .trim_end_matches("'s");
        if last != speaker {
            out = replace_word(&out, last, MARK);
        }
    }
    out
}

/// Replace whole-word occurrences of `needle` (case-sensitive) in `hay`.
fn replace_word(hay: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return hay.to_string();
    }
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(pos) = rest.find(needle) {
        let before = rest[..pos].chars().next_back();
        let after = rest[pos + needle.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..pos]);
        if boundary(before) && boundary(after) {
            out.push_str(with);
        } else {
            out.push_str(needle);
        }
        rest = &rest[pos + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// Index of a label in the model's output order (favor, against, neutral).
pub fn label_index(l: StanceLabel) -> usize {
    match l {
        StanceLabel::Favor => 0,
        StanceLabel::Against => 1,
        StanceLabel::Neutral => 2,
    }
}

/// Scores of a set of predictions: confusion matrix (rows gold, columns predicted, in
/// favor/against/neutral order), per-class F1, macro-F1 and accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub n: usize,
    pub confusion: [[usize; 3]; 3],
    pub f1: [f64; 3],
    pub macro_f1: f64,
    pub accuracy: f64,
}

impl Metrics {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (StanceLabel, StanceLabel)>) -> Self {
        let mut confusion = [[0usize; 3]; 3];
        let mut n = 0;
        for (gold, pred) in pairs {
            confusion[label_index(gold)][label_index(pred)] += 1;
            n += 1;
        }
        let mut f1 = [0.0; 3];
        for (c, f) in f1.iter_mut().enumerate() {
            let tp = confusion[c][c] as f64;
            let gold: usize = confusion[c].iter().sum();
            let pred: usize = confusion.iter().map(|r| r[c]).sum();
            *f = if gold + pred == 0 {
                0.0
            } else {
                2.0 * tp / (gold + pred) as f64
            };
        }
        let correct: usize = (0..3).map(|c| confusion[c][c]).sum();
        Metrics {
            n,
            confusion,
            f1,
            macro_f1: f1.iter().sum::<f64>() / 3.0,
            accuracy: if n == 0 {
                0.0
            } else {
                correct as f64 / n as f64
            },
        }
    }
}

impl fmt::Display for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "n={} macro-F1={:.3} acc={:.3} F1 favor/against/neutral={:.3}/{:.3}/{:.3}",
            self.n, self.macro_f1, self.accuracy, self.f1[0], self.f1[1], self.f1[2]
        )?;
        writeln!(f, "gold\\pred   favor against neutral")?;
        for (i, name) in ["favor", "against", "neutral"].iter().enumerate() {
            let r = self.confusion[i];
            writeln!(f, "{name:<10} {:>6} {:>7} {:>7}", r[0], r[1], r[2])?;
        }
        Ok(())
    }
}

/// One gold evidence string of a dev-corpus speaker, with where it sits.
#[derive(Debug, Clone, PartialEq)]
pub struct DevEvidence {
    pub text: String,
    /// The sentence(s) of the article that contain the evidence (its attribution context).
    pub sentence: String,
    /// Whether the evidence is inside double quotes in the article.
    pub direct: bool,
}

/// One annotated speaker of the dev corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct DevSpeaker {
    pub article: String,
    pub target: String,
    pub name: String,
    pub stance: StanceLabel,
    pub strength: u8,
    pub evidence: Vec<DevEvidence>,
}

#[derive(Deserialize)]
struct DevArticle {
    id: String,
    text: String,
    target: String,
    speakers: Vec<DevSpeakerJson>,
}

#[derive(Deserialize)]
struct DevSpeakerJson {
    name: String,
    stance: StanceLabel,
    strength: u8,
    evidence: Vec<String>,
}

/// Read the annotated speakers of every `*.json` article in a corpus directory (the
/// corpus schema of `corpus/README.md`), sorted by article id.
pub fn load_dev_corpus(dir: &Path) -> Result<Vec<DevSpeaker>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("reading corpus directory {}", dir.display()), e))?;
    let mut articles: BTreeMap<String, DevArticle> = BTreeMap::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io("listing corpus", e))?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let a: DevArticle = serde_json::from_str(&text).map_err(|e| {
            Error::InvalidInput(format!("{}: bad corpus article: {e}", path.display()))
        })?;
        articles.insert(a.id.clone(), a);
    }
    if articles.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no *.json articles in {}",
            dir.display()
        )));
    }
    let mut out = Vec::new();
    for a in articles.values() {
        for s in &a.speakers {
            let evidence = s
                .evidence
                .iter()
                .map(|ev| {
                    let (sentence, direct) = locate(&a.text, ev);
                    DevEvidence {
                        text: ev.clone(),
                        sentence,
                        direct,
                    }
                })
                .collect();
            out.push(DevSpeaker {
                article: a.id.clone(),
                target: a.target.clone(),
                name: s.name.clone(),
                stance: s.stance,
                strength: s.strength,
                evidence,
            });
        }
    }
    Ok(out)
}

/// The sentence(s) around `needle` in `text` (bounded by sentence ends outside quotes is
/// overkill here: a period, question or exclamation mark followed by a space, or a
/// paragraph break), and whether the needle sits inside double quotes.
fn locate(text: &str, needle: &str) -> (String, bool) {
    let Some(pos) = text.find(needle) else {
        return (needle.to_string(), false);
    };
    let end_pos = pos + needle.len();
    let quotes_before = text[..pos].matches('"').count();
    let direct = quotes_before % 2 == 1 || needle.trim_start().starts_with('"');
    let para_start = text[..pos].rfind("\n\n").map_or(0, |i| i + 2);
    let para_end = text[end_pos..]
        .find("\n\n")
        .map_or(text.len(), |i| end_pos + i);
    // Sentence start: the last ". " / "? " / "! " (possibly followed by a quote) before the
    // needle, outside any quote that is still open at the needle.
    let head = &text[para_start..pos];
    let mut start = para_start;
    let bytes = head.as_bytes();
    let mut in_quote = false;
    let mut last_break = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' {
            in_quote = !in_quote;
        }
        if !in_quote && matches!(b, b'.' | b'?' | b'!') && bytes.get(i + 1) == Some(&b' ') {
            last_break = Some(i + 2);
        }
        if in_quote
            && matches!(b, b'.' | b'?' | b'!')
            && bytes.get(i + 1) == Some(&b'"')
            && bytes.get(i + 2) == Some(&b' ')
        {
            last_break = Some(i + 3);
        }
    }
    if let Some(b) = last_break {
        start = para_start + b;
    }
    // Sentence end: the first break after the needle, outside quotes, counting the quote
    // parity from the sentence start. A quote closed right after . ? or ! ends the
    // sentence unless a lowercase word follows (`?" asked the minister`).
    let mut in_quote = text[start..end_pos].matches('"').count() % 2 == 1;
    let bytes = text.as_bytes();
    let mut end = para_end;
    let ends_sentence = |i: usize| i >= 1 && matches!(bytes[i - 1], b'.' | b'?' | b'!');
    let closes_quote = end_pos >= 2 && bytes[end_pos - 1] == b'"' && ends_sentence(end_pos - 1);
    let next_lower = text[end_pos..para_end]
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_lowercase);
    if !in_quote && (ends_sentence(end_pos) || closes_quote) && !next_lower {
        end = end_pos;
    }
    for i in end_pos..end {
        let b = bytes[i];
        if b == b'"' {
            in_quote = !in_quote;
            if !in_quote && i > 0 && matches!(bytes[i - 1], b'.' | b'?' | b'!') {
                let next_word = text[i + 1..para_end].trim_start().chars().next();
                if !next_word.is_some_and(char::is_lowercase) {
                    end = i + 1;
                    break;
                }
            }
            continue;
        }
        if !in_quote
            && matches!(b, b'.' | b'?' | b'!')
            && (i + 1 == para_end || bytes[i + 1] == b' ')
        {
            end = i + 1;
            break;
        }
    }
    (text[start..end].trim().to_string(), direct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_reversed_as_phrases() {
        assert_eq!(negate_target("the truce", 0), "abandoning the truce");
        assert_eq!(negate_target("the truce", 1), "scrapping the truce");
        assert_eq!(negate_target("a ceasefire", 33), "dropping a ceasefire");
        assert_eq!(negate_target("the toll", 24), "the repeal of the toll");
        assert_eq!(
            negate_target("lifting the sanctions", 1),
            "not lifting the sanctions"
        );
        assert_eq!(
            negate_target("outsourcing of hospital cleaning", 0),
            "abandoning outsourcing of hospital cleaning"
        );
        // A capitalised name or a lone word is not a verb phrase.
        assert_eq!(negate_target("Pudding Lane", 0), "abandoning Pudding Lane");
        assert_eq!(negate_target("ring", 0), "abandoning ring");
        assert_eq!(
            reverse_target("the truce", " an end to "),
            "an end to the truce"
        );
    }

    #[test]
    fn a_flipped_copy_swaps_favor_and_against_only() {
        let ex = Example {
            target: "the toll".into(),
            speaker: "Ida Ferm".into(),
            statement: "Ida Ferm said she would back the toll only if islanders were exempt."
                .into(),
            label: StanceLabel::Favor,
            strength: 1,
            tags: vec!["conditional".into()],
            source: "x.jsonl".into(),
        };
        let f = flip_target(&ex);
        assert!(
            REVERSALS
                .iter()
                .any(|r| f.target == format!("{r} the toll")),
            "{}",
            f.target
        );
        assert_eq!(f.label, StanceLabel::Against);
        assert_eq!(
            (f.strength, f.statement.as_str()),
            (1, ex.statement.as_str())
        );
        assert_eq!(
            f.tags,
            vec!["conditional".to_string(), FLIPPED_TAG.to_string()]
        );
        let against = Example {
            label: StanceLabel::Against,
            ..ex.clone()
        };
        assert_eq!(flip_target(&against).label, StanceLabel::Favor);
        let neutral = Example {
            label: StanceLabel::Neutral,
            ..ex.clone()
        };
        assert_eq!(flip_target(&neutral).label, StanceLabel::Neutral);
    }

    #[test]
    fn the_flip_choice_is_a_fixed_share() {
        let exs: Vec<Example> = (0..2000)
            .map(|i| Example {
                target: "the toll".into(),
                speaker: "A".into(),
                statement: format!("Statement number {i}."),
                label: StanceLabel::Neutral,
                strength: 2,
                tags: Vec::new(),
                source: String::new(),
            })
            .collect();
        assert!(exs.iter().all(|e| !chosen_for_flip(e, 0)));
        assert!(exs.iter().all(|e| chosen_for_flip(e, 100)));
        let n = exs.iter().filter(|e| chosen_for_flip(e, 35)).count();
        assert!((600..800).contains(&n), "{n} of 2000 chosen at 35%");
        // Not the validation hash: the chosen statements are not the validation ones.
        let both = exs
            .iter()
            .filter(|e| chosen_for_flip(e, 35) && is_validation(e, 10))
            .count();
        assert!((30..110).contains(&both), "{both}");
    }

    #[test]
    fn marker_replaces_full_name_and_surname() {
        let s = "Senator Ona Pelt said the plan was rushed. Pelt added that Peltier agreed.";
        assert_eq!(
            mark_speaker(s, "Ona Pelt"),
            "Senator [speaker] said the plan was rushed. [speaker] added that Peltier agreed."
        );
        assert_eq!(
            mark_speaker("the Harbour Board said", "the Harbour Board"),
            "the [speaker] said"
        );
    }

    #[test]
    fn formats_build_the_expected_pairs() {
        let input = StanceInput {
            target: "the truce",
            speaker: "Ona Pelt",
            statement: "it must hold",
            context: Some("\"It must hold,\" Ona Pelt said."),
        };
        assert_eq!(
            InputFormat::SpeakerPrefix.encode(&input),
            (
                "the truce [SEP] Ona Pelt".to_string(),
                "\"It must hold,\" Ona Pelt said.".to_string()
            )
        );
        assert_eq!(
            InputFormat::SpeakerMarker.encode(&input).1,
            "\"It must hold,\" [speaker] said."
        );
        let no_ctx = StanceInput {
            context: None,
            ..input
        };
        assert_eq!(InputFormat::Plain.encode(&no_ctx).1, "it must hold");
        assert_eq!(
            "speaker_marker".parse::<InputFormat>(),
            Ok(InputFormat::SpeakerMarker)
        );
        assert!("nope".parse::<InputFormat>().is_err());
    }

    #[test]
    fn metrics_match_a_hand_count() {
        use StanceLabel::*;
        let m = Metrics::from_pairs([
            (Favor, Favor),
            (Favor, Against),
            (Against, Against),
            (Neutral, Neutral),
            (Neutral, Favor),
        ]);
        assert_eq!(m.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 1]]);
        // favor: tp 1, gold 2, pred 2 -> .5; against: 1,1,2 -> .667; neutral: 1,2,1 -> .667
        assert!((m.f1[0] - 0.5).abs() < 1e-9);
        assert!((m.macro_f1 - (0.5 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0).abs() < 1e-9);
        assert!((m.accuracy - 0.6).abs() < 1e-9);
    }

    #[test]
    fn locate_finds_the_sentence_and_quote_state() {
        let text =
            "Intro line here. \"We want calm now,\" Ida Brun said. Later text.\n\nNext para.";
        let (sent, direct) = locate(text, "We want calm now");
        assert!(direct);
        assert_eq!(sent, "\"We want calm now,\" Ida Brun said.");
        let (sent, direct) = locate(text, "Later text");
        assert!(!direct);
        assert_eq!(sent, "Later text.");
    }

    #[test]
    fn split_is_stable() {
        let ex = Example {
            target: "t".into(),
            speaker: "s".into(),
            statement: "A fixed statement.".into(),
            label: StanceLabel::Neutral,
            strength: 2,
            tags: vec![],
            source: String::new(),
        };
        assert_eq!(
            is_validation(&ex, 10),
            fnv1a64("A fixed statement.") % 100 < 10
        );
        assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
    }
}
