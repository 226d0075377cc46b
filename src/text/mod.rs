//! Text → sentences → quotes and speakers. Pure and synchronous: no models, no I/O.
//!
//! Offsets everywhere in this module are character (Unicode scalar) offsets into the
//! original input, end exclusive.

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

/// Run the text pipeline over an article.
pub fn analyze_text(_text: &str) -> TextAnalysis {
    TextAnalysis::default()
}
