//! Summary tests: extractive selection with the real MiniLM encoder, the faithfulness
//! checker, the abstractive plumbing, the stance line, and the metrics on hand-computed
//! examples. The article below is written for these tests (fictional places and people).
//!
//! Model tests use the default preset's MiniLM from the model cache (fetched on first use).
//! `dev_corpus_report` (ignored) prints the dev-corpus table; it also needs
//! `PARLEY_DEV_CORPUS` (the directory of dev `*.json`).

mod support;

use parley::eval::summary::{key_fact_coverage, lead_n, rouge, score_summary, unsupported};
use parley::report::{
    Mention, Origin, Probabilities, SpeakerKind, SpeakerReport, Stance, StanceLabel, StatementKind,
    StatementReport, SummaryMode,
};
use parley::summary::check::{Checker, Rejection};
use parley::summary::{self, stance_line, word_count, ChatModel, SummaryInput, SummaryOptions};
use support::{analyze, sentence_texts, span_text, MiniLm};

const TITLE: &str = "Orvell and Kestra agree to share Lumen river water";

const ARTICLE: &str = "Officials from Orvell and Kestra signed an agreement in the city of Tamsin on Wednesday to share water from the Lumen river, ending a four-year dispute over the Halvard dam.

The deal gives Kestra 45 percent of the river's summer flow and sets up a joint commission to manage releases from the dam, according to a copy seen by reporters.

\"This is a good day for farmers on both banks,\" said Orvell's water minister, Edda Marsh. \"Nobody got everything, and that is how it should be.\"

Kestra's delegation was more guarded. Its lead negotiator, Pavel Ostrin, said the agreement was \"a start, not a finish\" and warned that his government would walk away if the commission failed to meet by June.

Farmers downstream have watched the talks with growing impatience. Rainfall in the valley has fallen by a third since 2019, and more than 12,000 hectares of orchards went unwatered last summer.

\"We have heard promises before,\" said Ana Lucic, who grows apricots near the border town of Vell. \"I will believe it when the water reaches my trees.\"

The joint commission is due to hold its first meeting in Tamsin on May 4.";

fn stance(label: StanceLabel, score: f32) -> Stance {
    let p = match label {
        StanceLabel::Favor => Probabilities {
            favor: 0.5 + score / 2.0,
            against: 0.1,
            neutral: 0.4 - score / 2.0,
        },
        StanceLabel::Against => Probabilities {
            favor: 0.1,
            against: 0.5 - score / 2.0,
            neutral: 0.4 + score / 2.0,
        },
        StanceLabel::Neutral => Probabilities {
            favor: 0.1,
            against: 0.1,
            neutral: 0.8,
        },
    };
    Stance {
        label,
        score,
        confidence: p.get(label),
        strength: 2,
        probabilities: p,
    }
}

/// The speaker with their position qualified (strength 1), as the stance stage reports a
/// speaker whose statements on their side are hedged or conditional.
fn qualified(mut sp: SpeakerReport) -> SpeakerReport {
    sp.stance.strength = 1;
    sp
}

fn speaker(
    name: &str,
    label: StanceLabel,
    score: f32,
    statement: Option<(usize, usize)>,
) -> SpeakerReport {
    let st = stance(label, score);
    SpeakerReport {
        name: name.into(),
        kind: SpeakerKind::Person,
        role: None,
        mentions: vec![Mention {
            text: name.into(),
            start: statement.map_or(0, |s| s.0),
            end: 0,
        }],
        stance: st,
        statements: statement
            .map(|(start, end)| StatementReport {
                text: String::new(),
                start,
                end,
                kind: StatementKind::Direct,
                cue: "said".into(),
                stance: st,
            })
            .into_iter()
            .collect(),
    }
}

fn input<'a>(
    sentences: &'a [parley::text::Sentence],
    quoted: &'a [parley::report::Span],
    speakers: &'a [SpeakerReport],
) -> SummaryInput<'a> {
    SummaryInput {
        text: ARTICLE,
        title: Some(TITLE),
        sentences,
        quoted,
        speakers,
        target: "the water deal",
    }
}

/// Extractive output: source sentences with their exact spans, in document order, within
/// the word budget, including the key event (the lead), and no stance line without sides.
#[test]
fn extractive_is_a_subset_of_source_sentences() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(ARTICLE);
    assert_eq!(sentences.len(), 11, "{sentences:#?}");
    assert!(!quoted.is_empty());
    let opts = SummaryOptions::default();
    let s = summary::extractive(&input(&sentences, &quoted, &[]), &embedder, &opts).unwrap();
    assert_eq!(s.mode, SummaryMode::Extractive);
    assert!(!s.sentences.is_empty());
    let mut last_start = 0;
    let mut words = 0;
    for ss in &s.sentences {
        assert_eq!(ss.origin, Origin::Extracted);
        assert_eq!(ss.support.len(), 1);
        let span = ss.support[0];
        assert_eq!(
            span_text(ARTICLE, span),
            ss.text,
            "span must point at the sentence"
        );
        assert!(sentences.iter().any(|x| x.span == span));
        assert!(span.start >= last_start, "document order");
        last_start = span.start;
        words += word_count(&ss.text);
    }
    assert!(words <= opts.max_words, "{words} words");
    assert!(
        s.sentences[0]
            .text
            .starts_with("Officials from Orvell and Kestra signed"),
        "the key event sentence leads: {:?}",
        s.text
    );
    // The pure-quote sentences (the farmer's) should not be picked over facts.
    assert!(!s.text.contains("I will believe it"), "{}", s.text);
    assert_eq!(
        s.text,
        s.sentences
            .iter()
            .map(|x| x.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Faithful: nothing unsupported.
    assert!(unsupported(ARTICLE, &s.text).unsupported.is_empty());
}

/// A tighter budget still returns whole sentences and respects the sentence cap.
#[test]
fn extractive_budgets() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(ARTICLE);
    let opts = SummaryOptions {
        max_words: 40,
        max_sentences: 1,
        ..SummaryOptions::default()
    };
    let s = summary::extractive(&input(&sentences, &quoted, &[]), &embedder, &opts).unwrap();
    assert_eq!(s.sentences.len(), 1);
    assert!(word_count(&s.text) <= 40);
    // No sentences: a clear error, not a panic.
    let err = summary::extractive(&input(&[], &quoted, &[]), &embedder, &opts).unwrap_err();
    assert!(matches!(err, parley::Error::InvalidInput(_)), "{err}");
}

/// A plain-text article pasted with its headline line, and a sentence that answers the one
/// before it ("Officials, however, disputed the claim."). Lifted out alone after the
/// meeting's description, that sentence would say the meeting was disputed; the headline
/// line would run into the lead as if it were a sentence.
const PASTED: &str = "Orvell and Kestra promise strait ceasefire as fishing grounds dispute flares

Ferry talks between Orvell and Kestra ended in Lansport on Monday with both sides promising a ceasefire on the strait within a week.
The harbour office described the meeting, held in the old customs hall, as \"constructive and calm.\"
On Sunday, in a radio bulletin that was read out twice to harbour crews and then posted on the notice board of every quay from Lansport to the northern reefs, the Kestran coast guard claimed that every trawler from Orvell had left the waters around the three northern reefs before dawn, a condition its commanders had set for any ceasefire.
Orvell's fisheries office, however, disputed the claim.
The ceasefire would be watched by two unarmed patrol boats.";

#[test]
fn extractive_keeps_headline_out_and_replies_with_what_they_answer() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(PASTED);
    let headline = summary::headline(&sentences).expect("the first line is a headline");
    assert!(headline.text.starts_with("Orvell and Kestra promise"));
    let input = SummaryInput {
        text: PASTED,
        title: None,
        sentences: &sentences,
        quoted: &quoted,
        speakers: &[],
        target: "a ceasefire",
    };
    let s = summary::extractive(&input, &embedder, &SummaryOptions::default()).unwrap();
    assert!(
        s.text.starts_with("Ferry talks between Orvell and Kestra"),
        "the headline is not a summary sentence: {}",
        s.text
    );
    // Every chosen sentence that answers the one before it comes right after that one.
    let chosen: Vec<usize> = s
        .sentences
        .iter()
        .map(|ss| {
            sentences
                .iter()
                .position(|x| x.span == ss.support[0])
                .unwrap()
        })
        .collect();
    let reply = sentences
        .iter()
        .position(|x| x.text.contains("disputed the claim"))
        .unwrap();
    if chosen.contains(&reply) {
        assert!(chosen.contains(&(reply - 1)), "{}", s.text);
    }
    assert!(
        !s.text
            .contains("\"constructive and calm.\" Orvell's fisheries office, however"),
        "{}",
        s.text
    );
}

/// With speakers who take sides, the stance line is appended (origin Template).
#[test]
fn extractive_appends_stance_line() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(ARTICLE);
    let speakers = vec![
        speaker("Edda Marsh", StanceLabel::Favor, 0.9, Some((200, 240))),
        qualified(speaker(
            "Pavel Ostrin",
            StanceLabel::Favor,
            0.3,
            Some((420, 450)),
        )),
        speaker("Ana Lucic", StanceLabel::Neutral, 0.0, None),
    ];
    let s = summary::extractive(
        &input(&sentences, &quoted, &speakers),
        &embedder,
        &SummaryOptions::default(),
    )
    .unwrap();
    let last = s.sentences.last().unwrap();
    assert_eq!(last.origin, Origin::Template);
    assert_eq!(
        last.text,
        "Edda Marsh supports the water deal; Pavel Ostrin backs it conditionally; Ana Lucic is neutral."
    );
    assert!(s.text.ends_with(&last.text));
}

/// The checker: paraphrase accepted with support; invented name, changed number and an
/// off-topic sentence rejected.
#[test]
fn checker_accepts_paraphrase_rejects_inventions() {
    let embedder = MiniLm::from_env();
    let (sentences, _) = analyze(ARTICLE);
    let checker = Checker::new(ARTICLE, &sentences, &embedder).unwrap();
    let cases = [
        "Orvell and Kestra agreed in Tamsin to share the Lumen river's water, ending a four-year dispute over the Halvard dam.",
        "The agreement was welcomed by Kestra's president, Ivo Rensky.",
        "The deal gives Kestra 55 percent of the river's summer flow.",
        "The football season starts next month with new rules for referees.",
    ];
    let v = checker.check(&cases, &embedder).unwrap();
    assert!(v[0].passed(), "{:?}", v[0].rejection);
    let support = checker.support(&v[0]);
    assert!(support.contains(&sentences[0].span), "{support:?}");
    match &v[1].rejection {
        Some(Rejection::UnsupportedFacts(f)) => assert_eq!(f[0].text, "Ivo Rensky"),
        other => panic!("invented name not rejected: {other:?}"),
    }
    match &v[2].rejection {
        Some(Rejection::UnsupportedFacts(f)) => assert_eq!(f[0].text, "55"),
        other => panic!("changed number not rejected: {other:?}"),
    }
    assert!(
        matches!(v[3].rejection, Some(Rejection::TooFar(_))),
        "{:?}",
        v[3].rejection
    );
    // The replacement candidate for the changed number is the sentence it came from.
    assert_eq!(v[2].ranked[0].0, 1);
}

/// A language model with canned replies, standing in for the generator so the
/// abstractive plumbing (chunking, checking, replacement, warnings) is tested exactly.
/// Token counts are words: the chunking logic only compares counts with the context.
struct Canned {
    context: usize,
    /// Replies to article prompts, in order (the last one repeats).
    replies: Vec<String>,
    /// Reply to a merge prompt.
    merged: String,
    prompts: Vec<String>,
}

impl ChatModel for Canned {
    fn context_length(&self) -> usize {
        self.context
    }
    fn prompt_tokens(&self, system: Option<&str>, user: &str) -> parley::Result<usize> {
        Ok(system.map_or(0, word_count) + word_count(user))
    }
    fn reply(&mut self, _system: Option<&str>, user: &str, _max: usize) -> parley::Result<String> {
        self.prompts.push(user.to_string());
        if user.contains("Part 1:") {
            return Ok(self.merged.clone());
        }
        Ok(if self.replies.len() > 1 {
            self.replies.remove(0)
        } else {
            self.replies[0].clone()
        })
    }
}

/// Generated sentences that pass stay `Generated` with support; failing ones are replaced
/// by the closest source sentence; an unfinished tail is dropped with a warning.
#[test]
fn abstractive_replaces_unsupported_sentences() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(ARTICLE);
    let mut model = Canned {
        context: 4096,
        replies: vec![
            "Here is a summary:\n\nOrvell and Kestra signed a deal in Tamsin on Wednesday to share the Lumen river's water. \
             Kestra will get 60 percent of the summer flow, said minister Ivo Rensky. The commission first meets"
                .into(),
        ],
        merged: String::new(),
        prompts: Vec::new(),
    };
    let out = summary::abstractive(
        &input(&sentences, &quoted, &[]),
        &mut model,
        &embedder,
        &SummaryOptions::default(),
    )
    .unwrap();
    assert_eq!(model.prompts.len(), 1, "fits the context: one call");
    assert!(
        model.prompts[0].contains("Officials from Orvell"),
        "the whole article is in the prompt"
    );
    let s = &out.summary;
    assert_eq!(s.mode, SummaryMode::Abstractive);
    assert_eq!(s.sentences.len(), 2, "{:#?}", s.sentences);
    assert_eq!(s.sentences[0].origin, Origin::Generated);
    assert!(s.sentences[0].support.contains(&sentences[0].span));
    assert_eq!(s.sentences[1].origin, Origin::Extracted);
    assert_eq!(
        s.sentences[1].text, sentences[1].text,
        "closest source sentence"
    );
    assert_eq!(out.stats.generated, 2);
    assert_eq!(out.stats.kept, 1);
    assert_eq!(out.stats.replaced_facts, 1);
    assert!(out.stats.unsupported_before.contains(&"60".to_string()));
    assert!(
        out.warnings.iter().any(|w| w.contains("unfinished")),
        "{:?}",
        out.warnings
    );
    assert!(unsupported(ARTICLE, &s.text).unsupported.is_empty());
}

/// An article longer than the context is summarised in parts and merged, with a warning.
#[test]
fn abstractive_chunks_long_articles() {
    let embedder = MiniLm::from_env();
    let (sentences, quoted) = analyze(ARTICLE);
    let mut model = Canned {
        context: 260,
        replies: vec![
            "Orvell and Kestra agreed to share the Lumen river.".into(),
            "Farmers are impatient.".into(),
        ],
        merged: "Orvell and Kestra signed an agreement to share the Lumen river's water. \
                 Rainfall in the valley has fallen by a third since 2019."
            .into(),
        prompts: Vec::new(),
    };
    let opts = SummaryOptions {
        max_new_tokens: 100,
        ..SummaryOptions::default()
    };
    let out = summary::abstractive(
        &input(&sentences, &quoted, &[]),
        &mut model,
        &embedder,
        &opts,
    )
    .unwrap();
    assert!(
        model.prompts.len() >= 3,
        "parts then a merge: {}",
        model.prompts.len()
    );
    assert!(model.prompts.last().unwrap().contains("Part 1:"));
    assert!(
        out.warnings.iter().any(|w| w.contains("parts")),
        "{:?}",
        out.warnings
    );
    // Every part prompt fits the budget and together they cover every sentence.
    let parts = &model.prompts[..model.prompts.len() - 1];
    for p in parts {
        assert!(word_count(p) <= 260 - 100, "{}", word_count(p));
    }
    for s in &sentences {
        assert!(
            parts.iter().any(|p| p.contains(s.text.as_str())),
            "lost: {}",
            s.text
        );
    }
    assert_eq!(
        out.summary.sentences.len(),
        2,
        "{:#?}",
        out.summary.sentences
    );
    assert!(out
        .summary
        .sentences
        .iter()
        .all(|s| s.origin == Origin::Generated));
}

/// The stance line from a few speaker reports: strongest first, grouping, weak phrasing,
/// at most four names, the rest counted; none when nobody takes a side.
#[test]
fn stance_line_from_speakers() {
    let sp = vec![
        speaker("Damian Oosterhout", StanceLabel::Neutral, 0.0, None),
        speaker("Elke Vadas", StanceLabel::Favor, 0.9, Some((10, 20))),
        speaker(
            "Maija Holmquist",
            StanceLabel::Against,
            -0.8,
            Some((30, 40)),
        ),
        speaker("Henri Roquet", StanceLabel::Against, -0.85, Some((50, 60))),
    ];
    let line = stance_line(&sp, "a ceasefire").unwrap();
    assert_eq!(
        line.text,
        "Elke Vadas supports a ceasefire; Henri Roquet and Maija Holmquist oppose it; Damian Oosterhout is neutral."
    );
    assert_eq!(line.origin, Origin::Template);
    assert_eq!(line.support.len(), 3);

    // Strength 1 reads as qualified; a weak score with strength 2 does not.
    let weak_pair = || {
        vec![
            speaker("Nabil Kazemi", StanceLabel::Favor, 0.3, None),
            speaker("Zofia Cerny", StanceLabel::Against, -0.2, None),
        ]
    };
    let hedged: Vec<SpeakerReport> = weak_pair().into_iter().map(qualified).collect();
    assert_eq!(
        stance_line(&hedged, "the truce").unwrap().text,
        "Nabil Kazemi backs the truce conditionally; Zofia Cerny is wary of it."
    );
    assert_eq!(
        stance_line(&weak_pair(), "the truce").unwrap().text,
        "Nabil Kazemi supports the truce; Zofia Cerny opposes it."
    );

    let many: Vec<SpeakerReport> = (0..7)
        .map(|i| {
            let label = if i < 5 {
                StanceLabel::Favor
            } else {
                StanceLabel::Neutral
            };
            speaker(
                &format!("Person {i}"),
                label,
                if i < 5 { 0.9 - i as f32 * 0.05 } else { 0.0 },
                None,
            )
        })
        .collect();
    let text = stance_line(&many, "the merger").unwrap().text;
    assert_eq!(
        text,
        "Person 0, Person 1, Person 2, Person 3 and another speaker support the merger; the rest are neutral."
    );

    // Unnamed speakers who share a named group's position join its clause.
    let mixed = vec![
        speaker("Oren Vasko", StanceLabel::Favor, 0.3, None),
        speaker("Talia Brecht", StanceLabel::Neutral, 0.0, None),
        speaker("Mira Holt", StanceLabel::Neutral, 0.0, None),
        speaker("Ivo Bran", StanceLabel::Neutral, 0.0, None),
        speaker("Lena Sorel", StanceLabel::Neutral, 0.0, None),
        speaker("Jon Pike", StanceLabel::Neutral, 0.0, None),
    ];
    assert_eq!(
        stance_line(&mixed, "a ceasefire").unwrap().text,
        "Oren Vasko supports a ceasefire; Talia Brecht, Mira Holt, Ivo Bran and others \
         are neutral."
    );

    // After "others" or "another speaker", a clause of the unnamed alone does not repeat
    // the phrase; the last such clause holds the rest.
    let spread: Vec<SpeakerReport> = [
        ("Greta Holm", StanceLabel::Favor, 0.9),
        ("Aksel Varn", StanceLabel::Favor, 0.85),
        ("Rita Oyelaran", StanceLabel::Against, -0.8),
        ("Bo Strand", StanceLabel::Against, -0.75),
        ("Ines Dahl", StanceLabel::Favor, 0.4),
        ("Kai Moss", StanceLabel::Favor, 0.35),
        ("Lars Eke", StanceLabel::Against, -0.3),
        ("Nina Roos", StanceLabel::Neutral, 0.0),
        ("Olle Berg", StanceLabel::Neutral, 0.0),
    ]
    .into_iter()
    .map(|(name, label, score)| speaker(name, label, score, None))
    .collect();
    let mut wary = spread.clone();
    wary[6] = qualified(wary[6].clone());
    assert_eq!(
        stance_line(&wary, "the plan").unwrap().text,
        "Greta Holm, Aksel Varn and others support the plan; Rita Oyelaran and Bo Strand \
         oppose it; a further speaker is wary of it; the rest are neutral."
    );
    let single_rest: Vec<SpeakerReport> = spread[..8].to_vec();
    assert_eq!(
        stance_line(&single_rest, "the plan").unwrap().text,
        "Greta Holm, Aksel Varn and others support the plan; Rita Oyelaran, Bo Strand \
         and another speaker oppose it; the remaining speaker is neutral."
    );

    let neutral = vec![speaker("Astrid Lyngdal", StanceLabel::Neutral, 0.0, None)];
    assert!(stance_line(&neutral, "the ceasefire").is_none());
    assert!(stance_line(&[], "the ceasefire").is_none());
}

/// ROUGE on examples small enough to count by hand, and key-fact coverage.
#[test]
fn metrics_on_hand_computed_examples() {
    // ref tokens: police(polic) arrested two men (4); cand: two men were arrested (4).
    // Unigram overlap {two, men, arrest(ed)} = 3 -> P = R = F = 0.75. Stemming makes
    // "arrested" match "arrested"; "police" is not in the candidate.
    let r = rouge(&["Police arrested two men."], &["Two men were arrested."]);
    assert!((r.rouge1.f1 - 0.75).abs() < 1e-12, "{:?}", r.rouge1);
    // Bigrams: ref {police arrest, arrest two, two men}; cand {two men, men were, were arrest}: 1/3.
    assert!((r.rouge2.f1 - 1.0 / 3.0).abs() < 1e-12);
    // LCS: "two men" (2) or "arrest" (1) -> 2/4.
    assert!((r.rouge_lsum.f1 - 0.5).abs() < 1e-12);

    let facts = ["two men arrested", "police seized a car"];
    assert_eq!(
        key_fact_coverage("Two men were arrested.", &facts),
        Some(0.5)
    );

    let (sents, _) = analyze(ARTICLE);
    assert_eq!(lead_n(&sents, 2).len(), 2);
    let scores = score_summary(
        ARTICLE,
        &["Orvell and Kestra agreed to share water."],
        &facts,
        &lead_n(&sents, 1),
    );
    assert_eq!(scores.unsupported.rate(), 0.0);
    assert!(scores.unsupported.total >= 5, "{:?}", scores.unsupported);
}

fn dev_speakers(a: &support::DevArticle) -> Vec<SpeakerReport> {
    a.speakers
        .iter()
        .map(|s| {
            let label: StanceLabel = s.stance.parse().unwrap();
            let mag = if s.strength >= 2 { 0.9 } else { 0.3 };
            let score = match label {
                StanceLabel::Favor => mag,
                StanceLabel::Against => -mag,
                StanceLabel::Neutral => 0.0,
            };
            let mut sp = speaker(&s.name, label, score, None);
            sp.role = s.role.clone();
            if let Some(pos) = s.evidence.first().and_then(|e| a.text.find(e.as_str())) {
                let start = a.text[..pos].chars().count();
                sp.mentions[0].start = start;
            }
            sp
        })
        .collect()
}

/// The dev-corpus table: LEAD-3 vs extractive (vs extractive + stance line from the gold
/// speakers). Run: PARLEY_DEV_CORPUS=... cargo test --test summary -- --ignored --nocapture
#[test]
#[ignore = "dev harness: prints the dev-corpus table"]
fn dev_corpus_report() {
    let embedder = MiniLm::from_env();
    let corpus = support::load_corpus(&support::env_dir("PARLEY_DEV_CORPUS"));
    let opts = SummaryOptions {
        stance_line: false,
        ..SummaryOptions::default()
    };
    let mut rows: Vec<(String, [f64; 6])> = Vec::new();
    let mut sums = [[0.0f64; 6]; 3];
    for a in &corpus {
        let (sents, quoted) = analyze(&a.text);
        let refs = sentence_texts(&a.reference_summary);
        let speakers = dev_speakers(a);
        let inp = SummaryInput {
            text: &a.text,
            title: Some(&a.title),
            sentences: &sents,
            quoted: &quoted,
            speakers: &speakers,
            target: &a.target,
        };
        let t = std::time::Instant::now();
        let ext = summary::extractive(&inp, &embedder, &opts).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let ext_s: Vec<String> = ext.sentences.iter().map(|s| s.text.clone()).collect();
        let mut with_line = ext_s.clone();
        if let Some(l) = stance_line(&speakers, &a.target) {
            with_line.push(l.text);
        }
        let lead: Vec<String> = lead_n(&sents, 3).into_iter().map(String::from).collect();
        for (k, summ) in [lead, ext_s, with_line].iter().enumerate() {
            let sc = score_summary(&a.text, &refs, &a.key_facts, summ);
            let row = [
                sc.rouge.rouge1.f1,
                sc.rouge.rouge2.f1,
                sc.rouge.rouge_lsum.f1,
                sc.key_fact_coverage.unwrap_or(0.0),
                sc.words as f64,
                sc.unsupported.rate(),
            ];
            for (s, v) in sums[k].iter_mut().zip(row) {
                *s += v;
            }
            if k == 2 && !sc.unsupported.unsupported.is_empty() {
                eprintln!(
                    "{}: unsupported in line: {:?}",
                    a.id, sc.unsupported.unsupported
                );
            }
            if let Some(path) = std::env::var_os("PARLEY_SUMMARY_DUMP") {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .unwrap();
                let line = serde_json::json!({"id": a.id, "kind": k, "summary": summ, "reference": refs,
                    "rouge": [sc.rouge.rouge1.f1, sc.rouge.rouge2.f1, sc.rouge.rouge_lsum.f1]});
                writeln!(f, "{line}").unwrap();
            }
            if k == 1 {
                rows.push((format!("{} ({ms:.0} ms)", &a.id[..12]), row));
                eprintln!("{}: {}", a.id, summ.join(" | "));
            }
        }
    }
    eprintln!(
        "\n{:<24} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "article", "R1", "R2", "RLsum", "KF", "words", "unsup"
    );
    for (id, r) in &rows {
        eprintln!(
            "{id:<24} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.0} {:>6.3}",
            r[0], r[1], r[2], r[3], r[4], r[5]
        );
    }
    let n = corpus.len() as f64;
    for (name, s) in ["LEAD-3", "extractive", "extractive+line"].iter().zip(sums) {
        eprintln!(
            "{name:<24} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.1} {:>6.3}",
            s[0] / n,
            s[1] / n,
            s[2] / n,
            s[3] / n,
            s[4] / n,
            s[5] / n
        );
    }
}

/// The abstractive dev table: SmolLM2 output before and after the checker, with per-sentence
/// diagnostics (best source similarity, unsupported facts) for calibrating the threshold.
/// Run: PARLEY_DEV_CORPUS=... cargo test --test summary dev_corpus_abstractive -- --ignored
///      --nocapture
#[test]
#[ignore = "dev harness: runs SmolLM2 over the dev corpus"]
fn dev_corpus_abstractive() {
    use parley::summary::abstractive::split_generated;
    use parley::summary::check::cosine;
    let embedder = MiniLm::from_env();
    let gguf = support::generator_gguf();
    let mut generator =
        parley::model::generator::Generator::load(&gguf, &candle_core::Device::Cpu).unwrap();
    let corpus = support::load_corpus(&support::env_dir("PARLEY_DEV_CORPUS"));
    let opts = SummaryOptions {
        stance_line: false,
        ..SummaryOptions::default()
    };
    let mut sums = [[0.0f64; 6]; 2];
    let mut total_ms = 0.0;
    let (mut kept, mut gen, mut far, mut facts) = (0, 0, 0, 0);
    for a in &corpus {
        let (sents, quoted) = analyze(&a.text);
        let refs = sentence_texts(&a.reference_summary);
        let inp = SummaryInput {
            text: &a.text,
            title: Some(&a.title),
            sentences: &sents,
            quoted: &quoted,
            speakers: &[],
            target: &a.target,
        };
        let t = std::time::Instant::now();
        let out = summary::abstractive(&inp, &mut generator, &embedder, &opts).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        total_ms += ms;
        // "Before": the model's own first three sentences, as the checker saw them.
        let (mut raw, _) = split_generated(&out.raw.replace('\n', " "));
        raw.truncate(3);
        let after: Vec<String> = out
            .summary
            .sentences
            .iter()
            .map(|s| s.text.clone())
            .collect();
        eprintln!("\n== {} ({ms:.0} ms) warnings {:?}", a.id, out.warnings);
        // Diagnostics: each raw sentence, its best source similarity and unsupported facts.
        let src: Vec<&str> = sents.iter().map(|s| s.text.as_str()).collect();
        let sv = parley::model::Embedder::embed(&embedder, &src).unwrap();
        for r in &raw {
            let v = &parley::model::Embedder::embed(&embedder, &[r.as_str()]).unwrap()[0];
            let best = sv.iter().map(|x| cosine(v, x)).fold(f32::MIN, f32::max);
            let article = format!("{}\n\n{}", a.title, a.text);
            eprintln!(
                "  gen {best:.3} {:?} :: {r}",
                unsupported(&article, r).unsupported
            );
        }
        for s in &out.summary.sentences {
            eprintln!("  out {:?}: {}", s.origin, s.text);
        }
        gen += out.stats.generated;
        kept += out.stats.kept;
        far += out.stats.replaced_far;
        facts += out.stats.replaced_facts;
        // The headline is part of the article for the fact check.
        let article = format!("{}\n\n{}", a.title, a.text);
        for (k, summ) in [raw, after].iter().enumerate() {
            let sc = score_summary(&article, &refs, &a.key_facts, summ);
            let row = [
                sc.rouge.rouge1.f1,
                sc.rouge.rouge2.f1,
                sc.rouge.rouge_lsum.f1,
                sc.key_fact_coverage.unwrap_or(0.0),
                sc.words as f64,
                sc.unsupported.rate(),
            ];
            for (s, v) in sums[k].iter_mut().zip(row) {
                *s += v;
            }
        }
    }
    let n = corpus.len() as f64;
    eprintln!(
        "\n{:<24} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "", "R1", "R2", "RLsum", "KF", "words", "unsup"
    );
    for (name, s) in ["SmolLM2 raw", "SmolLM2 checked"].iter().zip(sums) {
        eprintln!(
            "{name:<24} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.1} {:>6.3}",
            s[0] / n,
            s[1] / n,
            s[2] / n,
            s[3] / n,
            s[4] / n,
            s[5] / n
        );
    }
    eprintln!(
        "sentences: {gen} generated, {kept} kept, {facts} replaced (facts), {far} replaced (too far); {:.0} ms/article",
        total_ms / n
    );
}
