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

pub mod bert;
pub mod device;
pub mod encoder;
pub mod generator;
pub mod gguf_tokenizer;

/// The default preset's models, verified, from `$PARLEY_HOME` (or the platform cache),
/// fetched from their sources first if missing. Tests, benches and tools use this to get
/// real weights the same way the engine does.
///
/// # Errors
/// As [`store::ModelStore::ensure_preset`].
pub fn ensure_default_preset(progress: bool) -> Result<store::ResolvedPreset> {
    let catalog = catalog::Catalog::load(None)?;
    let store = store::ModelStore::from_env(false, None)?;
    store.ensure_preset(&catalog, catalog::DEFAULT_PRESET, progress)
}
