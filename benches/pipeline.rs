//! Model-free hot paths on a long article (every built-in article three times, ~20,000
//! characters): the text stage (sentence splitting, quotes, attribution:
//! `parley::text::analyze_text`) and JSON serialisation of a full report.
//!
//! `cargo bench --bench pipeline`

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley::bench::workload;
use parley::report::{
    Mention, Origin, Probabilities, Report, SpeakerKind, SpeakerReport, Stance, StatementKind,
    StatementReport, Summary, SummaryMode, SummarySentence,
};

fn text_stage(c: &mut Criterion) {
    let article = workload::long_article();
    let mut g = c.benchmark_group("text/host");
    g.throughput(Throughput::Bytes(article.len() as u64));
    g.bench_function("analyze_text/long_article", |b| {
        b.iter(|| parley::text::analyze_text(black_box(&article)))
    });
    g.finish();
}

/// A report the size of a long article's: 30 speakers with 4 statements each and a
/// 5-sentence summary, texts taken from the workload's sentences.
fn sample_report() -> Report {
    let sentences = workload::encoder_sentences(200);
    let stance = |i: usize| {
        let f = (i % 7) as f32 / 10.0;
        Stance::from_probabilities(Probabilities {
            favor: f,
            against: 0.6 - f / 2.0,
            neutral: 0.4 - f / 2.0,
        })
    };
    let speakers = (0..30)
        .map(|s| SpeakerReport {
            name: format!("Speaker {s}"),
            kind: if s % 5 == 0 {
                SpeakerKind::Anonymous
            } else {
                SpeakerKind::Person
            },
            role: Some("spokeswoman for the council".into()),
            mentions: (0..3)
                .map(|m| Mention {
                    text: format!("Speaker {s}"),
                    start: s * 500 + m * 100,
                    end: s * 500 + m * 100 + 9,
                })
                .collect(),
            stance: stance(s),
            statements: (0..4)
                .map(|k| {
                    let text = sentences[(s * 4 + k) % sentences.len()].clone();
                    StatementReport {
                        start: s * 500 + k * 120,
                        end: s * 500 + k * 120 + text.chars().count(),
                        text,
                        kind: if k % 2 == 0 {
                            StatementKind::Direct
                        } else {
                            StatementKind::Reported
                        },
                        cue: "said".into(),
                        stance: stance(s + k),
                    }
                })
                .collect(),
        })
        .collect();
    let summary_sentences: Vec<SummarySentence> = sentences[..5]
        .iter()
        .enumerate()
        .map(|(i, t)| SummarySentence {
            text: t.clone(),
            origin: Origin::Extracted,
            support: vec![parley::report::Span {
                start: i * 200,
                end: i * 200 + t.chars().count(),
            }],
        })
        .collect();
    Report {
        id: Some("bench".into()),
        target: workload::TARGET.into(),
        title: Some("Talks resume".into()),
        summary: Summary {
            text: summary_sentences
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            mode: SummaryMode::Extractive,
            sentences: summary_sentences,
        },
        speakers,
        warnings: Vec::new(),
        models: BTreeMap::from([
            ("encoder".to_string(), "all-minilm-l6-v2".to_string()),
            ("generator".to_string(), "smollm2".to_string()),
        ]),
        timings_ms: BTreeMap::from([("text".to_string(), 1.5), ("stance".to_string(), 20.0)]),
    }
}

fn report_json(c: &mut Criterion) {
    let report = sample_report();
    let json = serde_json::to_string(&report).expect("serialise");
    let mut g = c.benchmark_group("report/host");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("to_json/30_speakers", |b| {
        b.iter(|| serde_json::to_string(black_box(&report)).unwrap())
    });
    g.bench_function("to_json_pretty/30_speakers", |b| {
        b.iter(|| serde_json::to_string_pretty(black_box(&report)).unwrap())
    });
    g.bench_function("from_json/30_speakers", |b| {
        b.iter(|| serde_json::from_str::<Report>(black_box(&json)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, text_stage, report_json);
criterion_main!(benches);
