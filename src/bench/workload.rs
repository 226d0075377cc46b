//! The fixed benchmark workload: four invented articles (embedded from `benches/articles/`),
//! the sentences the encoder embeds, the prompt the generator reads, and the sizes of each
//! run in full and `--quick` mode. `parley bench`, the criterion benches and the peer
//! scripts (which read the workload back from `parley bench --json`) all use this one
//! definition, so their figures describe the same work.
//!
//! The sentence split here is deliberately simple and frozen (it is not `crate::text`):
//! the workload must not change when the text stage improves.

use serde::{Deserialize, Serialize};

/// Bump when the articles or the sizes change: figures with different versions are not
/// comparable.
pub const WORKLOAD_VERSION: u32 = 1;

/// The built-in articles: (file name, text).
pub const ARTICLES: [(&str, &str); 4] = [
    (
        "01-valley-truce",
        include_str!("../../benches/articles/01-valley-truce.txt"),
    ),
    (
        "02-tram-strike",
        include_str!("../../benches/articles/02-tram-strike.txt"),
    ),
    (
        "03-fishing-accord",
        include_str!("../../benches/articles/03-fishing-accord.txt"),
    ),
    (
        "04-hospital-merger",
        include_str!("../../benches/articles/04-hospital-merger.txt"),
    ),
];

/// Stance target for the engine-level figures.
pub const TARGET: &str = "a ceasefire";

/// How much work each figure does per repeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadSpec {
    pub version: u32,
    /// Timed repeats per figure (warm-up excluded).
    pub repeats: usize,
    /// Untimed runs before the timed ones.
    pub warmup: usize,
    /// Timed model loads (no warm-up: the first load is what a user waits for).
    pub load_repeats: usize,
    /// Prompt tokens the generator prefills (batch 1).
    pub prefill_tokens: usize,
    /// Tokens decoded one at a time after the prefill (greedy, batch 1).
    pub decode_tokens: usize,
    /// Sentences embedded per repeat, at every batch size.
    pub encoder_sentences: usize,
    /// Encoder batch sizes (the batch-size curve).
    pub encoder_batches: Vec<usize>,
    /// Times the built-in articles are analysed per repeat (articles/min).
    pub analyze_rounds: usize,
}

impl WorkloadSpec {
    /// The full workload (a few minutes on two CPU cores).
    pub fn full() -> Self {
        WorkloadSpec {
            version: WORKLOAD_VERSION,
            repeats: 5,
            warmup: 1,
            load_repeats: 3,
            prefill_tokens: 128,
            decode_tokens: 64,
            encoder_sentences: 128,
            encoder_batches: vec![1, 2, 4, 8, 16, 32, 64],
            analyze_rounds: 2,
        }
    }

    /// `--quick`: the same generator sizes (so quick and full medians are comparable),
    /// fewer repeats, one load each, half the encoder sentences and a shorter batch curve.
    pub fn quick() -> Self {
        WorkloadSpec {
            repeats: 3,
            load_repeats: 1,
            encoder_sentences: 32,
            encoder_batches: vec![1, 8, 32],
            analyze_rounds: 1,
            ..Self::full()
        }
    }
}

/// Abbreviations that end with a full stop but do not end a sentence.
const ABBREVIATIONS: [&str; 6] = ["Dr", "St", "Mr", "Mrs", "Ms", "Prof"];

/// Split `text` into sentences: blank lines end a sentence, and so does `.`, `!` or `?`
/// (with any closing quote) followed by whitespace, unless the word before the stop is a
/// known abbreviation.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let chars: Vec<char> = para.chars().collect();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            if matches!(chars[i], '.' | '!' | '?') {
                let mut end = i + 1;
                while end < chars.len() && matches!(chars[end], '"' | '\'' | '”' | '’') {
                    end += 1;
                }
                let at_space = end < chars.len() && chars[end].is_whitespace();
                let word: String = chars[start..i]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_alphabetic())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if at_space && !(chars[i] == '.' && ABBREVIATIONS.contains(&word.as_str())) {
                    push_trimmed(&mut out, &chars[start..end]);
                    start = end;
                }
                i = end;
            } else {
                i += 1;
            }
        }
        push_trimmed(&mut out, &chars[start..]);
    }
    out
}

fn push_trimmed(out: &mut Vec<String>, chars: &[char]) {
    let s: String = chars.iter().collect();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !s.is_empty() {
        out.push(s);
    }
}

/// Every sentence of the built-in articles, in article order.
pub fn all_sentences() -> Vec<String> {
    ARTICLES
        .iter()
        .flat_map(|(_, text)| split_sentences(text))
        .collect()
}

/// The `n` sentences the encoder embeds: the articles' sentences in order, cycled.
pub fn encoder_sentences(n: usize) -> Vec<String> {
    all_sentences().into_iter().cycle().take(n).collect()
}

/// The text the generator's prompt is cut from (the first article); the first
/// `prefill_tokens` tokens of its encoding are the prompt.
pub fn generator_prompt_text() -> &'static str {
    ARTICLES[0].1
}

/// A long article for the text-stage benches: every built-in article, three times over,
/// as one text (about 20,000 characters).
pub fn long_article() -> String {
    let one: Vec<&str> = ARTICLES.iter().map(|(_, t)| t.trim()).collect();
    let one = one.join("\n\n");
    [one.as_str(), one.as_str(), one.as_str()].join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_stops_quotes_and_paragraphs() {
        let s = split_sentences(
            "He said no. \"We are ready,\" she said. Dr. Korhonen agreed!\n\nIs it over? Yes",
        );
        assert_eq!(
            s,
            vec![
                "He said no.",
                "\"We are ready,\" she said.",
                "Dr. Korhonen agreed!",
                "Is it over?",
                "Yes"
            ]
        );
    }

    #[test]
    fn quoted_sentence_end_stays_with_its_quote() {
        let s =
            split_sentences("\"Call us tonight,\" she said. \"We will answer.\" Then she left.");
        assert_eq!(
            s,
            vec![
                "\"Call us tonight,\" she said.",
                "\"We will answer.\"",
                "Then she left."
            ]
        );
    }

    #[test]
    fn articles_give_a_stable_sentence_set() {
        let all = all_sentences();
        // Sanity bounds, not exact counts: each article has 15–30 sentences.
        assert!((60..=120).contains(&all.len()), "{}", all.len());
        assert!(all.iter().all(|s| s.len() > 3 && s.len() < 400));
        let enc = encoder_sentences(200);
        assert_eq!(enc.len(), 200);
        assert_eq!(enc[all.len()], all[0], "sentences cycle");
        assert!(long_article().chars().count() > 15_000);
    }

    #[test]
    fn quick_is_smaller_but_keeps_headline_sizes() {
        let (q, f) = (WorkloadSpec::quick(), WorkloadSpec::full());
        assert!(q.repeats < f.repeats);
        assert_eq!(q.prefill_tokens, f.prefill_tokens);
        assert_eq!(q.decode_tokens, f.decode_tokens);
        for b in [1, 8, 32] {
            assert!(q.encoder_batches.contains(&b) && f.encoder_batches.contains(&b));
        }
        for w in [&q, &f] {
            assert!(w
                .encoder_batches
                .iter()
                .all(|b| w.encoder_sentences % b == 0));
        }
    }
}
