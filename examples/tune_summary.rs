//! Grid search over the extractive summary's weights on annotated corpora.
//!
//! ```text
//! cargo run --release --example tune_summary -- data/dev data/probe-articles
//! ```
//!
//! Each article runs through the engine once (speakers and stance for the stance line, the
//! direct quotes, the sentence embeddings); every weight combination then only re-scores
//! and re-selects sentences, so thousands of combinations take seconds. The score of a
//! combination is the mean key-fact coverage of the summary the reader gets (extracted
//! sentences plus the stance line) over all articles, each corpus weighted by its size;
//! ROUGE-1 F1 against the reference summary is printed beside it. The current defaults
//! are printed first, then the best combinations, then the best combination's neighbours
//! (one weight changed one step), to show whether it sits on a plateau or a peak. An
//! oracle line gives the ceiling for any weights: sentences picked greedily by the gold
//! key facts they add, within the same budgets.
//!
//! `TUNE_NO_GRID=1` prints only the oracle and the defaults; `TUNE_SHOW=1` also prints,
//! per article, the key facts and the sentences the oracle and the defaults pick.

use std::path::PathBuf;

use parley::eval::summary::{key_fact_coverage, rouge};
use parley::eval::{load_corpus, GoldArticle};
use parley::report::{Span, StatementKind};
use parley::summary::extractive::{score_sentences, select, Scored, Weights};
use parley::summary::{stance_line, SummaryInput, SummaryOptions};
use parley::{text, AnalyzeRequest, Engine, EngineConfig};

/// One article, analysed once.
struct Prepared {
    corpus: usize,
    gold: GoldArticle,
    sentences: Vec<String>,
    scored: Vec<Scored>,
    vecs: Vec<Vec<f32>>,
    line: Option<String>,
}

/// The values tried for each weight, in the order of [`Weights`]' fields.
const GRID: [(&str, &[f32]); N] = [
    ("salience", &[0.5, 1.0, 1.5]),
    ("lead", &[0.5, 1.0, 1.5, 2.0]),
    ("quote", &[0.6, 1.2, 1.8]),
    ("fact", &[0.0, 0.1, 0.2]),
    ("closing", &[0.0, 0.2, 0.4]),
    ("redundancy", &[0.3, 0.6, 0.9]),
    ("min_value", &[0.0, 0.2, 0.4]),
    ("no_comment", &[0.5]),
    ("pronoun", &[0.0, 0.3]),
];
const N: usize = 9;

fn weights_at(idx: &[usize; N]) -> Weights {
    let v = |k: usize| GRID[k].1[idx[k]];
    Weights {
        salience: v(0),
        lead: v(1),
        quote: v(2),
        fact: v(3),
        closing: v(4),
        redundancy: v(5),
        min_value: v(6),
        no_comment: v(7),
        pronoun: v(8),
    }
}

/// Mean key-fact coverage (with the stance line, and without) and ROUGE-1 F1 per corpus.
struct Score {
    per_corpus: Vec<(f64, f64, f64)>,
    all: (f64, f64, f64),
}

/// Per-corpus sums of (key facts with line, without, ROUGE-1 F1, articles).
type Sums = Vec<(f64, f64, f64, usize)>;

impl Score {
    fn from_sums(sums: &Sums) -> Score {
        let mean = |s: &(f64, f64, f64, usize)| {
            let n = s.3.max(1) as f64;
            (s.0 / n, s.1 / n, s.2 / n)
        };
        let total = sums.iter().fold((0.0, 0.0, 0.0, 0), |t, s| {
            (t.0 + s.0, t.1 + s.1, t.2 + s.2, t.3 + s.3)
        });
        Score {
            per_corpus: sums.iter().map(mean).collect(),
            all: mean(&total),
        }
    }
}

fn evaluate(articles: &[Prepared], corpora: usize, w: &Weights) -> Score {
    let opts = SummaryOptions {
        weights: *w,
        ..SummaryOptions::default()
    };
    let mut sums: Sums = vec![(0.0, 0.0, 0.0, 0usize); corpora];
    let mut scored = Vec::new();
    for a in articles {
        scored.clear();
        scored.extend(a.scored.iter().cloned().map(|mut s| {
            s.base = s.value(w);
            s
        }));
        let chosen: Vec<&str> = select(&scored, &a.vecs, &opts)
            .into_iter()
            .map(|i| a.sentences[i].as_str())
            .collect();
        let mut with_line = chosen.clone();
        if let Some(l) = &a.line {
            with_line.push(l);
        }
        let facts = &a.gold.key_facts;
        let kf = key_fact_coverage(&with_line.join(" "), facts).unwrap_or(0.0);
        let kf_bare = key_fact_coverage(&chosen.join(" "), facts).unwrap_or(0.0);
        let r1 = rouge(&[a.gold.reference_summary.as_str()], &with_line)
            .rouge1
            .f1;
        let s = &mut sums[a.corpus];
        s.0 += kf;
        s.1 += kf_bare;
        s.2 += r1;
        s.3 += 1;
    }
    Score::from_sums(&sums)
}

/// The ceiling for any weights: sentences added greedily by key-fact gain (fewest words
/// first among equals) within the same budgets, plus the stance line.
fn oracle(articles: &[Prepared], corpora: usize) -> Score {
    let opts = SummaryOptions::default();
    let mut sums: Sums = vec![(0.0, 0.0, 0.0, 0usize); corpora];
    for a in articles {
        let facts = &a.gold.key_facts;
        let cover = |ids: &[usize], line: bool| {
            let mut parts: Vec<&str> = ids.iter().map(|&i| a.sentences[i].as_str()).collect();
            if line {
                parts.extend(a.line.as_deref());
            }
            key_fact_coverage(&parts.join(" "), facts).unwrap_or(0.0)
        };
        let mut chosen: Vec<usize> = Vec::new();
        let mut used = 0;
        while chosen.len() < opts.max_sentences {
            let now = cover(&chosen, true);
            let best = a
                .scored
                .iter()
                .filter(|s| !chosen.contains(&s.index) && used + s.words <= opts.max_words)
                .map(|s| {
                    let mut c = chosen.clone();
                    c.push(s.index);
                    (cover(&c, true) - now, s.words, s.index)
                })
                .filter(|g| g.0 > 0.0)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
            let Some((_, words, i)) = best else { break };
            used += words;
            chosen.push(i);
        }
        chosen.sort_unstable();
        if std::env::var_os("TUNE_SHOW").is_some() {
            let mut ours_s = a.scored.clone();
            ours_s
                .iter_mut()
                .for_each(|s| s.base = s.value(&Weights::default()));
            let ours = select(&ours_s, &a.vecs, &opts);
            println!("## {} ours {:?} oracle {:?}", a.gold.id, ours, chosen);
            for f in facts {
                println!("  FACT {f}");
            }
            for &i in chosen.iter().chain(ours.iter()) {
                println!(
                    "  [{i}] {}{}",
                    if ours.contains(&i) { "O " } else { "  " },
                    a.sentences[i]
                );
            }
        }
        let mut with_line: Vec<&str> = chosen.iter().map(|&i| a.sentences[i].as_str()).collect();
        with_line.extend(a.line.as_deref());
        let s = &mut sums[a.corpus];
        s.0 += cover(&chosen, true);
        s.1 += cover(&chosen, false);
        s.2 += rouge(&[a.gold.reference_summary.as_str()], &with_line)
            .rouge1
            .f1;
        s.3 += 1;
    }
    Score::from_sums(&sums)
}

fn describe(w: &Weights) -> String {
    format!(
        "sal {:.1} lead {:.1} quote {:.1} fact {:.1} close {:.1} red {:.1} min {:.1} nocom {:.1} pron {:.1}",
        w.salience,
        w.lead,
        w.quote,
        w.fact,
        w.closing,
        w.redundancy,
        w.min_value,
        w.no_comment,
        w.pronoun
    )
}

fn row(label: &str, s: &Score) -> String {
    let per: Vec<String> = s
        .per_corpus
        .iter()
        .map(|c| format!("{:.3}/{:.3}/{:.3}", c.0, c.1, c.2))
        .collect();
    format!(
        "{:.3}/{:.3}/{:.3}  [{}]  {label}",
        s.all.0,
        s.all.1,
        s.all.2,
        per.join("  ")
    )
}

fn main() -> anyhow::Result<()> {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        anyhow::bail!("usage: tune_summary CORPUS_DIR...");
    }
    let engine = Engine::load(&EngineConfig::default())?;
    let mut articles = Vec::new();
    for (c, dir) in dirs.iter().enumerate() {
        for gold in load_corpus(dir)? {
            let req = AnalyzeRequest {
                text: gold.text.clone(),
                target: gold.target.clone(),
                title: Some(gold.title.clone()),
                id: Some(gold.id.clone()),
                summary_mode: Default::default(),
            };
            let report = engine.analyze(&req)?;
            let quoted: Vec<Span> = report
                .speakers
                .iter()
                .flat_map(|s| s.statements.iter())
                .filter(|s| s.kind == StatementKind::Direct)
                .map(|s| Span {
                    start: s.start,
                    end: s.end,
                })
                .collect();
            let sentences = text::analyze_text(&gold.text).sentences;
            let input = SummaryInput {
                text: &gold.text,
                title: Some(&gold.title),
                sentences: &sentences,
                quoted: &quoted,
                speakers: &report.speakers,
                target: gold.target.trim(),
            };
            let (scored, vecs) =
                score_sentences(&input, engine.encoder().as_ref(), &Weights::default())?;
            let line = stance_line(&report.speakers, gold.target.trim()).map(|l| l.text);
            articles.push(Prepared {
                corpus: c,
                sentences: sentences
                    .iter()
                    .map(|s| s.text.trim().to_string())
                    .collect(),
                gold,
                scored,
                vecs,
                line,
            });
        }
        eprintln!("{}: prepared", dir.display());
    }
    println!(
        "key facts with line / without / ROUGE-1 F1: all  [{}]",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join("  ")
    );
    println!(
        "{}",
        row(
            "oracle: greedy best key-fact gain within the word budget",
            &oracle(&articles, dirs.len())
        )
    );
    let default = Weights::default();
    println!(
        "{}",
        row(
            &format!("default: {}", describe(&default)),
            &evaluate(&articles, dirs.len(), &default)
        )
    );

    if std::env::var_os("TUNE_NO_GRID").is_some() {
        return Ok(());
    }
    let sizes: Vec<usize> = GRID.iter().map(|(_, v)| v.len()).collect();
    let mut results: Vec<([usize; N], Score)> = Vec::new();
    let mut idx = [0usize; N];
    loop {
        let w = weights_at(&idx);
        results.push((idx, evaluate(&articles, dirs.len(), &w)));
        // Odometer increment.
        let mut k = 0;
        while k < N {
            idx[k] += 1;
            if idx[k] < sizes[k] {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
        if k == N {
            break;
        }
    }
    results.sort_by(|a, b| {
        b.1.all
            .0
            .total_cmp(&a.1.all.0)
            .then(b.1.all.2.total_cmp(&a.1.all.2))
    });
    println!("\n{} combinations; the best 20:", results.len());
    for (i, s) in results.iter().take(20) {
        println!("{}", row(&describe(&weights_at(i)), s));
    }
    let (best, _) = &results[0];
    println!("\nneighbours of the best (one weight one step away):");
    for k in 0..N {
        for step in [-1i64, 1] {
            let j = best[k] as i64 + step;
            if j < 0 || j as usize >= sizes[k] {
                continue;
            }
            let mut n = *best;
            n[k] = j as usize;
            let s = evaluate(&articles, dirs.len(), &weights_at(&n));
            println!(
                "{}",
                row(&format!("{} -> {}", GRID[k].0, GRID[k].1[n[k]]), &s)
            );
        }
    }
    Ok(())
}
