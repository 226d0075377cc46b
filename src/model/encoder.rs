//! The sentence encoder: a BERT-family model (all-MiniLM-L6-v2 by default) loaded from
//! safetensors and run with [`super::bert::Bert`] (candle-transformers' `BertModel` math in
//! fewer ops).
//!
//! It owns tokenisation (tokenizer.json through the `tokenizers` crate, truncated to the
//! model's sentence length), length-sorted padded batching, mean pooling over real tokens,
//! L2 normalisation, and per-token outputs for heads added on top. It hands out plain
//! vectors (through [`Embedder`]) or per-text token states; it does not choose files (the
//! model store does) or the device (see `device`).

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{Config, DTYPE};
use tokenizers::{Tokenizer, TruncationParams};

use super::bert::Bert;
use crate::model::Embedder;
use crate::{Error, Result};

/// Default cap on padded tokens per forward pass (batch size × longest sequence). 32 full
/// MiniLM sentences of 256 tokens; attention then needs about 100 MB.
pub const DEFAULT_MAX_BATCH_TOKENS: usize = 8192;

/// The three files a BERT encoder needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncoderFiles {
    /// Hugging Face `config.json` (BERT hyper-parameters).
    pub config: PathBuf,
    /// `tokenizer.json` (fast-tokenizer format).
    pub tokenizer: PathBuf,
    /// `model.safetensors`.
    pub weights: PathBuf,
}

impl EncoderFiles {
    /// The usual names inside one model directory.
    pub fn from_dir(dir: &Path) -> Self {
        EncoderFiles {
            config: dir.join("config.json"),
            tokenizer: dir.join("tokenizer.json"),
            weights: dir.join("model.safetensors"),
        }
    }

    /// The verified files of an encoder the model store resolved.
    ///
    /// # Errors
    /// `ModelUnavailable` when the model lacks one of the three files.
    pub fn of(model: &crate::model::store::ResolvedModel) -> crate::Result<Self> {
        Ok(EncoderFiles {
            config: model.path("config.json")?.to_path_buf(),
            tokenizer: model.path("tokenizer.json")?.to_path_buf(),
            weights: model.path("model.safetensors")?.to_path_buf(),
        })
    }
}

/// One text's last hidden states, real tokens only (CLS and SEP included).
#[derive(Debug, Clone)]
pub struct TokenOutput {
    /// Token ids, `[CLS] … [SEP]`.
    pub ids: Vec<u32>,
    /// Byte offsets of each token in the input text ((0, 0) for CLS/SEP).
    pub offsets: Vec<(usize, usize)>,
    /// 1 for CLS/SEP (which most heads skip), 0 for tokens of the text.
    pub special_mask: Vec<u32>,
    /// Hidden states, shape `(ids.len(), hidden_size)`, f32, on the encoder's device.
    pub hidden: Tensor,
}

/// A loaded sentence encoder. `Send + Sync`: one instance serves every thread.
pub struct Encoder {
    model: Bert,
    tokenizer: Tokenizer,
    device: Device,
    hidden_size: usize,
    max_len: usize,
    pad_id: u32,
    name: String,
}

/// Memory-map safetensors weights.
fn mmap_weights(path: &Path, device: &Device) -> Result<VarBuilder<'static>> {
    // SAFETY: the file is mapped read-only and must not be modified or truncated while the
    // map lives (it would be undefined behaviour). Model files are written once, by the model
    // store, before loading, and never rewritten in place while parley runs.
    unsafe { VarBuilder::from_mmaped_safetensors(&[path], DTYPE, device) }
        .map_err(|e| Error::ModelUnavailable(format!("cannot map weights {}: {e}", path.display())))
}

fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(format!("read {}", path.display()), e))
}

/// Sentence-transformers stores the sentence length it was trained with next to config.json.
fn sentence_max_len(config: &Path) -> Result<Option<usize>> {
    let Some(dir) = config.parent() else {
        return Ok(None);
    };
    let path = dir.join("sentence_bert_config.json");
    if !path.exists() {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_str(&read_to_string(&path)?).map_err(|e| {
        Error::ModelUnavailable(format!("{} is not valid JSON: {e}", path.display()))
    })?;
    Ok(v.get("max_seq_length")
        .and_then(|m| m.as_u64())
        .map(|m| m as usize))
}

impl Encoder {
    /// Load the encoder onto `device`.
    ///
    /// The sentence length is `max_seq_length` from a `sentence_bert_config.json` beside the
    /// config (256 for MiniLM), else the model's position limit; longer texts are truncated.
    ///
    /// # Errors
    /// `Io` when a file cannot be read, `ModelUnavailable` when a file is malformed or the
    /// weights do not fit the config.
    pub fn load(files: &EncoderFiles, device: &Device) -> Result<Encoder> {
        let config: Config =
            serde_json::from_str(&read_to_string(&files.config)?).map_err(|e| {
                Error::ModelUnavailable(format!(
                    "{} is not a BERT config: {e}",
                    files.config.display()
                ))
            })?;
        let mut tokenizer = Tokenizer::from_file(&files.tokenizer).map_err(|e| {
            Error::ModelUnavailable(format!(
                "cannot load tokenizer {}: {e}",
                files.tokenizer.display()
            ))
        })?;
        let max_len = sentence_max_len(&files.config)?
            .unwrap_or(config.max_position_embeddings)
            .min(config.max_position_embeddings);
        // tokenizer.json files often carry fixed padding and a shorter truncation from export
        // time; batching pads here, per batch, and truncation follows the model.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: max_len,
                ..Default::default()
            }))
            .map_err(|e| Error::ModelUnavailable(format!("tokenizer truncation: {e}")))?;
        let pad_id = tokenizer
            .token_to_id("[PAD]")
            .unwrap_or(config.pad_token_id as u32);

        let vb = mmap_weights(&files.weights, device)?;
        let model = Bert::load(vb, &config).map_err(|e| {
            Error::ModelUnavailable(format!(
                "weights {} do not match config {}: {e}",
                files.weights.display(),
                files.config.display()
            ))
        })?;
        let name = files
            .weights
            .parent()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bert".to_string());
        Ok(Encoder {
            model,
            tokenizer,
            device: device.clone(),
            hidden_size: config.hidden_size,
            max_len,
            pad_id,
            name,
        })
    }

    /// Give the encoder the name the report shows (the default is its directory's name).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The tokenizer, truncating to [`max_len`](Self::max_len) and never padding.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The longest input, in tokens (CLS and SEP included); longer texts are truncated.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Embedding width.
    pub fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Embed with at most `max_batch_tokens` padded tokens per forward pass. Texts are sorted
    /// by length so each batch pads little; results come back in input order.
    ///
    /// # Errors
    /// `InvalidInput` when `max_batch_tokens` is zero; `Inference` when tokenisation or the
    /// model fails.
    pub fn embed_batched(&self, texts: &[&str], max_batch_tokens: usize) -> Result<Vec<Vec<f32>>> {
        let mut out = vec![Vec::new(); texts.len()];
        self.run_batches(texts, max_batch_tokens, |batch, hidden, mask| {
            // Mean over real tokens: padded positions are zeroed by the mask and not counted.
            let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let sum = hidden.broadcast_mul(&mask)?.sum(1)?;
            let count = mask.sum(1)?;
            let mean = sum.broadcast_div(&count)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
            let unit = mean.broadcast_div(&norm)?;
            for (row, item) in unit.to_vec2::<f32>()?.into_iter().zip(batch) {
                out[item.index] = row;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Last hidden states per text, real tokens only, in input order.
    ///
    /// # Errors
    /// `Inference` when tokenisation or the model fails.
    pub fn token_outputs(&self, texts: &[&str]) -> Result<Vec<TokenOutput>> {
        let mut out: Vec<Option<TokenOutput>> = vec![None; texts.len()];
        self.run_batches(texts, DEFAULT_MAX_BATCH_TOKENS, |batch, hidden, _mask| {
            for (row, item) in batch.iter().enumerate() {
                let n = item.ids.len();
                let h = hidden.get(row)?.narrow(0, 0, n)?.contiguous()?;
                out[item.index] = Some(TokenOutput {
                    ids: item.ids.clone(),
                    offsets: item.offsets.clone(),
                    special_mask: item.special.clone(),
                    hidden: h,
                });
            }
            Ok(())
        })?;
        out.into_iter()
            .map(|o| o.ok_or_else(|| Error::Inference("encoder lost a text".into())))
            .collect()
    }

    fn tokenize(&self, texts: &[&str]) -> Result<Vec<Tokenized>> {
        texts
            .iter()
            .enumerate()
            .map(|(index, t)| {
                let enc = self
                    .tokenizer
                    .encode(*t, true)
                    .map_err(|e| Error::Inference(format!("tokenize: {e}")))?;
                Ok(Tokenized {
                    index,
                    ids: enc.get_ids().to_vec(),
                    offsets: enc.get_offsets().to_vec(),
                    special: enc.get_special_tokens_mask().to_vec(),
                })
            })
            .collect()
    }

    /// Tokenise, group into length-sorted batches under the token budget, run the model and
    /// hand each batch's items, hidden states `(b, t, d)` and mask `(b, t)` to `f`.
    fn run_batches<F>(&self, texts: &[&str], max_batch_tokens: usize, mut f: F) -> Result<()>
    where
        F: FnMut(&[Tokenized], &Tensor, &Tensor) -> Result<()>,
    {
        if max_batch_tokens == 0 {
            return Err(Error::InvalidInput(
                "max_batch_tokens must be at least 1".into(),
            ));
        }
        let mut items = self.tokenize(texts)?;
        // Longest first, so the first batch shows the worst-case memory at once.
        items.sort_by(|a, b| b.ids.len().cmp(&a.ids.len()).then(a.index.cmp(&b.index)));
        let mut start = 0;
        while start < items.len() {
            let longest = items[start].ids.len();
            // Sorted descending: a batch's width is its first item's length.
            let fit = (max_batch_tokens / longest.max(1)).max(1);
            let end = (start + fit).min(items.len());
            let batch = &items[start..end];
            let (hidden, mask) = self.forward_padded(batch, longest)?;
            f(batch, &hidden, &mask)?;
            start = end;
        }
        Ok(())
    }

    fn forward_padded(&self, batch: &[Tokenized], width: usize) -> Result<(Tensor, Tensor)> {
        let b = batch.len();
        let mut ids = Vec::with_capacity(b * width);
        let mut mask = Vec::with_capacity(b * width);
        for item in batch {
            ids.extend_from_slice(&item.ids);
            ids.extend(std::iter::repeat_n(self.pad_id, width - item.ids.len()));
            mask.extend(std::iter::repeat_n(1u32, item.ids.len()));
            mask.extend(std::iter::repeat_n(0u32, width - item.ids.len()));
        }
        let ids = Tensor::from_vec(ids, (b, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (b, width), &self.device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        Ok((hidden, mask))
    }
}

struct Tokenized {
    index: usize,
    ids: Vec<u32>,
    offsets: Vec<(usize, usize)>,
    special: Vec<u32>,
}

impl Embedder for Encoder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.embed_batched(texts, DEFAULT_MAX_BATCH_TOKENS)
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn encoder_is_send_and_sync() {
        assert_send_sync::<Encoder>();
    }

    #[test]
    fn files_from_dir_use_standard_names() {
        let f = EncoderFiles::from_dir(Path::new("m"));
        assert_eq!(f.config, Path::new("m/config.json"));
        assert_eq!(f.tokenizer, Path::new("m/tokenizer.json"));
        assert_eq!(f.weights, Path::new("m/model.safetensors"));
    }

    #[test]
    fn missing_files_are_io_errors() {
        let f = EncoderFiles::from_dir(Path::new("/nonexistent/parley-encoder"));
        let err = Encoder::load(&f, &Device::Cpu).err().expect("must fail");
        assert!(matches!(err, Error::Io { .. }), "{err}");
    }
}
