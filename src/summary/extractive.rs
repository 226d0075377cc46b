//! Extractive summaries: pick whole source sentences, output them in document order.
//! Faithful by construction: every sentence is copied from the article with its span.
//!
//! Each sentence gets a base score from four news conventions, then a greedy maximal
//! marginal relevance (MMR) pass fills the word budget:
//!
//! - **salience**: cosine similarity to the headline (or, without one, to the centroid
//!   of the article's sentences): the headline is the editor's own one-line summary;
//! - **lead prior** `1 / (1 + i)` for the i-th sentence: news puts the main event first;
//! - **quote share**: the fraction of the sentence inside direct quotes is a penalty, so
//!   narrator sentences that state facts win over pure quotes, while a quote that carries
//!   the main point can still beat weaker narrator sentences;
//! - **facts**: a small bonus for a number or date (counts, amounts and schedules are what
//!   readers come for), and for the closing paragraph, where news puts what happens next.
//!
//! MMR subtracts the similarity to the closest sentence already chosen. A sentence that
//! leans on the one before it ("Officials, however, disputed the claim.", "But he said
//! ...", "The attack prompted ...") is only taken after that one: lifted out alone, it
//! reads as a reply to whatever the summary put before it, which can say something the
//! article does not. The weights were
//! tuned on the dev corpus by grid search over a few values each, choosing a plateau
//! rather than a peak (see the report in the branch's commit message).

use crate::model::Embedder;
use crate::report::{Origin, SummarySentence};
use crate::summary::check::{cosine, embed_checked, has_number_or_date};
use crate::summary::{word_count, SummaryInput, SummaryOptions};
use crate::{Error, Result};

/// The scorer's weights. The defaults were tuned on the dev corpus by grid search over a
/// few values each, choosing a plateau rather than a peak. `examples/tune_summary.rs`
/// repeats the search on any annotated corpora; on dev plus the first 48 probe articles the
/// landscape is flat (the best of 5,832 combinations gains 0.004 key-fact coverage on the
/// probe articles), so the defaults stand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Weight of salience (similarity to headline or centroid).
    pub salience: f32,
    /// Weight of the lead prior `1 / (1 + i)`.
    pub lead: f32,
    /// Penalty per unit of quote share.
    pub quote: f32,
    /// Bonus for a sentence with a number or date.
    pub fact: f32,
    /// Bonus for the closing paragraph.
    pub closing: f32,
    /// MMR redundancy penalty per unit of similarity to the closest chosen sentence.
    pub redundancy: f32,
    /// A sentence whose MMR value falls below this is never added just because it fits
    /// the remaining budget (keeps out fragments such as a one-word quote sentence).
    pub min_value: f32,
    /// Penalty for a sentence that only reports a refusal to speak ("X declined to
    /// comment"): it carries no fact a reader needs in a short summary.
    pub no_comment: f32,
    /// Penalty for a sentence (other than the first) that opens with a personal pronoun:
    /// lifted out of its paragraph, "She said ..." may point at the wrong person.
    pub pronoun: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            salience: 1.0,
            lead: 1.0,
            quote: 1.2,
            fact: 0.1,
            closing: 0.2,
            redundancy: 0.6,
            min_value: 0.2,
            no_comment: 0.5,
            pronoun: 0.3,
        }
    }
}

/// Whether the sentence's first word is a personal pronoun ("He", "She", "They", ...).
fn opens_with_pronoun(text: &str) -> bool {
    let first: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    matches!(
        first.as_str(),
        "He" | "She" | "They" | "His" | "Her" | "Their" | "Him" | "Them"
    )
}

/// Words that open a sentence answering the one before it.
const LEANING_OPENERS: [&str; 15] = [
    "however",
    "but",
    "yet",
    "instead",
    "nevertheless",
    "nonetheless",
    "and",
    "so",
    "thus",
    "therefore",
    "moreover",
    "furthermore",
    "besides",
    "otherwise",
    "still,",
];

/// Openers made of two or more words that place the sentence after the one before it.
const LEANING_PHRASES: [&str; 13] = [
    "even so",
    "in response",
    "in turn",
    "as a result",
    "by contrast",
    "in contrast",
    "on the other hand",
    "the day before",
    "the day after",
    "the next day",
    "the following day",
    "a day later",
    "hours later",
];

/// Connectives set off by commas inside a sentence ("Officials, however, disputed ...").
const LEANING_ASIDES: [&str; 8] = [
    ", however,",
    ", though,",
    ", in turn,",
    ", instead,",
    ", in response,",
    ", by contrast,",
    ", nevertheless,",
    ", nonetheless,",
];

/// Nouns that name something said or done a moment ago: after "the", "this" or "that",
/// the thing is almost always in the sentence before ("disputed the claim").
const LOCAL_SHELL_NOUNS: [&str; 22] = [
    "claim",
    "claims",
    "remark",
    "remarks",
    "comment",
    "comments",
    "criticism",
    "accusation",
    "accusations",
    "allegation",
    "allegations",
    "assertion",
    "denial",
    "attack",
    "incident",
    "move",
    "warning",
    "threat",
    "rebuke",
    "outburst",
    "figures",
    "episode",
];

/// Nouns of time after "this"/"that": "This week ..." points at the calendar, not back.
const TIME_NOUNS: [&str; 16] = [
    "week",
    "weekend",
    "year",
    "month",
    "morning",
    "afternoon",
    "evening",
    "night",
    "day",
    "season",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "time",
];

/// Whether a sentence only reads right after the one before it: it opens with a
/// connective ("But ...", "In response, ..."), a personal pronoun, an anaphoric "it" or
/// a demonstrative ("That chairman ..."), sets a connective off by commas ("Officials,
/// however, disputed ..."), or points back at a claim, remark or attack ("the claim").
pub fn leans_on_previous(text: &str) -> bool {
    let body = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = body.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(&first) = words.first() else {
        return false;
    };
    let opener = |w: &str| match w.strip_suffix(',') {
        Some(bare) => lower.starts_with(w) && first == bare,
        None => first == w && lower[w.len()..].starts_with([' ', ',']),
    };
    if (LEANING_OPENERS.iter().any(|w| opener(w)) && !lower.starts_with("so far"))
        || LEANING_PHRASES
            .iter()
            .any(|p| lower.starts_with(p) && lower[p.len()..].starts_with([' ', ',']))
        || opens_with_pronoun(text)
    {
        return true;
    }
    let second = words.get(1).copied().unwrap_or("");
    let demonstrative = matches!(first, "this" | "that" | "these" | "those" | "such")
        && !TIME_NOUNS.contains(&second);
    let anaphoric_it = first == "its" || (first == "it" && !is_expletive_it(&words));
    if demonstrative || anaphoric_it {
        return true;
    }
    if LEANING_ASIDES.iter().any(|a| lower.contains(a)) {
        return true;
    }
    words.windows(2).any(|w| {
        matches!(w[0], "the" | "this" | "that" | "these" | "those")
            && LOCAL_SHELL_NOUNS.contains(&w[1])
    })
}

/// "It is unclear whether ...", "It also remains to be seen ...": an "it" that stands for
/// nothing, so the sentence does not need the one before it.
fn is_expletive_it(words: &[&str]) -> bool {
    const COPULAS: [&str; 10] = [
        "is", "was", "remains", "remained", "seems", "seemed", "appears", "appeared", "has", "had",
    ];
    const LINKS: [&str; 8] = ["whether", "that", "if", "to", "how", "when", "why", "what"];
    let verb = words
        .iter()
        .skip(1)
        .take(2)
        .position(|w| COPULAS.contains(w));
    match verb {
        Some(v) => words.iter().skip(2 + v).take(4).any(|w| LINKS.contains(w)),
        None => false,
    }
}

/// Most words of a line that stands alone without punctuation and so is no sentence of
/// the story: a byline ("By Jane Smith"), a subhead, "Advertisement".
const FRAGMENT_MAX_WORDS: usize = 12;

/// Whether sentence `i` is such a line: a paragraph of its own, short, ending without
/// punctuation.
fn is_fragment(sents: &[crate::text::Sentence], i: usize) -> bool {
    let s = &sents[i];
    let alone = (i == 0 || sents[i - 1].paragraph != s.paragraph)
        && sents.get(i + 1).is_none_or(|n| n.paragraph != s.paragraph);
    alone && crate::text::is_bare_line(&s.text, FRAGMENT_MAX_WORDS)
}

/// Whether a sentence reports that someone would not speak.
fn is_no_comment(text: &str) -> bool {
    const PHRASES: [&str; 11] = [
        "declined to comment",
        "does not comment",
        "did not comment",
        "do not comment",
        "declined to be interviewed",
        "did not respond",
        "did not immediately respond",
        "could not be reached",
        "would not comment",
        "refused to comment",
        "no comment",
    ];
    let t = text.to_lowercase();
    PHRASES.iter().any(|p| t.contains(p))
}

/// Per-sentence features, kept for inspection and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub index: usize,
    /// Position among the story's sentences (a headline line, byline or subhead not
    /// counted): the `i` of the lead prior.
    pub position: usize,
    pub salience: f32,
    pub quote_share: f32,
    /// The sentence holds a number or a date.
    pub has_fact: bool,
    /// The sentence is in the closing paragraph (of an article with more than one).
    pub closing: bool,
    /// The sentence only reports a refusal to speak.
    pub no_comment: bool,
    /// The sentence (not the first) opens with a personal pronoun.
    pub pronoun: bool,
    /// The sentence (not the first) leans on the one before it ([`leans_on_previous`]):
    /// it is chosen only after that one.
    pub needs_previous: bool,
    /// The weighted sum of the features above and the lead prior ([`Scored::value`]).
    pub base: f32,
    /// Words in the sentence; 0 for a headline line, byline or subhead, never chosen.
    pub words: usize,
}

impl Scored {
    /// The sentence's value under `w`, before redundancy.
    pub fn value(&self, w: &Weights) -> f32 {
        let flag = |on: bool, weight: f32| if on { weight } else { 0.0 };
        w.salience * self.salience + w.lead / (1.0 + self.position as f32)
            - w.quote * self.quote_share
            + flag(self.has_fact, w.fact)
            + flag(self.closing, w.closing)
            - flag(self.no_comment, w.no_comment)
            - flag(self.pronoun, w.pronoun)
    }
}

/// Score every sentence and return the features with the sentence embeddings.
pub fn score_sentences(
    input: &SummaryInput,
    embedder: &dyn Embedder,
    weights: &Weights,
) -> Result<(Vec<Scored>, Vec<Vec<f32>>)> {
    let sents = input.sentences;
    if sents.is_empty() {
        return Err(Error::InvalidInput(
            "the article has no sentences to summarise".into(),
        ));
    }
    let mut texts: Vec<&str> = sents.iter().map(|s| s.text.as_str()).collect();
    let headline = crate::summary::headline(sents);
    let title = input
        .title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .or(headline.map(|h| h.text.trim()));
    if let Some(t) = title {
        texts.push(t);
    }
    let mut vecs = embed_checked(embedder, &texts)?;
    let anchor = match title {
        Some(_) => vecs.pop().unwrap_or_default(),
        None => centroid(&vecs),
    };
    let last_paragraph = sents.iter().map(|s| s.paragraph).max().unwrap_or(0);
    // The story's sentences: not the headline line, not a byline or subhead (unless the
    // text has nothing else).
    let is_headline = |i: usize| i == 0 && headline.is_some();
    let mut story: Vec<bool> = (0..sents.len())
        .map(|i| !is_headline(i) && !is_fragment(sents, i))
        .collect();
    if !story.contains(&true) {
        story = (0..sents.len()).map(|i| !is_headline(i)).collect();
    }
    let mut position = 0;
    let scored = sents
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let story = story[i];
            let position = if story {
                position += 1;
                position - 1
            } else {
                position
            };
            let mut scored = Scored {
                index: i,
                position,
                salience: cosine(&vecs[i], &anchor),
                quote_share: quote_share(s.span, input.quoted),
                has_fact: has_number_or_date(&s.text),
                closing: s.paragraph == last_paragraph && last_paragraph > 0,
                no_comment: is_no_comment(&s.text),
                pronoun: position > 0 && opens_with_pronoun(&s.text),
                needs_previous: position > 0 && leans_on_previous(&s.text),
                base: 0.0,
                // Not the story's words: never a summary sentence.
                words: if story { word_count(&s.text) } else { 0 },
            };
            scored.base = scored.value(weights);
            scored
        })
        .collect();
    Ok((scored, vecs))
}

/// Choose sentences: greedy MMR under the word and sentence budgets, then document order.
/// A sentence that needs the one before it waits until that one is chosen. When no
/// sentence fits the word budget (a very long lead), the single best sentence is returned
/// whole: a summary is never cut mid-sentence.
pub fn select(scored: &[Scored], vecs: &[Vec<f32>], opts: &SummaryOptions) -> Vec<usize> {
    // The sentence each one leans on: the story sentence before it, skipping a byline,
    // subhead or "Advertisement" line in between (never chosen itself).
    let mut previous: Vec<Option<usize>> = Vec::with_capacity(scored.len());
    let mut last_story = None;
    for s in scored {
        previous.push(last_story);
        if s.words > 0 {
            last_story = Some(s.index);
        }
    }
    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0usize;
    while chosen.len() < opts.max_sentences.max(1) {
        let mut best: Option<(usize, f32)> = None;
        for (k, s) in scored.iter().enumerate() {
            if chosen.contains(&s.index) || s.words == 0 || used + s.words > opts.max_words {
                continue;
            }
            if s.needs_previous && !previous[k].is_some_and(|p| chosen.contains(&p)) {
                continue;
            }
            let redundancy = chosen
                .iter()
                .map(|&j| cosine(&vecs[s.index], &vecs[j]))
                .fold(0.0f32, f32::max);
            let value = s.base - opts.weights.redundancy * redundancy;
            if value < opts.weights.min_value && !chosen.is_empty() {
                continue;
            }
            if best.is_none_or(|(_, v)| value > v) {
                best = Some((s.index, value));
            }
        }
        let Some((i, _)) = best else { break };
        used += scored[i].words;
        chosen.push(i);
    }
    if chosen.is_empty() {
        if let Some(s) = scored
            .iter()
            .filter(|s| s.words > 0)
            .max_by(|a, b| a.base.total_cmp(&b.base))
        {
            chosen.push(s.index);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Build the extractive sentences (without the stance line).
pub fn extract(
    input: &SummaryInput,
    embedder: &dyn Embedder,
    opts: &SummaryOptions,
) -> Result<Vec<SummarySentence>> {
    let (scored, vecs) = score_sentences(input, embedder, &opts.weights)?;
    Ok(select(&scored, &vecs, opts)
        .into_iter()
        .map(|i| {
            let s = &input.sentences[i];
            SummarySentence {
                text: s.text.trim().to_string(),
                origin: Origin::Extracted,
                support: vec![s.span],
            }
        })
        .collect())
}

fn centroid(vecs: &[Vec<f32>]) -> Vec<f32> {
    let dim = vecs.first().map_or(0, Vec::len);
    let mut c = vec![0.0f32; dim];
    for v in vecs {
        for (a, b) in c.iter_mut().zip(v) {
            *a += b;
        }
    }
    let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        c.iter_mut().for_each(|x| *x /= norm);
    }
    c
}

/// Share of the sentence's characters that lie inside direct-quote spans.
fn quote_share(span: crate::report::Span, quoted: &[crate::report::Span]) -> f32 {
    let len = span.end.saturating_sub(span.start);
    if len == 0 {
        return 0.0;
    }
    let inside: usize = quoted
        .iter()
        .map(|q| q.end.min(span.end).saturating_sub(q.start.max(span.start)))
        .sum();
    (inside.min(len)) as f32 / len as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Span;

    /// A sentence with only a base value and a length, for the selection tests.
    fn plain(i: usize, base: f32, words: usize) -> Scored {
        Scored {
            index: i,
            position: i,
            salience: 0.0,
            quote_share: 0.0,
            has_fact: false,
            closing: false,
            no_comment: false,
            pronoun: false,
            needs_previous: false,
            base,
            words,
        }
    }

    /// `n` orthogonal sentence embeddings: no redundancy between any two.
    fn orthogonal(n: usize) -> Vec<Vec<f32>> {
        (0..n)
            .map(|i| {
                let mut v = vec![0.0; n];
                v[i] = 1.0;
                v
            })
            .collect()
    }

    #[test]
    fn pronoun_openings_are_recognised() {
        assert!(opens_with_pronoun("She said the talks would resume."));
        assert!(opens_with_pronoun("His office said the ferry would run."));
        assert!(!opens_with_pronoun("\"We are ready,\" he said."));
        assert!(!opens_with_pronoun("Shepherds said the road was closed."));
        assert!(!opens_with_pronoun("The mayor said so."));
    }

    #[test]
    fn sentences_that_answer_the_one_before_are_recognised() {
        for leaning in [
            "Ukrainian officials, however, disputed the claim.",
            "But he said he would not sign the current list.",
            "The attack prompted the minister to speak again.",
            "That chairman, Olav Brede, served his suspension in May.",
            "In response, the union called a second strike.",
            "Still, the ferry ran on time.",
            "It will be introduced in September.",
            "This is a non-starter for the island's fishermen.",
            "The day before, the army shelled the bridge.",
            "\"And we will not forget it,\" she said.",
        ] {
            assert!(leans_on_previous(leaning), "{leaning}");
        }
        for alone in [
            "The White House described the meeting as very productive.",
            "This week the market is full of pilgrims.",
            "It is unclear whether the talks will resume.",
            "It also remains to be seen who will pay.",
            "So far, 200 families have returned.",
            "Butchers said prices would rise.",
            "The agreement gives the valley its own council.",
            "Stillwater council voted on Monday.",
        ] {
            assert!(!leans_on_previous(alone), "{alone}");
        }
    }

    #[test]
    fn a_reply_waits_for_the_sentence_it_answers() {
        // Sentence 2 is the best on its own, but it answers sentence 1.
        let vecs = orthogonal(3);
        let opts = SummaryOptions {
            max_sentences: 2,
            ..SummaryOptions::default()
        };
        let scored = [
            plain(0, 1.0, 10),
            plain(1, 0.3, 10),
            Scored {
                needs_previous: true,
                ..plain(2, 0.9, 10)
            },
        ];
        assert_eq!(select(&scored, &vecs, &opts), vec![0, 1]);
        let opts3 = SummaryOptions {
            max_sentences: 3,
            ..SummaryOptions::default()
        };
        assert_eq!(select(&scored, &vecs, &opts3), vec![0, 1, 2]);
    }

    #[test]
    fn a_reply_after_a_byline_line_waits_for_the_story_sentence_before() {
        // Sentence 2 is an "Advertisement" line (never chosen); sentence 3 answers
        // sentence 1 across it.
        let vecs = orthogonal(4);
        let opts = SummaryOptions {
            max_sentences: 3,
            ..SummaryOptions::default()
        };
        let scored = [
            plain(0, 1.0, 10),
            plain(1, 0.5, 10),
            plain(2, 2.0, 0),
            Scored {
                needs_previous: true,
                ..plain(3, 0.9, 10)
            },
        ];
        assert_eq!(select(&scored, &vecs, &opts), vec![0, 1, 3]);
        let opts2 = SummaryOptions {
            max_sentences: 2,
            ..SummaryOptions::default()
        };
        assert_eq!(select(&scored, &vecs, &opts2), vec![0, 1]);
    }

    #[test]
    fn no_comment_sentences_are_recognised() {
        assert!(is_no_comment(
            "The harbourmaster, Ada Lund, declined to comment."
        ));
        assert!(is_no_comment(
            "The ministry did not respond to requests for comment."
        ));
        assert!(is_no_comment(
            "The airline said it does not comment on disputes between third parties."
        ));
        assert!(!is_no_comment(
            "The ministry said the ferry would run on Monday."
        ));
    }

    #[test]
    fn value_adds_each_weighted_feature() {
        let s = Scored {
            index: 1,
            position: 1,
            salience: 0.5,
            quote_share: 0.25,
            has_fact: true,
            closing: false,
            no_comment: true,
            pronoun: true,
            needs_previous: true,
            base: 0.0,
            words: 12,
        };
        let w = Weights::default();
        // 1.0 * 0.5 + 1.0 / 2 - 1.2 * 0.25 + 0.1 - 0.5 - 0.3
        assert!((s.value(&w) - 0.0).abs() < 1e-6, "{}", s.value(&w));
        let only_lead = Weights {
            salience: 0.0,
            quote: 0.0,
            fact: 0.0,
            no_comment: 0.0,
            pronoun: 0.0,
            ..w
        };
        assert!((s.value(&only_lead) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn quote_share_counts_overlap() {
        let s = Span { start: 10, end: 30 };
        assert_eq!(quote_share(s, &[]), 0.0);
        assert_eq!(quote_share(s, &[Span { start: 0, end: 100 }]), 1.0);
        assert_eq!(quote_share(s, &[Span { start: 20, end: 25 }]), 0.25);
    }

    #[test]
    fn select_respects_budget_and_order() {
        let scored: Vec<Scored> = (0..4).map(|i| plain(i, 1.0 - i as f32 * 0.1, 30)).collect();
        let vecs = orthogonal(4);
        let opts = SummaryOptions::default();
        assert_eq!(select(&scored, &vecs, &opts), vec![0, 1]);
        // Nothing fits: the best sentence is still returned whole.
        let tight = SummaryOptions {
            max_words: 10,
            ..SummaryOptions::default()
        };
        assert_eq!(select(&scored, &vecs, &tight), vec![0]);
    }

    #[test]
    fn redundancy_skips_near_duplicates() {
        let scored: Vec<Scored> = (0..3).map(|i| plain(i, [1.0, 0.95, 0.7][i], 20)).collect();
        // Sentences 0 and 1 are the same direction; 2 is different.
        let vecs = vec![vec![1.0, 0.0], vec![1.0, 0.0], vec![0.0, 1.0]];
        let opts = SummaryOptions {
            max_sentences: 2,
            ..SummaryOptions::default()
        };
        assert_eq!(select(&scored, &vecs, &opts), vec![0, 2]);
    }
}
