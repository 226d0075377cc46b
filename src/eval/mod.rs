//! Evaluation against the annotated corpus (`/work/shared/corpus` schema): gold articles,
//! speaker matching and speaker scores ([`speakers`]), summary metrics ([`summary`]); and
//! a stance model alone on labelled statements ([`statements`]).
//! Stance is scored only against the gold speaker a predicted speaker was matched to.

pub mod run;
pub mod speakers;
pub mod statements;
pub mod summary;

pub use speakers::{
    load_corpus, match_speakers, score_article, ArticleSpeakerEval, GoldArticle, GoldSpeaker,
    SpeakerMatch, SpeakerScores,
};
