//! Models: where weights come from (catalog, sources, cache), which device runs them,
//! and the runtimes behind small traits, one per capability. Nothing outside this module
//! touches candle, tokenizers or hf-hub directly.

pub mod catalog;
pub mod source;
pub mod store;

use crate::Result;

/// Sentence embeddings (L2-normalised), for salience, similarity and prototypes.
pub trait Embedder: Send + Sync {
    /// Embed each text; the result has one vector per input, in order.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
    /// The model's name, for the report.
    fn name(&self) -> &str;
}

pub mod device;
pub mod encoder;
pub mod generator;
pub mod gguf_tokenizer;
