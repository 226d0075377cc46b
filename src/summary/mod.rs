//! Summaries: extractive by default, abstractive with a faithfulness check.
