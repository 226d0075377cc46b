//! Training statements from annotated articles: each gold evidence string of each
//! speaker, in its sentence, labelled with the speaker's stance (the data of run R in
//! `models/stance/TRAINING.md`, eighteenth session; not part of `data/stance/`).
//!
//! ```text
//! cargo run --release --example article_evidence -- data/probe-articles fresh- > articles.jsonl
//! ```
//!
//! Only articles whose id starts with the prefix are read. Statements that hash into the
//! validation bucket are left out, so adding the file to a copy of `data/stance/` keeps
//! the validation split the same 270 statements. Never run it on `data/dev`: the dev
//! corpus is for measuring.

use std::collections::HashSet;

use parley::report::StanceLabel;
use parley::stance::data::{is_validation, load_dev_corpus, Example};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, prefix] = args.as_slice() else {
        return Err("usage: article_evidence CORPUS_DIR ID_PREFIX".into());
    };
    let mut seen = HashSet::new();
    let (mut kept, mut held) = (0, 0);
    for s in load_dev_corpus(corpus.as_ref())?
        .iter()
        .filter(|s| s.article.starts_with(prefix.as_str()))
    {
        for ev in &s.evidence {
            let ex = Example {
                target: s.target.clone(),
                speaker: s.name.clone(),
                statement: ev.sentence.trim().to_string(),
                label: s.stance,
                strength: if s.stance == StanceLabel::Neutral {
                    2
                } else {
                    s.strength
                },
                tags: vec!["article_evidence".into()],
                source: String::new(),
            };
            if !seen.insert((ex.speaker.clone(), ex.statement.clone())) {
                continue;
            }
            if is_validation(&ex, 10) {
                held += 1;
                continue;
            }
            kept += 1;
            println!("{}", serde_json::to_string(&ex)?);
        }
    }
    eprintln!("{kept} statements; {held} left out (validation bucket)");
    Ok(())
}
