//! Text → sentences → quotes and speakers. Pure and synchronous: no models, no I/O.
//!
//! Offsets everywhere in this module are character (Unicode scalar) offsets into the
//! original input, end exclusive: `text.chars().skip(start).take(end - start)` is the
//! reported text.
//!
//! ## Layout: one file per stage, in data-flow order
//!
//! - `normalize`: the original text → a working copy (straight quotes, plain spaces,
//!   `\n` line ends) with a map back to original character offsets.
//! - `sentences`: paragraphs (blank lines, or lines when there are none) and sentences
//!   (abbreviations, initials, decimals, quotes that span sentences).
//! - `quotes`: quotation-mark pairs per paragraph, including quotes that run over
//!   several paragraphs. Found before sentences so no sentence ends inside a quote.
//! - `tokens`: words, possessives, quote marks and punctuation with their spans.
//! - `mentions`: capitalised names, titles and roles → the entity registry.
//! - `attribution`: per sentence, speech acts: cue, unresolved subject, statement.
//! - `resolve`: subjects (names, pronouns, descriptions) → entities; entities with
//!   statements → [`Speaker`]s with their mentions.
//! - `lexicon`: the word lists all of the above share.
//!
//! The rules are lexicons plus patterns written for news English in general; the dev
//! corpus measures them (`tests/text_dev.rs`), it does not tune them.

mod attribution;
mod lexicon;
mod mentions;
mod normalize;
mod quotes;
mod resolve;
mod sentences;
mod tokens;

use crate::report::{Mention, Span, SpeakerKind, StatementKind};

/// A sentence of the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The sentence as it appears in the original text.
    pub text: String,
    pub span: Span,
    /// Index of the paragraph it belongs to.
    pub paragraph: usize,
}

/// Words attributed to a speaker.
///
/// Direct statements are the words between the quote marks (without the marks and
/// without a trailing comma). Reported statements are the reported clause ("that ..." or
/// the bare clause after the cue); for verbs whose object carries the attitude ("urged
/// drivers to return", "accused X of ...", "called the plan \"reckless\"") the
/// statement starts at the verb, so the stance model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The quoted or reported words, exactly as in the original text.
    pub text: String,
    pub span: Span,
    pub kind: StatementKind,
    /// The attribution verb or phrase ("said", "according to").
    pub cue: String,
    /// The whole sentence (or sentences) the statement sits in, for context.
    pub context: Span,
}

/// A speaker: mentions resolved to one canonical voice, with its statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    pub name: String,
    pub kind: SpeakerKind,
    pub role: Option<String>,
    pub mentions: Vec<Mention>,
    pub statements: Vec<Statement>,
}

/// Everything the text stage finds in one article.
#[derive(Debug, Clone, Default)]
pub struct TextAnalysis {
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Sentence>,
    pub speakers: Vec<Speaker>,
}

/// Most words a headline line may have.
const HEADLINE_MAX_WORDS: usize = 25;

/// Whether a line (a sentence alone in its paragraph) is bare: at most `max_words` words
/// and no closing punctuation, as headlines, bylines and subheads are.
pub fn is_bare_line(text: &str, max_words: usize) -> bool {
    let end = text.trim_end().chars().last();
    end.is_some_and(char::is_alphanumeric) && text.split_whitespace().count() <= max_words
}

/// Whether the article's first sentence (its text and paragraph, and the next sentence's
/// paragraph) is a headline line: alone in the first paragraph with more paragraphs after
/// it, short, ending without punctuation, and not a byline ("By Jane Smith").
fn is_headline_line(text: &str, paragraph: usize, next_paragraph: Option<usize>) -> bool {
    let byline = text
        .trim_start()
        .get(..3)
        .is_some_and(|w| w.eq_ignore_ascii_case("by "));
    paragraph == 0
        && !byline
        && next_paragraph.is_some_and(|p| p > 0)
        && is_bare_line(text, HEADLINE_MAX_WORDS)
}

/// The article's headline line, when its text opens with one: a first paragraph of one
/// short sentence that ends without punctuation ("Ferry talks end with ceasefire promise"),
/// followed by more paragraphs. Plain-text articles are often pasted that way. It is the
/// article's title, not part of its story: nobody is reported in it (the body reports who
/// said what), and the summary uses it as the headline, never as a sentence.
pub fn headline(sentences: &[Sentence]) -> Option<&Sentence> {
    let first = sentences.first()?;
    let next = sentences.get(1).map(|s| s.paragraph);
    is_headline_line(&first.text, first.paragraph, next).then_some(first)
}

/// Run the text pipeline over an article.
///
/// Never fails: text without paragraphs, sentences or speakers gives empty lists. Every
/// span refers to character offsets of `text` itself.
pub fn analyze_text(text: &str) -> TextAnalysis {
    let doc = normalize::Doc::new(text);
    let paragraphs = sentences::split_paragraphs(&doc);
    let quotes = quotes::find_quotes(&doc, &paragraphs);
    let sents = sentences::split_sentences(&doc, &paragraphs, &quotes);
    let (toks, mut sent_toks) = tokens::tokenize(&doc, &sents, &quotes);
    // A dateline ("RENSBY, Oct 9 - ...") opens the story, or its first paragraph after a
    // headline line: the sentence's clauses, names and statements start after it. The
    // sentence itself (for the summary) keeps it.
    for si in (0..sents.len())
        .filter(|&i| i == 0 || sents[i].2 != sents[i - 1].2)
        .take(2)
    {
        let (a, b) = sent_toks[si];
        if let Some(start) = tokens::dateline_end(&toks, a, b) {
            sent_toks[si].0 = start;
        }
    }
    let headline_line = sents.first().is_some_and(|&(s, e, p)| {
        is_headline_line(
            &doc.original_text(doc.span(s, e)),
            p,
            sents.get(1).map(|n| n.2),
        )
    });
    let ctx = mentions::Ctx::new(toks, sent_toks, sents, quotes);
    let mut registry = mentions::build_registry(&ctx);
    let acts: Vec<_> = (0..ctx.sent_toks.len())
        .map(|si| {
            if si == 0 && headline_line {
                attribution::SentenceActs::none()
            } else {
                attribution::sentence_acts(&ctx, &registry, &ctx.quotes, si)
            }
        })
        .collect();
    let speakers = resolve::resolve(&doc, &ctx, &mut registry, acts);
    TextAnalysis {
        paragraphs: paragraphs.iter().map(|&(s, e)| doc.span(s, e)).collect(),
        sentences: ctx
            .sent_spans
            .iter()
            .map(|&(s, e, p)| {
                let span = doc.span(s, e);
                Sentence {
                    text: doc.original_text(span),
                    span,
                    paragraph: p,
                }
            })
            .collect(),
        speakers,
    }
}

#[cfg(test)]
mod tests;
