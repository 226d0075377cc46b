//! Evaluation against the annotated corpus (`parley eval`).

pub mod summary;
