//! Direct quotes: pairs of quotation marks within a paragraph, in working offsets.
//!
//! Double quotes are the quotation marks. Straight marks pair up by parity inside each
//! paragraph; curly marks keep their direction, which lets a stray mark resynchronise.
//! A paragraph that opens a quote without closing it (the newswire convention for a quote
//! running over several paragraphs) yields a quote that runs to the paragraph's end and is
//! flagged `open_end`; a quote opening the next paragraph is then its `continues` partner.
//! Single quotes count as quotation marks only in a text with no double quotes at all
//! (British style); elsewhere they are apostrophes or quotes nested in quotes, and ignored.
//! Attribution (who said it) is not decided here.

use super::normalize::{Doc, QuoteDir};

/// One quotation: the words between a pair of marks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quote {
    /// Working offset of the opening mark.
    pub open: usize,
    /// Working offset of the closing mark, if any (none: runs to the paragraph's end).
    pub close: Option<usize>,
    /// The quoted words, trimmed (working offsets).
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
    /// The paragraph ended before the quote closed.
    pub open_end: bool,
    /// Index of the quote (previous paragraph) that this one continues.
    pub continues: Option<usize>,
}

impl Quote {
    /// Working offset just past the quote's closing mark (or its last character).
    pub fn outer_end(&self) -> usize {
        self.close.map(|c| c + 1).unwrap_or(self.end)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Find every quote in `paragraphs` (working spans, in order).
pub(crate) fn find_quotes(doc: &Doc, paragraphs: &[(usize, usize)]) -> Vec<Quote> {
    let double = doc.chars.contains(&'"');
    let mut out: Vec<Quote> = Vec::new();
    let mut prev_open_end: Option<usize> = None;
    for (pi, &(ps, pe)) in paragraphs.iter().enumerate() {
        let first_quote_idx = out.len();
        let mut open: Option<usize> = None;
        for i in ps..pe {
            let c = doc.chars[i];
            let (is_mark, dir) = if double {
                (c == '"', doc.quote_dir[i])
            } else if c == '\'' {
                single_mark(doc, i, ps, pe, open.is_some())
            } else {
                (false, QuoteDir::Unknown)
            };
            if !is_mark {
                continue;
            }
            match open {
                None => {
                    // A mark that faces closed cannot open a quote; straight ones can.
                    if dir != QuoteDir::Close {
                        open = Some(i);
                    }
                }
                // An opening curly mark while open: the earlier one was stray.
                Some(_) if dir == QuoteDir::Open => open = Some(i),
                Some(o) => {
                    push(doc, &mut out, o, Some(i), pe, pi);
                    open = None;
                }
            }
        }
        if let Some(o) = open {
            push(doc, &mut out, o, None, pe, pi);
        }
        // A paragraph that starts with a quote continues an unclosed one before it.
        if let (Some(prev), Some(q)) = (prev_open_end, out.get_mut(first_quote_idx)) {
            let (fs, _) = doc.trim(ps, pe);
            if q.open == fs {
                q.continues = Some(prev);
            }
        }
        prev_open_end = match out.last() {
            Some(q) if q.paragraph == pi && q.open_end => Some(out.len() - 1),
            _ => None,
        };
    }
    out
}

/// Whether a single quote at `i` acts as a quotation mark (British-style texts only).
fn single_mark(doc: &Doc, i: usize, ps: usize, pe: usize, inside: bool) -> (bool, QuoteDir) {
    let prev = if i > ps { Some(doc.chars[i - 1]) } else { None };
    let next = if i + 1 < pe {
        Some(doc.chars[i + 1])
    } else {
        None
    };
    let prev_word = prev.is_some_and(is_word_char);
    let next_word = next.is_some_and(is_word_char);
    if prev_word && next_word {
        return (false, QuoteDir::Unknown); // doesn't, O'Brien
    }
    if doc.single_open[i] {
        return (true, QuoteDir::Open);
    }
    let opens = !prev_word
        && prev.is_none_or(|p| p.is_whitespace() || "([{-\u{2014}\u{2013}".contains(p))
        && next.is_some_and(|n| !n.is_whitespace());
    if opens && !inside {
        return (true, QuoteDir::Open);
    }
    let closes = prev.is_some_and(|p| !p.is_whitespace())
        && next.is_none_or(|n| n.is_whitespace() || ",.;:!?)]-\u{2014}".contains(n));
    if closes && inside {
        // "the drivers' wages" inside a quote would close it; a plural possessive is
        // followed by a lowercase word, a closing mark usually by punctuation or a verb.
        return (true, QuoteDir::Close);
    }
    (false, QuoteDir::Unknown)
}

fn push(
    doc: &Doc,
    out: &mut Vec<Quote>,
    open: usize,
    close: Option<usize>,
    para_end: usize,
    pi: usize,
) {
    // Unclosed: the quote runs to the paragraph's end.
    let inner_end = close.unwrap_or(para_end);
    let (s, mut e) = doc.trim(open + 1, inner_end);
    // A comma before the closing mark belongs to the attribution ("...,\" she said").
    while e > s && (doc.chars[e - 1] == ',' || doc.chars[e - 1].is_whitespace()) {
        e -= 1;
    }
    if s >= e {
        return;
    }
    out.push(Quote {
        open,
        close,
        start: s,
        end: e,
        paragraph: pi,
        open_end: close.is_none(),
        continues: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(s: &str, paras: &[(usize, usize)]) -> Vec<String> {
        let d = Doc::new(s);
        find_quotes(&d, paras)
            .iter()
            .map(|q| d.work_text(q.start, q.end))
            .collect()
    }

    #[test]
    fn straight_quotes_pair_by_parity() {
        let s = "\"One,\" she said. \"Two.\"";
        assert_eq!(quotes(s, &[(0, s.chars().count())]), vec!["One", "Two."]);
    }

    #[test]
    fn curly_quotes_resync_after_a_stray_mark() {
        let s = "a \u{201C}stray \u{201C}real words\u{201D} end";
        assert_eq!(quotes(s, &[(0, s.chars().count())]), vec!["real words"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let s = "He doesn\u{2019}t know. \u{201C}It\u{2019}s fine,\u{201D} he said.";
        assert_eq!(quotes(s, &[(0, s.chars().count())]), vec!["It's fine"]);
    }

    #[test]
    fn multi_paragraph_quote_continues() {
        let s = "She said: \"First part.\n\n\"Second part,\" she said.";
        let d = Doc::new(s);
        let q = find_quotes(&d, &[(0, 22), (24, s.chars().count())]);
        assert_eq!(q.len(), 2);
        assert!(q[0].open_end);
        assert_eq!(q[1].continues, Some(0));
        assert_eq!(d.work_text(q[0].start, q[0].end), "First part.");
    }

    #[test]
    fn british_single_quotes_when_no_double_quotes() {
        let s = "'We will win,' the drivers' leader said.";
        assert_eq!(quotes(s, &[(0, s.chars().count())]), vec!["We will win"]);
    }
}
