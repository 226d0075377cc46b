//! Tokens: words, numbers, possessive markers, quote marks and punctuation, each with its
//! working-character span, its sentence and (when it lies inside a quotation) its quote.
//!
//! Possessives are split off ("Varga's" → `Varga` + `'s`; "drivers'" → `drivers` + `'`) so
//! that a possessor never looks like the subject of the verb after it. Initialisms keep
//! their periods ("U.S."), contractions and hyphenated words stay whole ("doesn't",
//! "Ben-Ami", "four-hour").

use super::normalize::Doc;
use super::quotes::Quote;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    Num,
    /// `'s` or a bare `'` after a plural.
    Poss,
    /// A double quotation mark that opens or closes a quote.
    QuoteMark,
    Punct,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Working character span.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub lower: String,
    pub kind: TokKind,
    pub sentence: usize,
    /// The quote this token lies inside (quote marks belong to their own quote).
    pub quote: Option<usize>,
}

impl Token {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    /// A word that starts with a capital letter, or a name whose lowercase Arabic article
    /// or patronymic is joined by a hyphen ("al-Mourani", "el-Sayed", "bin-Nasser").
    pub fn is_cap(&self) -> bool {
        self.kind == TokKind::Word
            && (self.text.chars().next().is_some_and(|c| c.is_uppercase())
                || [
                    "al-", "el-", "ad-", "ar-", "as-", "an-", "bin-", "ibn-", "abu-",
                ]
                .iter()
                .any(|p| {
                    self.text
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_uppercase()))
                }))
    }
    pub fn is_punct(&self, c: &str) -> bool {
        self.kind == TokKind::Punct && self.text == c
    }
}

/// The first token after a dateline at the start of `toks[a..b]` ("RENSBY, Oct 9 -",
/// "PORT HALDEN -", "KYIV, Ukraine (AP) —"), or `None`. A dateline is one or more words
/// in capitals, then at most eight capitalised words, numbers, periods, commas or a
/// parenthesised agency name, then a dash: the place and date the story was filed from,
/// not part of any clause of the sentence.
pub(crate) fn dateline_end(toks: &[Token], a: usize, b: usize) -> Option<usize> {
    let all_caps = |t: &Token| {
        t.is_word()
            && t.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && t.text
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase())
    };
    let mut i = a;
    while i < b && all_caps(&toks[i]) {
        i += 1;
    }
    if i == a {
        return None;
    }
    let limit = (i + 9).min(b);
    while i < limit {
        let t = &toks[i];
        if t.kind == TokKind::Punct && matches!(t.text.as_str(), "-" | "\u{2013}" | "\u{2014}") {
            return (i + 1 < b).then_some(i + 1);
        }
        let filler = t.kind == TokKind::Num
            || t.is_cap()
            || matches!(t.text.as_str(), "," | "." | "(" | ")" | "/");
        if !filler {
            return None;
        }
        i += 1;
    }
    None
}

/// Tokenise sentences (working spans) in order.
pub(crate) fn tokenize(
    doc: &Doc,
    sentences: &[(usize, usize, usize)],
    quotes: &[Quote],
) -> (Vec<Token>, Vec<(usize, usize)>) {
    let chars = &doc.chars;
    let mut toks = Vec::with_capacity(chars.len() / 5 + 1);
    let mut ranges = Vec::with_capacity(sentences.len());
    // Quote marks by position (in a British-style text they are single quotes).
    let mut is_mark = vec![false; chars.len()];
    for q in quotes {
        is_mark[q.open] = true;
        if let Some(c) = q.close {
            is_mark[c] = true;
        }
    }
    // Quotes are in text order; walk them alongside the tokens.
    let mut qi = 0usize;
    for (si, &(s, e, _)) in sentences.iter().enumerate() {
        let first = toks.len();
        let mut i = s;
        while i < e {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            let (end, kind) = if c == '"' || is_mark[i] {
                (i + 1, TokKind::QuoteMark)
            } else if c.is_alphanumeric() {
                word_end(chars, i, e)
            } else {
                (i + 1, TokKind::Punct)
            };
            push(doc, &mut toks, i, end, kind, si, quotes, &mut qi);
            i = end;
            // Possessive after a word.
            if kind == TokKind::Word || kind == TokKind::Num {
                if i + 1 < e
                    && chars[i] == '\''
                    && (chars[i + 1] == 's' || chars[i + 1] == 'S')
                    && (i + 2 >= e || !chars[i + 2].is_alphanumeric())
                {
                    push(doc, &mut toks, i, i + 2, TokKind::Poss, si, quotes, &mut qi);
                    i += 2;
                } else if i < e
                    && chars[i] == '\''
                    && chars[i - 1].eq_ignore_ascii_case(&'s')
                    && (i + 1 >= e || chars[i + 1] == ' ')
                    && !is_mark[i]
                {
                    push(doc, &mut toks, i, i + 1, TokKind::Poss, si, quotes, &mut qi);
                    i += 1;
                }
            }
        }
        ranges.push((first, toks.len()));
    }
    (toks, ranges)
}

/// The end of a word or number starting at `i`, and its kind.
fn word_end(chars: &[char], i: usize, e: usize) -> (usize, TokKind) {
    let mut j = i;
    let mut has_alpha = false;
    while j < e {
        let c = chars[j];
        if c.is_alphanumeric() || (c.is_alphabetic()) {
            has_alpha |= c.is_alphabetic();
            j += 1;
            continue;
        }
        // Combining marks stay in the word.
        if is_combining(c) && j > i {
            j += 1;
            continue;
        }
        let prev = chars[j - 1];
        let next = if j + 1 < e { Some(chars[j + 1]) } else { None };
        let next_alnum = next.is_some_and(|n| n.is_alphanumeric());
        match c {
            '-' | '\u{2011}' if prev.is_alphanumeric() && next_alnum => j += 1,
            '\'' if prev.is_alphabetic() && next.is_some_and(|n| n.is_alphabetic()) => {
                // "Varga's" splits; "doesn't", "O'Brien" stay whole.
                let after = if j + 2 < e { Some(chars[j + 2]) } else { None };
                let is_poss =
                    matches!(next, Some('s' | 'S')) && after.is_none_or(|a| !a.is_alphanumeric());
                if is_poss {
                    break;
                }
                j += 1;
            }
            '.' | ',' | ':'
                if prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit()) =>
            {
                j += 1
            }
            '.' if prev.is_alphabetic()
                && next.is_some_and(|n| n.is_alphabetic())
                && is_single_letter_segment(chars, i, j) =>
            {
                j += 1
            }
            _ => break,
        }
    }
    // "U.S." keeps its final period.
    if j < e
        && chars[j] == '.'
        && chars[i..j].contains(&'.')
        && is_single_letter_segment(chars, i, j)
    {
        j += 1;
    }
    (
        j,
        if has_alpha {
            TokKind::Word
        } else {
            TokKind::Num
        },
    )
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Whether the letters just before `j` (back to `i` or a period) are a single letter.
fn is_single_letter_segment(chars: &[char], i: usize, j: usize) -> bool {
    j > i && (j - 1 == i || chars[j - 2] == '.')
}

#[allow(clippy::too_many_arguments)]
fn push(
    doc: &Doc,
    toks: &mut Vec<Token>,
    s: usize,
    e: usize,
    kind: TokKind,
    sentence: usize,
    quotes: &[Quote],
    qi: &mut usize,
) {
    while *qi < quotes.len() && quotes[*qi].outer_end() <= s {
        *qi += 1;
    }
    let quote = quotes
        .get(*qi)
        .filter(|q| q.open <= s && s < q.outer_end())
        .map(|_| *qi);
    let kind = if kind == TokKind::QuoteMark && quote.is_none() {
        TokKind::Punct
    } else if kind == TokKind::QuoteMark {
        let q = &quotes[quote.expect("checked above")];
        if s == q.open || Some(s) == q.close {
            TokKind::QuoteMark
        } else {
            TokKind::Punct
        }
    } else {
        kind
    };
    let text = doc.work_text(s, e);
    let lower = text.to_lowercase();
    toks.push(Token {
        start: s,
        end: e,
        text,
        lower,
        kind,
        sentence,
        quote,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::quotes::find_quotes;

    fn toks(s: &str) -> Vec<(String, TokKind, Option<usize>)> {
        let d = Doc::new(s);
        let n = d.len();
        let p = vec![(0, n)];
        let q = find_quotes(&d, &p);
        let (t, _) = tokenize(&d, &[(0, n, 0)], &q);
        t.into_iter().map(|t| (t.text, t.kind, t.quote)).collect()
    }

    #[test]
    fn possessives_initialisms_and_contractions() {
        let t = toks("Varga's U.S. envoy doesn't like the drivers' 4.5% Ben-Ami.");
        let words: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "Varga", "'s", "U.S.", "envoy", "doesn't", "like", "the", "drivers", "'", "4.5",
                "%", "Ben-Ami", "."
            ]
        );
        assert_eq!(t[1].1, TokKind::Poss);
        assert_eq!(t[8].1, TokKind::Poss);
        assert_eq!(t[9].1, TokKind::Num);
    }

    #[test]
    fn tokens_know_their_quote() {
        let t = toks("\"Go home,\" she said.");
        assert_eq!(t[0].1, TokKind::QuoteMark);
        assert_eq!(t[1].2, Some(0));
        assert_eq!(t[4].1, TokKind::QuoteMark);
        assert_eq!(t[5].2, None);
    }
}
