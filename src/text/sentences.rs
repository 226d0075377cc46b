//! Paragraphs and sentences, in working offsets.
//!
//! Paragraphs are separated by blank lines; a text without any blank line is taken to put
//! one paragraph on each line. Sentences end at `.`, `!`, `?` or `…` (plus any closing
//! quote or bracket) followed by whitespace and something that can start a sentence, but
//! never inside an open quotation (a quote of several sentences stays with its
//! attribution), never after a title or month abbreviation ("Dr.", "Gen.", "Jan."), an
//! initial ("J. R. Tolkien") or a decimal point, and after an initialism ("U.S.") only when
//! a word that typically opens a sentence follows.

use super::lexicon;
use super::normalize::Doc;
use super::quotes::Quote;

/// Split the working text into trimmed paragraph spans.
pub(crate) fn split_paragraphs(doc: &Doc) -> Vec<(usize, usize)> {
    let chars = &doc.chars;
    // Lines as (start, end) without the newline.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut s = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            lines.push((s, i));
            s = i + 1;
        }
    }
    lines.push((s, chars.len()));
    let blank = |&(a, b): &(usize, usize)| chars[a..b].iter().all(|c| c.is_whitespace());
    let has_blank_separator = {
        let mut seen_text = false;
        let mut pending_blank = false;
        let mut found = false;
        for l in &lines {
            if blank(l) {
                if seen_text {
                    pending_blank = true;
                }
            } else {
                if pending_blank {
                    found = true;
                    break;
                }
                seen_text = true;
            }
        }
        found
    };
    let mut paras = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for l in &lines {
        if blank(l) {
            if let Some(p) = cur.take() {
                paras.push(p);
            }
            continue;
        }
        if has_blank_separator {
            cur = Some(match cur {
                Some((a, _)) => (a, l.1),
                None => l.to_owned(),
            });
        } else {
            paras.push(*l);
        }
    }
    if let Some(p) = cur {
        paras.push(p);
    }
    paras
        .into_iter()
        .map(|(a, b)| doc.trim(a, b))
        .filter(|(a, b)| a < b)
        .collect()
}

/// Split each paragraph into trimmed sentence spans: `(start, end, paragraph index)`.
pub(crate) fn split_sentences(
    doc: &Doc,
    paragraphs: &[(usize, usize)],
    quotes: &[Quote],
) -> Vec<(usize, usize, usize)> {
    let chars = &doc.chars;
    let n = chars.len();
    // Mark characters that lie strictly inside a quote (between its marks).
    let mut inside = vec![false; n];
    let mut is_close = vec![false; n];
    let mut is_open = vec![false; n];
    for q in quotes {
        let end = q.close.unwrap_or(q.end);
        for f in inside.iter_mut().take(end).skip(q.open + 1) {
            *f = true;
        }
        if let Some(c) = q.close {
            is_close[c] = true;
        }
        is_open[q.open] = true;
    }
    let mut out = Vec::new();
    for (pi, &(ps, pe)) in paragraphs.iter().enumerate() {
        let mut start = ps;
        let mut i = ps;
        while i < pe {
            let c = chars[i];
            if !matches!(c, '.' | '!' | '?' | '\u{2026}') {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < pe && matches!(chars[j], '.' | '!' | '?' | '\u{2026}') {
                j += 1;
            }
            // Closing marks belong to the sentence they close.
            while j < pe && (is_close[j] || matches!(chars[j], ')' | ']' | '\'')) {
                if chars[j] == '\'' && j + 1 < pe && chars[j + 1].is_alphanumeric() {
                    break;
                }
                j += 1;
            }
            // The paragraph's end closes the last sentence anyway.
            let boundary = if j >= pe || !chars[j].is_whitespace() {
                false
            } else {
                let mut k = j;
                while k < pe && chars[k].is_whitespace() {
                    k += 1;
                }
                k < pe
                    && can_start_sentence(chars, k, &is_open)
                    && !inside[j]
                    && !(c == '.' && j == i + 1 && abbreviation_blocks(chars, ps, i, k))
                    && !(matches!(c, '!' | '?')
                        && (i + 1..j).any(|x| is_close[x])
                        && attribution_follows(chars, k, pe))
            };
            if boundary {
                let (a, b) = doc.trim(start, j);
                if a < b {
                    out.push((a, b, pi));
                }
                start = j;
            }
            i = j.max(i + 1);
        }
        let (a, b) = doc.trim(start, pe);
        if a < b {
            out.push((a, b, pi));
        }
    }
    out
}

/// Whether the words from `k` read as the attribution of the quote just closed: a speech
/// verb among the next four words, before any punctuation ("“Stop!” Ruiz posted on X",
/// "“Why now?” asked the minister", "“Enough!” the union leader said").
fn attribution_follows(chars: &[char], k: usize, end: usize) -> bool {
    let is_cue = |w: &str| lexicon::speech_verb(w).is_some() || lexicon::is_weak_cue(w);
    // "“Which one?” His allies insist that he will stay": a cue with a clause of its own
    // starts a new sentence.
    let that_follows = |from: usize| {
        let rest: String = chars[from..end.min(from + 8)].iter().collect();
        rest.trim_start().to_lowercase().starts_with("that ")
    };
    let mut words = 0;
    let mut word = String::new();
    let mut last_len = 0;
    for (x, &c) in chars[k..end].iter().enumerate() {
        if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-' {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            if is_cue(&word) {
                return !that_follows(k + x);
            }
            words += 1;
            last_len = word.chars().count();
            word.clear();
            if words == 4 {
                return false;
            }
        }
        // Only a title or initial's period ("Dr.", "J.") may sit inside the attribution.
        if c == '.' && (1..=3).contains(&last_len) {
            last_len = 0;
            continue;
        }
        if !c.is_whitespace() {
            return false;
        }
    }
    !word.is_empty() && is_cue(&word)
}

fn can_start_sentence(chars: &[char], k: usize, is_open: &[bool]) -> bool {
    let c = chars[k];
    c.is_uppercase()
        || c.is_numeric()
        || is_open[k]
        || matches!(c, '(' | '[' | '\'' | '\u{2014}' | '-')
        || (!c.is_alphabetic() && !c.is_ascii_punctuation() && !c.is_whitespace())
}

/// Whether the period at `dot` ends an abbreviation, initial or initialism that does not
/// end the sentence (the next non-space character is at `next`).
fn abbreviation_blocks(chars: &[char], para_start: usize, dot: usize, next: usize) -> bool {
    // The word before the period.
    let mut s = dot;
    while s > para_start && (chars[s - 1].is_alphanumeric() || chars[s - 1] == '.') {
        s -= 1;
    }
    let word: String = chars[s..dot].iter().collect();
    if word.is_empty() {
        return false;
    }
    let next_word: String = chars[next..]
        .iter()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let starter = lexicon::is_sentence_starter(&next_word);
    // "U.S." / "e.g.": letters separated by periods.
    if word.contains('.') {
        return !starter;
    }
    let mut cs = word.chars();
    let first = cs.next().unwrap_or(' ');
    // An initial: "J. R. Smith". A capital letter alone before a starter word ("Plan B.
    // The ...") still ends the sentence.
    if word.chars().count() == 1 && first.is_uppercase() {
        return !starter || next_word.chars().count() <= 2;
    }
    let lower = word.to_lowercase();
    // "No. 5", "Vol. 2": only before a number.
    if matches!(lower.as_str(), "no" | "nos" | "vol" | "fig") {
        return chars.get(next).is_some_and(|c| c.is_ascii_digit());
    }
    if lexicon::ABBREV_NO_SPLIT.contains(&lower.as_str()) {
        return true;
    }
    if lexicon::ABBREV_MAYBE_SPLIT.contains(&lower.as_str()) {
        return !starter;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::quotes::find_quotes;

    fn sents(s: &str) -> Vec<String> {
        let d = Doc::new(s);
        let p = split_paragraphs(&d);
        let q = find_quotes(&d, &p);
        split_sentences(&d, &p, &q)
            .into_iter()
            .map(|(a, b, _)| d.work_text(a, b))
            .collect()
    }

    #[test]
    fn paragraphs_by_blank_lines_or_by_lines() {
        let d = Doc::new("One.\nstill one.\n\n  \nTwo.");
        assert_eq!(split_paragraphs(&d).len(), 2);
        let d = Doc::new("One.\nTwo.\r\nThree.");
        assert_eq!(split_paragraphs(&d).len(), 3);
    }

    #[test]
    fn sentence_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Mr. Hale met Dr. Ruiz. They spoke.",
                &["Mr. Hale met Dr. Ruiz.", "They spoke."],
            ),
            (
                "J. R. Okonkwo paid 4.5 percent. Then he left.",
                &["J. R. Okonkwo paid 4.5 percent.", "Then he left."],
            ),
            (
                "Aid from the U.S. Navy came. The U.S. said no. It did.",
                &[
                    "Aid from the U.S. Navy came.",
                    "The U.S. said no.",
                    "It did.",
                ],
            ),
            (
                "\"We tried. We failed,\" she said. \"Again?\" he asked.",
                &["\"We tried. We failed,\" she said.", "\"Again?\" he asked."],
            ),
            (
                "It was \"long overdue.\" \"Our turn,\" she wrote.",
                &["It was \"long overdue.\"", "\"Our turn,\" she wrote."],
            ),
            (
                "\u{201c}Stop the shelling now!\u{201d} Dr. Ruiz posted on Telegram. \u{201c}Is \
                 it over?\u{201d} The rain had stopped.",
                &[
                    "\"Stop the shelling now!\" Dr. Ruiz posted on Telegram.",
                    "\"Is it over?\"",
                    "The rain had stopped.",
                ],
            ),
            (
                "\"We tried. Enough!\" the union leader said. It rained.",
                &["\"We tried. Enough!\" the union leader said.", "It rained."],
            ),
            (
                "Gen. Ostrov left on Jan. 5 with St. Clair. Nobody knew.",
                &["Gen. Ostrov left on Jan. 5 with St. Clair.", "Nobody knew."],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sents(text), *want, "{text}");
        }
    }
}
