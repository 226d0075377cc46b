//! Evaluation against the annotated corpus (`/work/shared/corpus` schema): gold articles,
//! speaker matching and speaker scores. Stance and summary metrics build on the speaker
//! matching here (a predicted speaker's stance is only scored against the gold speaker it
//! was matched to).

pub mod speakers;

pub use speakers::{
    load_corpus, match_speakers, score_article, ArticleSpeakerEval, GoldArticle, GoldSpeaker,
    SpeakerMatch, SpeakerScores,
};
