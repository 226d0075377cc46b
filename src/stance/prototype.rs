//! The zero-shot baseline: a statement's embedding compared with label prototype
//! sentences written from the target ("We support {target}.", "We oppose {target}.",
//! "We take no position on {target}."), softmax over the best similarity per label.
//! Kept as a measured reference point for the trained classifier, not as the default.
//!
//! [`MeanPoolEmbedder`] is a plain sentence-transformers embedder (BERT, mean pooling,
//! L2 norm) on the same base files, so the baseline can be measured without the engine;
//! the engine hands in its own [`Embedder`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use tokenizers::Tokenizer;

use super::classifier::{
    load_tensors, load_tokenizer, mean_pool, model_err, pad_batch, read_bert_config, BaseFiles,
};
use super::{StanceInput, StanceModel};
use crate::model::bert::Bert;
use crate::model::Embedder;
use crate::report::Probabilities;
use crate::Result;

/// Prototype sentences per label; `{t}` is the target.
const FAVOR: &[&str] = &[
    "We support {t}.",
    "{t} is the right thing to do and we back it.",
    "We welcome {t} and urge everyone to accept it.",
];
const AGAINST: &[&str] = &[
    "We oppose {t}.",
    "{t} is a mistake and we reject it.",
    "We will fight {t} and urge everyone to block it.",
];
const NEUTRAL: &[&str] = &[
    "We take no position on {t}.",
    "Officials gave figures and dates about {t}.",
    "It is too early to say what will happen with {t}.",
];

/// Zero-shot stance from embedding similarity to label prototypes.
pub struct PrototypeClassifier {
    embedder: Arc<dyn Embedder>,
    /// Softmax temperature on cosine similarities (they differ by a few hundredths).
    temperature: f32,
    name: String,
}

impl PrototypeClassifier {
    pub fn new(embedder: Arc<dyn Embedder>) -> Self {
        let name = format!("prototype({})", embedder.name());
        PrototypeClassifier {
            embedder,
            temperature: 30.0,
            name,
        }
    }

    pub fn with_temperature(mut self, t: f32) -> Self {
        self.temperature = t;
        self
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl StanceModel for PrototypeClassifier {
    fn classify(&self, inputs: &[StanceInput<'_>]) -> Result<Vec<Probabilities>> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        // Prototypes once per distinct target of the batch.
        let mut protos: HashMap<&str, [Vec<Vec<f32>>; 3]> = HashMap::new();
        for i in inputs {
            if protos.contains_key(i.target) {
                continue;
            }
            let mut per_label: [Vec<Vec<f32>>; 3] = Default::default();
            for (k, templates) in [FAVOR, AGAINST, NEUTRAL].iter().enumerate() {
                let texts: Vec<String> = templates
                    .iter()
                    .map(|t| capitalise(&t.replace("{t}", i.target.trim())))
                    .collect();
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                per_label[k] = self.embedder.embed(&refs)?;
            }
            protos.insert(i.target, per_label);
        }
        let texts: Vec<&str> = inputs.iter().map(|i| i.statement).collect();
        let embs = self.embedder.embed(&texts)?;
        Ok(inputs
            .iter()
            .zip(embs)
            .map(|(i, e)| {
                let pl = &protos[i.target];
                let best: Vec<f32> = pl
                    .iter()
                    .map(|vs| vs.iter().map(|v| dot(v, &e)).fold(f32::MIN, f32::max))
                    .collect();
                let m = best.iter().copied().fold(f32::MIN, f32::max);
                let ex: Vec<f32> = best
                    .iter()
                    .map(|s| ((s - m) * self.temperature).exp())
                    .collect();
                let z: f32 = ex.iter().sum();
                Probabilities {
                    favor: ex[0] / z,
                    against: ex[1] / z,
                    neutral: ex[2] / z,
                }
            })
            .collect())
    }

    fn name(&self) -> &str {
        &self.name
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A sentence-transformers style embedder (mean pooling, L2 norm) on a BERT base.
pub struct MeanPoolEmbedder {
    tokenizer: Tokenizer,
    bert: Bert,
    device: Device,
    name: String,
}

impl MeanPoolEmbedder {
    pub fn load(base_dir: &Path) -> Result<Self> {
        let files = BaseFiles::from_dir(base_dir);
        let cfg = read_bert_config(&files.config)?;
        let tensors = load_tensors(&files.weights, &Device::Cpu)?;
        let bert = Bert::load(
            VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu),
            &cfg,
        )
        .map_err(|e| model_err(format!("building the embedder: {e}")))?;
        Ok(MeanPoolEmbedder {
            tokenizer: load_tokenizer(&files.tokenizer, 256)?,
            bert,
            device: Device::Cpu,
            name: base_dir
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "encoder".into()),
        })
    }
}

impl Embedder for MeanPoolEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(16) {
            let mut encs = Vec::with_capacity(chunk.len());
            for t in chunk {
                let e = self
                    .tokenizer
                    .encode(*t, true)
                    .map_err(|e| crate::Error::Inference(format!("tokenizing: {e}")))?;
                encs.push(super::classifier::Encoded {
                    ids: e.get_ids().to_vec(),
                    type_ids: e.get_type_ids().to_vec(),
                });
            }
            let refs: Vec<_> = encs.iter().collect();
            let (ids, types, mask) = pad_batch(&refs, &self.device)?;
            let h = self.bert.forward(&ids, &types, Some(&mask))?;
            let pooled = mean_pool(&h, &mask)?;
            let norm = pooled
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12f32, f32::MAX)?;
            let v: Vec<Vec<f32>> = pooled.broadcast_div(&norm)?.to_vec2()?;
            out.extend(v);
        }
        Ok(out)
    }

    fn name(&self) -> &str {
        &self.name
    }
}
