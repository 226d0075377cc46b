//! Abstractive summaries: the generator writes 2-3 sentences, the checker keeps only
//! what the article supports.
//!
//! Flow: build the prompt; when the article does not fit the model's context next to the
//! prompt and the reply, split it at paragraph (then sentence) boundaries, summarise each
//! chunk, and ask for one summary of the chunk summaries (each step is reported in the
//! warnings; nothing is cut silently). The reply is split into sentences; each goes
//! through [`Checker`]: a passing sentence is kept as `Generated` with its best-matching
//! source sentences as support, a failing one is replaced by the closest source sentence
//! not already used (`Extracted`, support = that sentence).
//!
//! The model sits behind [`ChatModel`], a small seam that [`Generator`] implements (and
//! that tests can implement with canned replies to exercise chunking and replacement).

use crate::model::generator::{GenerateOptions, Generator};
use crate::model::Embedder;
use crate::report::{Origin, SummaryMode, SummarySentence};
use crate::summary::check::{Checker, Rejection};
use crate::summary::{assemble, extractive, word_count, SummaryInput, SummaryOptions};
use crate::{Error, Result};

/// What the abstractive summariser needs from a language model.
pub trait ChatModel {
    /// The model's context window, in tokens.
    fn context_length(&self) -> usize;
    /// Tokens the model would see for the chat prompt (template included) built from
    /// `system` and `user`.
    fn prompt_tokens(&self, system: Option<&str>, user: &str) -> Result<usize>;
    /// One chat turn, greedy; returns the reply text.
    fn reply(&mut self, system: Option<&str>, user: &str, max_new_tokens: usize) -> Result<String>;
}

/// Most generated sentences kept ("two or three sentences").
const MAX_SENTENCES: usize = 3;

/// Small models loop without a mild repeat penalty; greedy decoding keeps runs reproducible.
const REPEAT_PENALTY: f32 = 1.1;

impl ChatModel for Generator {
    fn context_length(&self) -> usize {
        Generator::context_length(self)
    }

    fn prompt_tokens(&self, system: Option<&str>, user: &str) -> Result<usize> {
        Ok(self.tokenize(&self.chat_prompt(system, user)?)?.len())
    }

    fn reply(&mut self, system: Option<&str>, user: &str, max_new_tokens: usize) -> Result<String> {
        let opts = GenerateOptions {
            max_tokens: max_new_tokens,
            temperature: 0.0,
            repeat_penalty: REPEAT_PENALTY,
            ..GenerateOptions::default()
        };
        // Stop once the reply holds more than the sentences we keep: the rest would be
        // discarded anyway, and decoding is most of the time.
        let mut text = String::new();
        let mut on_token = |t: &str| {
            text.push_str(t);
            split_generated(&text).0.len() < MAX_SENTENCES
        };
        Ok(self.chat(system, user, &opts, &mut on_token)?.text)
    }
}

const SYSTEM: &str = "You are a careful news editor. You write short, neutral summaries \
that use only facts stated in the article.";

fn article_prompt(title: Option<&str>, body: &str, part: Option<(usize, usize)>) -> String {
    let what = match part {
        Some((i, n)) => format!("part {i} of {n} of a news article"),
        None => "the news article".to_string(),
    };
    let mut p = format!(
        "Summarise {what} below in two or three sentences. Say what happened, who was \
involved and what happens next. Use only names and numbers that appear in the article.\n\n"
    );
    if let Some(t) = title {
        p.push_str("Headline: ");
        p.push_str(t);
        p.push_str("\n\n");
    }
    p.push_str("Article:\n");
    p.push_str(body);
    p
}

fn merge_prompt(title: Option<&str>, partials: &[String]) -> String {
    let mut p = String::from(
        "These are summaries of consecutive parts of one news article. Combine them into \
one summary of two or three sentences. Use only names and numbers that appear below.\n\n",
    );
    if let Some(t) = title {
        p.push_str("Headline: ");
        p.push_str(t);
        p.push_str("\n\n");
    }
    for (i, s) in partials.iter().enumerate() {
        p.push_str(&format!("Part {}: {}\n", i + 1, s.trim()));
    }
    p
}

/// How the checker treated the generated sentences.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckStats {
    /// Sentences the model wrote (after dropping an unfinished last one).
    pub generated: usize,
    /// Kept as written.
    pub kept: usize,
    /// Replaced because of an unsupported name or number.
    pub replaced_facts: usize,
    /// Replaced because no source sentence was close enough.
    pub replaced_far: usize,
    /// Dropped (empty, duplicate replacement, or over the word budget).
    pub dropped: usize,
    /// Names and numbers in the raw generated text that the article does not support.
    pub unsupported_before: Vec<String>,
}

/// The abstractive result with what the reader should know about it.
#[derive(Debug, Clone)]
pub struct AbstractiveOutcome {
    pub summary: crate::report::Summary,
    /// Chunking, fallbacks, unfinished output.
    pub warnings: Vec<String>,
    /// The generator's text before checking (merged summary when chunked).
    pub raw: String,
    pub stats: CheckStats,
}

/// Group the article's sentences into chunks whose prompts fit `budget` tokens.
/// Paragraphs stay whole where they fit; a paragraph too long alone is split between
/// sentences. Returns `None` when a single sentence is too long for the budget.
fn chunk(
    model: &dyn ChatModel,
    input: &SummaryInput,
    budget: usize,
) -> Result<Option<Vec<String>>> {
    let fits = |body: &str| -> Result<bool> {
        Ok(model.prompt_tokens(
            Some(SYSTEM),
            &article_prompt(input.title, body, Some((9, 9))),
        )? <= budget)
    };
    // Paragraph texts, each a list of sentences.
    let mut paragraphs: Vec<Vec<&str>> = Vec::new();
    let mut last_para = None;
    for s in input.sentences {
        if last_para != Some(s.paragraph) {
            paragraphs.push(Vec::new());
            last_para = Some(s.paragraph);
        }
        if let Some(p) = paragraphs.last_mut() {
            p.push(s.text.trim());
        }
    }
    // Units: whole paragraphs where they fit, otherwise single sentences.
    let mut units: Vec<(String, bool)> = Vec::new(); // (text, starts a paragraph)
    for p in &paragraphs {
        let whole = p.join(" ");
        if fits(&whole)? {
            units.push((whole, true));
        } else {
            for (k, s) in p.iter().enumerate() {
                if !fits(s)? {
                    return Ok(None);
                }
                units.push(((*s).to_string(), k == 0));
            }
        }
    }
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for (text, para_start) in units {
        let candidate = if current.is_empty() {
            text.clone()
        } else {
            format!("{current}{}{text}", if para_start { "\n\n" } else { " " })
        };
        if current.is_empty() || fits(&candidate)? {
            current = candidate;
        } else {
            chunks.push(std::mem::take(&mut current));
            current = text;
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    Ok(Some(chunks))
}

/// Run the generator over the article (chunked if needed); returns the raw summary text.
fn generate(
    model: &mut dyn ChatModel,
    input: &SummaryInput,
    opts: &SummaryOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<String>> {
    let ctx = model.context_length();
    let budget = ctx.saturating_sub(opts.max_new_tokens);
    let body = input.text.trim();
    let whole = article_prompt(input.title, body, None);
    if model.prompt_tokens(Some(SYSTEM), &whole)? <= budget {
        return Ok(Some(model.reply(
            Some(SYSTEM),
            &whole,
            opts.max_new_tokens,
        )?));
    }
    let Some(chunks) = chunk(&*model, input, budget)? else {
        warnings.push(format!(
            "a sentence is longer than the generator's context ({ctx} tokens); used the extractive summary"
        ));
        return Ok(None);
    };
    warnings.push(format!(
        "the article is longer than the generator's context ({ctx} tokens): summarised in {} parts, then merged",
        chunks.len()
    ));
    let n = chunks.len();
    let mut partials = Vec::with_capacity(n);
    for (i, c) in chunks.iter().enumerate() {
        let p = article_prompt(input.title, c, Some((i + 1, n)));
        partials.push(model.reply(Some(SYSTEM), &p, opts.max_new_tokens)?);
    }
    let merge = merge_prompt(input.title, &partials);
    if model.prompt_tokens(Some(SYSTEM), &merge)? <= budget {
        Ok(Some(model.reply(
            Some(SYSTEM),
            &merge,
            opts.max_new_tokens,
        )?))
    } else {
        warnings.push(
            "the part summaries are too long to merge in one call; kept them in order".into(),
        );
        Ok(Some(partials.join(" ")))
    }
}

/// Remove chat preambles ("Here is a summary:", "Summary:") and list markers.
fn clean_reply(reply: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in reply.lines() {
        let l = line.trim().trim_start_matches(['-', '*', '#', '•']).trim();
        if l.is_empty() {
            continue;
        }
        let lower = l.to_lowercase();
        let is_label = l.ends_with(':')
            && (lower.starts_with("here") || lower.starts_with("summary") || word_count(l) <= 6);
        if is_label {
            continue;
        }
        let l = ["summary:", "Summary:", "SUMMARY:"]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .unwrap_or(l)
            .trim();
        lines.push(l);
    }
    lines.join(" ")
}

/// Split generated text into sentences at `.`, `!` or `?` (optionally followed by a
/// closing quote) before whitespace and an upper-case letter, digit or quote. Generated
/// text is plain prose, so this small rule is enough; the article itself is split by the
/// text stage. An unfinished last sentence (no final punctuation) is returned separately.
pub fn split_generated(text: &str) -> (Vec<String>, Option<String>) {
    const ABBREV: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt", "Sgt", "Prof", "Rev", "Gov", "Sen",
        "Rep",
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '"' | '\'' | '\u{201D}' | ')') {
                end += 1;
            }
            let next_ok = end < chars.len()
                && chars[end].is_whitespace()
                && chars[end..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|n| {
                        n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '\u{201C}')
                    });
            let word_before: String = chars[start..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let abbrev = c == '.'
                && (ABBREV.contains(&word_before.as_str()) || word_before.chars().count() == 1);
            if (next_ok || end == chars.len()) && !abbrev {
                let s: String = chars[start..end].iter().collect();
                let s = s.trim();
                if !s.is_empty() {
                    out.push(s.to_string());
                }
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    let rest: String = chars[start..].iter().collect();
    let rest = rest.trim();
    (out, (!rest.is_empty()).then(|| rest.to_string()))
}

/// The abstractive summary; see the module doc.
pub fn summarize(
    input: &SummaryInput,
    model: &mut dyn ChatModel,
    embedder: &dyn Embedder,
    opts: &SummaryOptions,
) -> Result<AbstractiveOutcome> {
    if input.sentences.is_empty() {
        return Err(Error::InvalidInput(
            "the article has no sentences to summarise".into(),
        ));
    }
    let mut warnings = Vec::new();
    let Some(raw) = generate(model, input, opts, &mut warnings)? else {
        let sentences = extractive::extract(input, embedder, opts)?;
        return Ok(AbstractiveOutcome {
            summary: assemble(sentences, SummaryMode::Abstractive, input, opts),
            warnings,
            raw: String::new(),
            stats: CheckStats::default(),
        });
    };
    let cleaned = clean_reply(&raw);
    let (mut generated, unfinished) = split_generated(&cleaned);
    // "Two or three sentences": a model that runs on is cut at a sentence boundary; an
    // unfinished sentence before that is worth a warning.
    if generated.len() < MAX_SENTENCES {
        if let Some(u) = unfinished {
            warnings.push(format!("dropped an unfinished generated sentence: {u:?}"));
        }
    }
    generated.truncate(MAX_SENTENCES);

    // Names in the headline count as the article's own (the headline is part of it).
    let article = match input.title {
        Some(t) if !t.trim().is_empty() => format!("{}\n\n{}", t.trim(), input.text),
        _ => input.text.to_string(),
    };
    let checker = Checker::new(&article, input.sentences, embedder)?;
    let mut stats = CheckStats {
        generated: generated.len(),
        unsupported_before: generated
            .iter()
            .flat_map(|s| checker.index().unsupported(s))
            .map(|f| f.text)
            .collect(),
        ..CheckStats::default()
    };
    let refs: Vec<&str> = generated.iter().map(String::as_str).collect();
    let verdicts = checker.check(&refs, embedder)?;

    let mut out: Vec<SummarySentence> = Vec::new();
    let mut used_sources: Vec<usize> = Vec::new();
    let mut words = 0usize;
    for (text, v) in generated.iter().zip(&verdicts) {
        let sentence = match &v.rejection {
            None => {
                used_sources.extend(v.ranked.first().map(|r| r.0));
                Some(SummarySentence {
                    text: text.clone(),
                    origin: Origin::Generated,
                    support: checker.support(v),
                })
            }
            Some(Rejection::Empty) => None,
            Some(r) => {
                match r {
                    Rejection::UnsupportedFacts(_) => stats.replaced_facts += 1,
                    _ => stats.replaced_far += 1,
                }
                // The closest source sentence not already in the summary.
                v.ranked
                    .iter()
                    .find(|(i, _)| !used_sources.contains(i))
                    .map(|&(i, _)| {
                        used_sources.push(i);
                        let s = &checker.sources()[i];
                        SummarySentence {
                            text: s.text.trim().to_string(),
                            origin: Origin::Extracted,
                            support: vec![s.span],
                        }
                    })
            }
        };
        match sentence {
            Some(s) if out.is_empty() || words + word_count(&s.text) <= opts.max_words => {
                if s.origin == Origin::Generated {
                    stats.kept += 1;
                }
                words += word_count(&s.text);
                out.push(s);
            }
            _ => stats.dropped += 1,
        }
    }
    if out.is_empty() {
        warnings
            .push("the generator produced no usable sentence; used the extractive summary".into());
        out = extractive::extract(input, embedder, opts)?;
    }
    Ok(AbstractiveOutcome {
        summary: assemble(out, SummaryMode::Abstractive, input, opts),
        warnings,
        raw,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_generated_handles_quotes_and_abbreviations() {
        let (s, rest) = split_generated(
            "Mr. Brandt met the envoy. \"We listened,\" he said. Talks resume Monday! Next",
        );
        assert_eq!(
            s,
            vec![
                "Mr. Brandt met the envoy.",
                "\"We listened,\" he said.",
                "Talks resume Monday!"
            ]
        );
        assert_eq!(rest.as_deref(), Some("Next"));
        let (s, rest) = split_generated("Prices rose 4.5 percent. They fell in 2019.");
        assert_eq!(s.len(), 2);
        assert!(rest.is_none());
    }

    #[test]
    fn clean_reply_strips_preambles() {
        assert_eq!(
            clean_reply("Here is a summary of the article:\n\n- The envoy met rebels."),
            "The envoy met rebels."
        );
        assert_eq!(
            clean_reply("Summary: The envoy met rebels."),
            "The envoy met rebels."
        );
    }
}
