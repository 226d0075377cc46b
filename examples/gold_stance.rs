//! A stance artifact on an annotated corpus, given the gold evidence instead of the
//! engine's statements: the classifier's share of the end-to-end error.
//!
//! ```text
//! cargo run --release --example gold_stance -- data/probe-articles models/stance [BASE_DIR]
//! ```
//!
//! Prints macro-F1 per speaker with each gold evidence string alone, in its sentence (the
//! engine's input) and as a plain mean of the sentence probabilities, then the speakers
//! the sentence setting gets wrong. `BASE_DIR` is the all-MiniLM-L6-v2 directory
//! (default: the model cache, `~/.cache/parley/models/all-minilm-l6-v2`).

use std::path::PathBuf;

use parley::stance::classifier::TrainedClassifier;
use parley::stance::data::load_dev_corpus;
use parley::stance::train::evaluate_dev;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, artifact, rest @ ..] = args.as_slice() else {
        return Err("usage: gold_stance CORPUS_DIR ARTIFACT_DIR [BASE_DIR]".into());
    };
    let base = match rest.first() {
        Some(b) => PathBuf::from(b),
        None => PathBuf::from(std::env::var("HOME")?).join(".cache/parley/models/all-minilm-l6-v2"),
    };
    let clf = TrainedClassifier::load(&base, artifact.as_ref())?;
    let speakers = load_dev_corpus(corpus.as_ref())?;
    let d = evaluate_dev(&clf, &speakers)?;
    println!(
        "evidence alone\n{}\nin its sentence (aggregated)\n{}\nin its sentence (plain mean)\n{}",
        d.evidence_only, d.sentence, d.sentence_mean
    );
    for s in d.speakers.iter().filter(|s| s.gold != s.predicted) {
        println!(
            "wrong: {} | {}: gold {:?}, got {:?} ({:+.2})",
            s.article, s.speaker, s.gold, s.predicted, s.score
        );
    }
    Ok(())
}
