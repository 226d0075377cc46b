//! Normalisation: the original text → a working copy of characters that later stages can
//! reason about (straight quotes, plain spaces, `\n` line ends), with a map from every
//! working character back to its character offset in the original.
//!
//! Stages after this one work on [`Doc::chars`] and report spans in working offsets; only
//! [`Doc::span`] turns them into original offsets. The map is not one-to-one: a CRLF pair,
//! a zero-width space or a soft hyphen disappears from the working copy, so a working span
//! always maps to the original span from its first to its last character.
//!
//! Curly and angle quotes say which way they face; that hint is kept in
//! [`Doc::quote_dir`] because straight quotes lose it.

use crate::report::Span;

/// Which way a double quote mark faces, when the original told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuoteDir {
    Unknown,
    Open,
    Close,
}

/// The working copy of one article.
pub(crate) struct Doc<'a> {
    /// The caller's text, untouched.
    pub original: &'a str,
    /// Normalised characters.
    pub chars: Vec<char>,
    /// `orig_idx[i]` is the original character offset of `chars[i]`.
    orig_idx: Vec<usize>,
    /// Byte offset in `original` of each original character, plus one past the end.
    orig_byte: Vec<usize>,
    /// For each working character that is `"`: the direction its original mark showed.
    pub quote_dir: Vec<QuoteDir>,
    /// For each working character that is `'`: whether the original was a left single mark.
    pub single_open: Vec<bool>,
}

impl<'a> Doc<'a> {
    /// Normalise `original`.
    pub fn new(original: &'a str) -> Self {
        let mut orig_byte = Vec::with_capacity(original.len() + 1);
        let mut chars = Vec::with_capacity(original.len());
        let mut orig_idx = Vec::with_capacity(original.len());
        let mut quote_dir = Vec::with_capacity(original.len());
        let mut single_open = Vec::with_capacity(original.len());
        let src: Vec<(usize, char)> = original.char_indices().collect();
        for (ci, &(byte, c)) in src.iter().enumerate() {
            orig_byte.push(byte);
            let next = src.get(ci + 1).map(|&(_, n)| n);
            let (out, dir, sopen) = match c {
                '"' | '\u{FF02}' => (Some('"'), QuoteDir::Unknown, false),
                '\u{201C}' | '\u{201E}' | '\u{00AB}' => (Some('"'), QuoteDir::Open, false),
                '\u{201D}' | '\u{00BB}' => (Some('"'), QuoteDir::Close, false),
                '\u{201F}' | '\u{2033}' => (Some('"'), QuoteDir::Unknown, false),
                '\u{2018}' | '\u{201A}' | '\u{2039}' => (Some('\''), QuoteDir::Unknown, true),
                '\u{2019}' | '\u{201B}' | '\u{203A}' | '\u{2032}' | '`' | '\u{00B4}' => {
                    (Some('\''), QuoteDir::Unknown, false)
                }
                // CRLF: the CR vanishes; a lone CR is an old-style line end.
                '\r' if next == Some('\n') => (None, QuoteDir::Unknown, false),
                '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' | '\u{000B}' | '\u{000C}' => {
                    (Some('\n'), QuoteDir::Unknown, false)
                }
                '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {
                    (None, QuoteDir::Unknown, false)
                }
                '\u{2010}' | '\u{2011}' => (Some('-'), QuoteDir::Unknown, false),
                '\t' => (Some(' '), QuoteDir::Unknown, false),
                '\n' => (Some('\n'), QuoteDir::Unknown, false),
                c if c.is_control() => (Some(' '), QuoteDir::Unknown, false),
                c if c.is_whitespace() => (Some(' '), QuoteDir::Unknown, false),
                c => (Some(c), QuoteDir::Unknown, false),
            };
            if let Some(o) = out {
                chars.push(o);
                orig_idx.push(ci);
                quote_dir.push(dir);
                single_open.push(sopen);
            }
        }
        orig_byte.push(original.len());
        Doc {
            original,
            chars,
            orig_idx,
            orig_byte,
            quote_dir,
            single_open,
        }
    }

    /// Number of working characters.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// The original span covered by working characters `start..end` (`start < end`).
    pub fn span(&self, start: usize, end: usize) -> Span {
        debug_assert!(start < end && end <= self.chars.len());
        Span {
            start: self.orig_idx[start],
            end: self.orig_idx[end - 1] + 1,
        }
    }

    /// The original text of an original span.
    pub fn original_text(&self, span: Span) -> String {
        self.original[self.orig_byte[span.start]..self.orig_byte[span.end]].to_string()
    }

    /// The working text of working characters `start..end`.
    pub fn work_text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    /// Narrow working `start..end` so it neither starts nor ends with whitespace.
    pub fn trim(&self, mut start: usize, mut end: usize) -> (usize, usize) {
        while start < end && self.chars[start].is_whitespace() {
            start += 1;
        }
        while end > start && self.chars[end - 1].is_whitespace() {
            end -= 1;
        }
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orig_slice(s: &str, sp: Span) -> String {
        s.chars().skip(sp.start).take(sp.end - sp.start).collect()
    }

    #[test]
    fn curly_quotes_and_spaces_become_plain_with_directions() {
        let s = "A\u{00A0}\u{201C}B\u{2019}s\u{201D}.";
        let d = Doc::new(s);
        assert_eq!(d.chars.iter().collect::<String>(), "A \"B's\".");
        assert_eq!(d.quote_dir[2], QuoteDir::Open);
        assert_eq!(d.quote_dir[6], QuoteDir::Close);
    }

    #[test]
    fn crlf_and_zero_width_map_back_to_original_offsets() {
        let s = "ab\r\ncd\u{200B}ef";
        let d = Doc::new(s);
        assert_eq!(d.chars.iter().collect::<String>(), "ab\ncdef");
        // "cdef" in working text is chars 3..7.
        let sp = d.span(3, 7);
        assert_eq!(orig_slice(s, sp), "cd\u{200B}ef");
        assert_eq!(d.original_text(sp), "cd\u{200B}ef");
        let sp = d.span(0, 3);
        assert_eq!(orig_slice(s, sp), "ab\r\n");
    }

    #[test]
    fn empty_input_is_fine() {
        let d = Doc::new("");
        assert_eq!(d.len(), 0);
    }
}
