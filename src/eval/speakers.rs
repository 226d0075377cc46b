//! Speaker evaluation: load gold articles, match predicted speakers to gold speakers one to
//! one, and score precision, recall, F1, non-speakers wrongly reported and evidence
//! coverage.
//!
//! Matching follows the corpus README ("Suggested scoring"): a predicted speaker matches a
//! gold speaker when its name equals, case-insensitively, the gold name or one of the gold
//! mentions, or when both are personal names sharing a surname. Pairs are made greedily
//! from the strongest kind of match down (exact name, then mention, then surname), so in
//! an article with two people called Calloway the full names pair up before any surname
//! match is considered.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::StanceLabel;
use crate::text::Speaker;

/// One annotated speaker.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GoldSpeaker {
    /// Canonical name as first introduced.
    pub name: String,
    /// Surface forms that refer to the speaker.
    #[serde(default)]
    pub mentions: Vec<String>,
    #[serde(default)]
    pub role: Option<String>,
    pub stance: StanceLabel,
    /// 1 (qualified) or 2 (clear); neutral speakers carry 2 by convention.
    #[serde(default = "default_strength")]
    pub strength: u8,
    /// Exact substrings of the article text that carry the stance.
    #[serde(default)]
    pub evidence: Vec<String>,
}

fn default_strength() -> u8 {
    2
}

/// One annotated article.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GoldArticle {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    pub target: String,
    #[serde(default)]
    pub reference_summary: String,
    #[serde(default)]
    pub key_facts: Vec<String>,
    #[serde(default)]
    pub speakers: Vec<GoldSpeaker>,
    /// Named people who are not quoted or paraphrased.
    #[serde(default)]
    pub non_speakers: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Load every `*.json` gold article in `dir`, sorted by file name.
///
/// # Errors
/// `Io` when the directory or a file cannot be read; `InvalidInput` when a file is not a
/// gold article (the message names the file) or the directory holds none.
pub fn load_corpus(dir: impl AsRef<Path>) -> Result<Vec<GoldArticle>> {
    let dir = dir.as_ref();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("reading corpus directory {}", dir.display()), e))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        let p = entry.path();
        if p.extension().is_some_and(|x| x == "json") {
            paths.push(p);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(Error::InvalidInput(format!(
            "no *.json gold articles in {}",
            dir.display()
        )));
    }
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let raw = std::fs::read_to_string(&p)
            .map_err(|e| Error::io(format!("reading {}", p.display()), e))?;
        let art: GoldArticle = serde_json::from_str(&raw).map_err(|e| {
            Error::InvalidInput(format!("{}: not a gold article: {e}", p.display()))
        })?;
        out.push(art);
    }
    Ok(out)
}

/// How predicted speakers line up with the gold speakers of one article.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SpeakerMatch {
    /// (gold index, predicted index).
    pub pairs: Vec<(usize, usize)>,
    /// Predicted speakers matching no gold speaker.
    pub spurious: Vec<usize>,
    /// Gold speakers no prediction matched.
    pub missed: Vec<usize>,
    /// Predicted speakers that are gold non-speakers: (predicted index, non-speaker name).
    pub non_speakers_reported: Vec<(usize, String)>,
}

impl SpeakerMatch {
    /// The predicted speaker matched to gold speaker `g`, if any.
    pub fn predicted_for(&self, g: usize) -> Option<usize> {
        self.pairs.iter().find(|(gi, _)| *gi == g).map(|&(_, p)| p)
    }
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Strip a leading article ("the White House" ~ "White House").
fn strip_article(s: &str) -> String {
    let n = norm(s);
    for art in ["the ", "a ", "an "] {
        if let Some(rest) = n.strip_prefix(art) {
            return rest.to_string();
        }
    }
    n
}

/// A personal name: two or more capitalised words, no leading article.
fn surname_of(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let first = words[0].to_lowercase();
    if matches!(first.as_str(), "the" | "a" | "an") || name.contains('\'') {
        return None;
    }
    let personal = words.iter().all(|w| {
        w.chars().next().is_some_and(|c| c.is_uppercase())
            || matches!(
                *w,
                "de" | "van"
                    | "von"
                    | "der"
                    | "da"
                    | "di"
                    | "du"
                    | "la"
                    | "le"
                    | "al"
                    | "bin"
                    | "ben"
            )
    });
    personal.then(|| words.last().map(|w| w.to_lowercase()))?
}

/// Strength of a match between a predicted and a gold speaker (lower is stronger).
fn match_rank(gold: &crate::eval::GoldSpeaker, pred: &Speaker) -> Option<u8> {
    let pn = norm(&pred.name);
    if pn == norm(&gold.name) || strip_article(&pred.name) == strip_article(&gold.name) {
        return Some(0);
    }
    if gold
        .mentions
        .iter()
        .any(|m| norm(m) == pn || strip_article(m) == strip_article(&pred.name))
    {
        return Some(1);
    }
    if pred.kind == crate::report::SpeakerKind::Person {
        if let (Some(a), Some(b)) = (surname_of(&pred.name), surname_of(&gold.name)) {
            if a == b {
                return Some(2);
            }
        }
    }
    None
}

/// Match predicted speakers to the gold speakers of `gold`, one to one.
pub fn match_speakers(gold: &GoldArticle, predicted: &[Speaker]) -> SpeakerMatch {
    let mut cands: Vec<(u8, usize, usize)> = Vec::new();
    for (gi, g) in gold.speakers.iter().enumerate() {
        for (pi, p) in predicted.iter().enumerate() {
            if let Some(r) = match_rank(g, p) {
                cands.push((r, gi, pi));
            }
        }
    }
    cands.sort();
    let mut gold_used = vec![false; gold.speakers.len()];
    let mut pred_used = vec![false; predicted.len()];
    let mut m = SpeakerMatch::default();
    for (_, gi, pi) in cands {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
            m.pairs.push((gi, pi));
        }
    }
    m.pairs.sort();
    m.missed = (0..gold.speakers.len())
        .filter(|&g| !gold_used[g])
        .collect();
    m.spurious = (0..predicted.len()).filter(|&p| !pred_used[p]).collect();
    for &pi in &m.spurious {
        let p = &predicted[pi];
        let hit = gold.non_speakers.iter().find(|ns| {
            norm(ns) == norm(&p.name)
                || (p.kind == crate::report::SpeakerKind::Person
                    && surname_of(ns).is_some()
                    && surname_of(ns) == surname_of(&p.name))
                || p.mentions.iter().any(|mm| norm(&mm.text) == norm(ns))
        });
        if let Some(ns) = hit {
            m.non_speakers_reported.push((pi, ns.clone()));
        }
    }
    m
}

/// One article's speaker evaluation, with names for printing.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSpeakerEval {
    pub id: String,
    pub gold: usize,
    pub predicted: usize,
    pub matching: SpeakerMatch,
    pub spurious_names: Vec<String>,
    pub missed_names: Vec<String>,
    pub non_speaker_names: Vec<String>,
    /// Gold evidence strings of all gold speakers.
    pub evidence_total: usize,
    /// Evidence strings overlapping a statement of the matched predicted speaker.
    pub evidence_covered: usize,
}

/// Character-offset occurrences of `needle` in `hay`.
fn char_occurrences(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let n_chars = needle.chars().count();
    hay.match_indices(needle)
        .map(|(b, _)| {
            let s = hay[..b].chars().count();
            (s, s + n_chars)
        })
        .collect()
}

/// Match and score one article.
pub fn score_article(gold: &GoldArticle, predicted: &[Speaker]) -> ArticleSpeakerEval {
    let matching = match_speakers(gold, predicted);
    let mut evidence_total = 0;
    let mut evidence_covered = 0;
    for (gi, g) in gold.speakers.iter().enumerate() {
        evidence_total += g.evidence.len();
        let Some(pi) = matching.predicted_for(gi) else {
            continue;
        };
        let p = &predicted[pi];
        for ev in &g.evidence {
            let covered = char_occurrences(&gold.text, ev).iter().any(|&(s, e)| {
                p.statements
                    .iter()
                    .any(|st| st.span.start < e && s < st.span.end)
            });
            if covered {
                evidence_covered += 1;
            }
        }
    }
    ArticleSpeakerEval {
        id: gold.id.clone(),
        gold: gold.speakers.len(),
        predicted: predicted.len(),
        spurious_names: matching
            .spurious
            .iter()
            .map(|&p| predicted[p].name.clone())
            .collect(),
        missed_names: matching
            .missed
            .iter()
            .map(|&g| gold.speakers[g].name.clone())
            .collect(),
        non_speaker_names: matching
            .non_speakers_reported
            .iter()
            .map(|(_, n)| n.clone())
            .collect(),
        matching,
        evidence_total,
        evidence_covered,
    }
}

/// Speaker scores summed over articles (micro-averaged).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SpeakerScores {
    pub articles: usize,
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub non_speakers_reported: usize,
    pub evidence_total: usize,
    pub evidence_covered: usize,
}

impl SpeakerScores {
    pub fn add(&mut self, a: &ArticleSpeakerEval) {
        self.articles += 1;
        self.gold += a.gold;
        self.predicted += a.predicted;
        self.matched += a.matching.pairs.len();
        self.non_speakers_reported += a.matching.non_speakers_reported.len();
        self.evidence_total += a.evidence_total;
        self.evidence_covered += a.evidence_covered;
    }

    /// Matched / predicted (1 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.matched as f64 / self.predicted as f64
        }
    }

    /// Matched / gold (1 when there is no gold speaker).
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.matched as f64 / self.gold as f64
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Fraction of gold evidence strings covered by a matched speaker's statement.
    pub fn evidence_coverage(&self) -> f64 {
        if self.evidence_total == 0 {
            1.0
        } else {
            self.evidence_covered as f64 / self.evidence_total as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Span, SpeakerKind, StatementKind};
    use crate::text::Statement;

    fn gold_speaker(name: &str, mentions: &[&str], evidence: &[&str]) -> GoldSpeaker {
        GoldSpeaker {
            name: name.into(),
            mentions: mentions.iter().map(|s| s.to_string()).collect(),
            role: None,
            stance: StanceLabel::Neutral,
            strength: 2,
            evidence: evidence.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn pred(name: &str, kind: SpeakerKind, spans: &[(usize, usize)]) -> Speaker {
        Speaker {
            name: name.into(),
            kind,
            role: None,
            mentions: vec![],
            statements: spans
                .iter()
                .map(|&(s, e)| Statement {
                    text: String::new(),
                    span: Span { start: s, end: e },
                    kind: StatementKind::Direct,
                    cue: "said".into(),
                    context: Span { start: s, end: e },
                })
                .collect(),
        }
    }

    fn article(text: &str, speakers: Vec<GoldSpeaker>, non: &[&str]) -> GoldArticle {
        GoldArticle {
            id: "t".into(),
            title: String::new(),
            text: text.into(),
            target: "x".into(),
            reference_summary: String::new(),
            key_facts: vec![],
            speakers,
            non_speakers: non.iter().map(|s| s.to_string()).collect(),
            notes: String::new(),
        }
    }

    #[test]
    fn same_surname_pairs_by_full_name_first() {
        let g = article(
            "",
            vec![
                gold_speaker("Ada Quill", &["Ada Quill"], &[]),
                gold_speaker("Bo Quill", &["Bo Quill"], &[]),
            ],
            &[],
        );
        let p = vec![
            pred("Bo Quill", SpeakerKind::Person, &[]),
            pred("Ada Quill", SpeakerKind::Person, &[]),
        ];
        let m = match_speakers(&g, &p);
        assert_eq!(m.pairs, vec![(0, 1), (1, 0)]);
        assert!(m.spurious.is_empty() && m.missed.is_empty());
    }

    #[test]
    fn mentions_surnames_non_speakers_and_evidence() {
        let text = "Ede Varn said the port was shut. The ministry said no. Kip Lo smiled.";
        let g = article(
            text,
            vec![
                gold_speaker("Ede Varn", &["Ede Varn"], &["the port was shut"]),
                gold_speaker("the harbour ministry", &["The ministry"], &["no"]),
            ],
            &["Kip Lo"],
        );
        let p = vec![
            pred("Varn", SpeakerKind::Person, &[]),
            pred("Edgar Varn", SpeakerKind::Person, &[(14, 31)]),
            pred("the ministry", SpeakerKind::Organization, &[]),
            pred("Kip Lo", SpeakerKind::Person, &[]),
        ];
        let e = score_article(&g, &p);
        // "Varn" is no personal name, so the surname match goes to "Edgar Varn".
        assert_eq!(e.matching.pairs, vec![(0, 1), (1, 2)]);
        assert_eq!(e.spurious_names, vec!["Varn", "Kip Lo"]);
        assert_eq!(e.non_speaker_names, vec!["Kip Lo"]);
        assert_eq!((e.evidence_covered, e.evidence_total), (1, 2));
        let mut s = SpeakerScores::default();
        s.add(&e);
        assert!((s.precision() - 0.5).abs() < 1e-9);
        assert!((s.recall() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn load_corpus_reports_bad_files_and_empty_dirs() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load_corpus(dir.path()),
            Err(Error::InvalidInput(_))
        ));
        std::fs::write(dir.path().join("x.json"), "{\"id\": 3}").unwrap();
        let err = load_corpus(dir.path()).unwrap_err().to_string();
        assert!(err.contains("x.json"), "{err}");
        assert!(matches!(
            load_corpus(dir.path().join("nope")),
            Err(Error::Io { .. })
        ));
    }
}
