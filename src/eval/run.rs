//! `parley eval`: the whole pipeline over an annotated corpus, scored with the rules of the
//! corpus README — speakers (precision/recall/F1, non-speakers reported), stance (matched
//! and end to end), summaries (key-fact coverage, ROUGE, unsupported names/numbers, with
//! LEAD-3 beside them) — plus the mistakes of every article.
//!
//! End-to-end stance counts every gold speaker: a missed speaker is a wrong prediction
//! (its predicted label is "none"), so end-to-end macro-F1 falls with speaker recall.
//! Spurious speakers are left to speaker precision. Strength is scored only for gold
//! favor/against speakers that were matched with the right label, against the strength
//! the report gives (from the hedges and conditions in the speaker's words).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::speakers::{load_corpus, score_article, ArticleSpeakerEval, GoldArticle, SpeakerScores};
use super::summary::{lead_n, score_summary, SummaryScores};
use crate::engine::{AnalyzeRequest, Engine};
use crate::report::{Origin, Report, SpeakerReport, StanceLabel};
use crate::text::{self, Speaker, Statement};
use crate::Result;

/// A 3×3 (+ "none") confusion matrix over stance labels: rows gold, columns predicted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Confusion {
    /// `counts[gold][pred]`, label order favor, against, neutral; column 3 = not found.
    pub counts: [[usize; 4]; 3],
}

impl Confusion {
    pub fn add(&mut self, gold: StanceLabel, pred: Option<StanceLabel>) {
        self.counts[idx(gold)][pred.map(idx).unwrap_or(3)] += 1;
    }
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..3).map(|i| self.counts[i][i]).sum();
        ratio(right, self.total())
    }
    /// Mean F1 over favor, against and neutral.
    pub fn macro_f1(&self) -> f64 {
        (0..3)
            .map(|c| {
                let tp = self.counts[c][c];
                let predicted: usize = (0..3).map(|g| self.counts[g][c]).sum();
                let gold: usize = self.counts[c].iter().sum();
                let (p, r) = (ratio(tp, predicted), ratio(tp, gold));
                if p + r == 0.0 {
                    0.0
                } else {
                    2.0 * p * r / (p + r)
                }
            })
            .sum::<f64>()
            / 3.0
    }
}

fn idx(l: StanceLabel) -> usize {
    match l {
        StanceLabel::Favor => 0,
        StanceLabel::Against => 1,
        StanceLabel::Neutral => 2,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Mean summary metrics over articles.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryMeans {
    pub rouge1: f64,
    pub rouge2: f64,
    pub rouge_lsum: f64,
    pub key_fact_coverage: f64,
    /// Share of names/numbers in the summaries not found in their article.
    pub unsupported_rate: f64,
    pub unsupported_total: usize,
    pub words: f64,
}

impl SummaryMeans {
    fn from_scores(scores: &[SummaryScores]) -> Self {
        let n = scores.len().max(1) as f64;
        let facts: Vec<f64> = scores.iter().filter_map(|s| s.key_fact_coverage).collect();
        let names: usize = scores.iter().map(|s| s.unsupported.total).sum();
        let bad: usize = scores.iter().map(|s| s.unsupported.unsupported.len()).sum();
        SummaryMeans {
            rouge1: scores.iter().map(|s| s.rouge.rouge1.f1).sum::<f64>() / n,
            rouge2: scores.iter().map(|s| s.rouge.rouge2.f1).sum::<f64>() / n,
            rouge_lsum: scores.iter().map(|s| s.rouge.rouge_lsum.f1).sum::<f64>() / n,
            key_fact_coverage: facts.iter().sum::<f64>() / facts.len().max(1) as f64,
            unsupported_rate: ratio(bad, names),
            unsupported_total: bad,
            words: scores.iter().map(|s| s.words as f64).sum::<f64>() / n,
        }
    }
}

/// One article's results and mistakes.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleEval {
    pub id: String,
    pub speakers: ArticleSpeakerEval,
    /// (gold name, gold label, predicted label or None when missed).
    pub stance: Vec<(String, StanceLabel, Option<StanceLabel>)>,
    /// (right, scored) strength for this article; see [`EvalReport::strength`].
    pub strength: (usize, usize),
    pub summary: SummaryScores,
    /// The summary without its template (stance) line.
    pub extracted: SummaryScores,
    pub lead3: SummaryScores,
    pub seconds: f64,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub corpus: String,
    pub articles: Vec<ArticleEval>,
    pub speakers: SpeakerScores,
    pub speaker_precision: f64,
    pub speaker_recall: f64,
    pub speaker_f1: f64,
    pub stance_matched: Confusion,
    pub stance_end_to_end: Confusion,
    /// (right, scored) strength among matched, correctly labelled favor/against speakers.
    pub strength: (usize, usize),
    pub summary: SummaryMeans,
    /// The summary's source sentences alone (without the stance line).
    pub extracted: SummaryMeans,
    pub lead3: SummaryMeans,
    pub seconds_per_article: f64,
}

/// Run the engine over every gold article in `dir` and score it.
///
/// # Errors
/// An unreadable corpus, or an article the engine fails on (the error names it).
pub fn evaluate(engine: &Engine, dir: &Path) -> Result<EvalReport> {
    let gold = load_corpus(dir)?;
    let mut articles = Vec::new();
    for g in &gold {
        let t = Instant::now();
        let req = AnalyzeRequest {
            text: g.text.clone(),
            target: g.target.clone(),
            title: Some(g.title.clone()),
            id: Some(g.id.clone()),
            summary_mode: Default::default(),
        };
        let report = engine
            .analyze(&req)
            .map_err(|e| crate::Error::Other(anyhow::anyhow!("article {}: {e}", g.id)))?;
        articles.push(score(g, &report, t.elapsed().as_secs_f64()));
    }
    Ok(aggregate(dir, articles))
}

/// Score one article's report against its gold annotation.
pub fn score(g: &GoldArticle, report: &Report, seconds: f64) -> ArticleEval {
    let predicted: Vec<Speaker> = report.speakers.iter().map(as_text_speaker).collect();
    let speakers = score_article(g, &predicted);
    let mut strength = (0, 0);
    let stance = g
        .speakers
        .iter()
        .enumerate()
        .map(|(gi, gs)| {
            let pred = speakers
                .matching
                .predicted_for(gi)
                .map(|p| &report.speakers[p].stance);
            if let Some(p) = pred {
                if p.label == gs.stance && gs.stance != StanceLabel::Neutral {
                    strength.0 += usize::from(p.strength == gs.strength);
                    strength.1 += 1;
                }
            }
            (gs.name.clone(), gs.stance, pred.map(|p| p.label))
        })
        .collect();
    let reference = [g.reference_summary.as_str()];
    // The stance line is scored too: it is part of what the reader gets.
    let ours: Vec<&str> = report
        .summary
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    let summary = score_summary(&g.text, &reference, &g.key_facts, &ours);
    let extracted: Vec<&str> = report
        .summary
        .sentences
        .iter()
        .filter(|s| s.origin != Origin::Template)
        .map(|s| s.text.as_str())
        .collect();
    let extracted = score_summary(&g.text, &reference, &g.key_facts, &extracted);
    let sentences = text::analyze_text(&g.text).sentences;
    let lead = lead_n(&sentences, 3);
    let lead3 = score_summary(&g.text, &reference, &g.key_facts, &lead);
    ArticleEval {
        id: g.id.clone(),
        speakers,
        stance,
        strength,
        summary,
        extracted,
        lead3,
        seconds,
    }
}

fn aggregate(dir: &Path, articles: Vec<ArticleEval>) -> EvalReport {
    let mut speakers = SpeakerScores::default();
    let mut matched = Confusion::default();
    let mut e2e = Confusion::default();
    for a in &articles {
        speakers.add(&a.speakers);
        for (_, gold, pred) in &a.stance {
            e2e.add(*gold, *pred);
            if pred.is_some() {
                matched.add(*gold, *pred);
            }
        }
    }
    let summaries: Vec<SummaryScores> = articles.iter().map(|a| a.summary.clone()).collect();
    let leads: Vec<SummaryScores> = articles.iter().map(|a| a.lead3.clone()).collect();
    let extracted: Vec<SummaryScores> = articles.iter().map(|a| a.extracted.clone()).collect();
    let seconds = articles.iter().map(|a| a.seconds).sum::<f64>() / articles.len().max(1) as f64;
    EvalReport {
        corpus: dir.display().to_string(),
        speaker_precision: speakers.precision(),
        speaker_recall: speakers.recall(),
        speaker_f1: speakers.f1(),
        speakers,
        stance_matched: matched,
        stance_end_to_end: e2e,
        strength: articles
            .iter()
            .fold((0, 0), |(r, n), a| (r + a.strength.0, n + a.strength.1)),
        summary: SummaryMeans::from_scores(&summaries),
        extracted: SummaryMeans::from_scores(&extracted),
        lead3: SummaryMeans::from_scores(&leads),
        seconds_per_article: seconds,
        articles,
    }
}

/// A report's speaker in the shape the speaker matcher reads.
fn as_text_speaker(s: &SpeakerReport) -> Speaker {
    Speaker {
        name: s.name.clone(),
        kind: s.kind,
        role: s.role.clone(),
        mentions: s.mentions.clone(),
        statements: s
            .statements
            .iter()
            .map(|st| Statement {
                text: st.text.clone(),
                span: crate::report::Span {
                    start: st.start,
                    end: st.end,
                },
                kind: st.kind,
                cue: st.cue.clone(),
                context: crate::report::Span {
                    start: st.start,
                    end: st.end,
                },
            })
            .collect(),
    }
}

/// The human-readable table.
pub fn render(r: &EvalReport) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "parley eval — {} ({} articles)\n\n",
        r.corpus,
        r.articles.len()
    ));
    s.push_str("Speakers\n");
    s.push_str(&format!(
        "  precision {:.3}  recall {:.3}  F1 {:.3}   (gold {}, predicted {}, matched {})\n",
        r.speaker_precision,
        r.speaker_recall,
        r.speaker_f1,
        r.speakers.gold,
        r.speakers.predicted,
        r.speakers.matched
    ));
    s.push_str(&format!(
        "  non-speakers reported as speakers: {}\n  gold evidence covered by statements: {:.3}\n\n",
        r.speakers.non_speakers_reported,
        r.speakers.evidence_coverage()
    ));
    s.push_str("Stance\n");
    s.push_str(&format!(
        "  matched speakers:  accuracy {:.3}  macro-F1 {:.3}  (n={})\n",
        r.stance_matched.accuracy(),
        r.stance_matched.macro_f1(),
        r.stance_matched.total()
    ));
    s.push_str(&format!(
        "  end to end:        accuracy {:.3}  macro-F1 {:.3}  (n={}, missed speakers count as wrong)\n",
        r.stance_end_to_end.accuracy(),
        r.stance_end_to_end.macro_f1(),
        r.stance_end_to_end.total()
    ));
    s.push_str(&format!(
        "  strength:          {}/{} right among correctly labelled favor/against speakers\n",
        r.strength.0, r.strength.1
    ));
    s.push_str("  confusion (rows gold, cols predicted: favor against neutral none)\n");
    for (i, name) in ["favor", "against", "neutral"].iter().enumerate() {
        let c = r.stance_end_to_end.counts[i];
        s.push_str(&format!(
            "    {name:<8} {:>5} {:>7} {:>7} {:>4}\n",
            c[0], c[1], c[2], c[3]
        ));
    }
    s.push_str(
        "\nSummary              key-facts  ROUGE-1  ROUGE-2  ROUGE-Lsum  words  unsupported\n",
    );
    for (name, m) in [
        ("parley (extractive)", &r.summary),
        ("  without stance line", &r.extracted),
        ("LEAD-3", &r.lead3),
    ] {
        s.push_str(&format!(
            "  {name:<20}{:>8.3} {:>8.3} {:>8.3} {:>10.3} {:>6.1} {:>6} ({:.3})\n",
            m.key_fact_coverage,
            m.rouge1,
            m.rouge2,
            m.rouge_lsum,
            m.words,
            m.unsupported_total,
            m.unsupported_rate
        ));
    }
    s.push_str(&format!(
        "\nTime: {:.2} s per article (models loaded once)\n\nPer-article mistakes\n",
        r.seconds_per_article
    ));
    for a in &r.articles {
        let wrong: Vec<String> = a
            .stance
            .iter()
            .filter(|(_, g, p)| p.is_some() && Some(*g) != *p)
            .map(|(n, g, p)| {
                format!(
                    "{n}: gold {} got {}",
                    g.as_str(),
                    p.map(|l| l.as_str()).unwrap_or("none")
                )
            })
            .collect();
        let sp = &a.speakers;
        if sp.spurious_names.is_empty()
            && sp.missed_names.is_empty()
            && sp.non_speaker_names.is_empty()
            && wrong.is_empty()
        {
            continue;
        }
        s.push_str(&format!("  {}\n", a.id));
        if !sp.missed_names.is_empty() {
            s.push_str(&format!(
                "    missed:      {}\n",
                sp.missed_names.join("; ")
            ));
        }
        if !sp.spurious_names.is_empty() {
            s.push_str(&format!(
                "    spurious:    {}\n",
                sp.spurious_names.join("; ")
            ));
        }
        if !sp.non_speaker_names.is_empty() {
            s.push_str(&format!(
                "    non-speaker: {}\n",
                sp.non_speaker_names.join("; ")
            ));
        }
        if !wrong.is_empty() {
            s.push_str(&format!("    stance:      {}\n", wrong.join("; ")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::StatementKind;

    #[test]
    fn macro_f1_of_a_perfect_and_a_skewed_matrix() {
        let mut c = Confusion::default();
        for l in StanceLabel::ALL {
            c.add(l, Some(l));
        }
        assert!((c.macro_f1() - 1.0).abs() < 1e-9);
        let mut c = Confusion::default();
        c.add(StanceLabel::Favor, Some(StanceLabel::Favor));
        c.add(StanceLabel::Against, Some(StanceLabel::Favor));
        c.add(StanceLabel::Neutral, None);
        // favor: p=.5 r=1 -> .667; against: 0; neutral: 0.
        assert!((c.macro_f1() - (2.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(c.total(), 3);
    }

    #[test]
    fn statement_kind_is_kept_when_converting() {
        let s = SpeakerReport {
            name: "Ana Ruiz".into(),
            kind: crate::report::SpeakerKind::Person,
            role: None,
            mentions: vec![],
            stance: crate::report::Stance::from_probabilities(Default::default()),
            statements: vec![crate::report::StatementReport {
                text: "yes".into(),
                start: 3,
                end: 6,
                kind: StatementKind::Direct,
                cue: "said".into(),
                stance: crate::report::Stance::from_probabilities(Default::default()),
            }],
        };
        let t = as_text_speaker(&s);
        assert_eq!(t.statements[0].span.start, 3);
        assert_eq!(t.statements[0].kind, StatementKind::Direct);
    }
}
