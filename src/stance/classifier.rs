//! Stance classifiers on a BERT encoder, run by candle.
//!
//! - [`TrainedClassifier`], the default: the registry MiniLM base (config.json,
//!   tokenizer.json, model.safetensors) with the fine-tuned top layers and linear head of a
//!   stance artifact (`models/stance/`: `config.json` + f16 `model.safetensors`) laid over
//!   it. Input: the cross-encoder pair of [`InputFormat`], mean pooling, three logits.
//! - [`SequenceClassifier`]: a `*ForSequenceClassification` checkpoint trained elsewhere
//!   (BERT, DeBERTa-v2/v3, RoBERTa, XLM-RoBERTa: config.json with `id2label`,
//!   tokenizer.json, model.safetensors), with
//!   stance labels (favor/against/neutral and synonyms) or NLI labels
//!   (entailment/contradiction/neutral, read as favor/against/neutral of the hypothesis
//!   "{speaker} supports {target}.").
//!
//! The tokenising, padding and pooling helpers here are shared with [`super::train`], so a
//! trained model sees at inference exactly the input it was trained on.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{Linear, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use candle_transformers::models::{debertav2, xlm_roberta};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::data::{label_index, InputFormat};
use super::{StanceInput, StanceModel};
use crate::model::bert::Bert;
use crate::report::{Probabilities, StanceLabel};
use crate::{Error, Result};

/// Version of the artifact layout below; bumped when it changes incompatibly.
pub const ARTIFACT_FORMAT_VERSION: u32 = 1;
/// File names inside an artifact directory.
pub const ARTIFACT_CONFIG: &str = "config.json";
pub const ARTIFACT_WEIGHTS: &str = "model.safetensors";

/// Statements per forward pass at inference: large enough to use both cores well,
/// small enough that one long statement does not pad many short ones.
const INFER_BATCH: usize = 16;

/// The artifact's `config.json`: everything needed to rebuild the classifier over its
/// base, and to trace it back to how it was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactConfig {
    pub format_version: u32,
    /// The base encoder the override tensors were trained on (hub id).
    pub base_model: String,
    /// sha256 over the base's LayerNorm tensors: a cheap check that the base on disk is
    /// the one these layers were trained on.
    pub base_fingerprint: String,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    /// Indices of the encoder layers whose weights the artifact replaces.
    pub layers_replaced: Vec<usize>,
    pub input_format: InputFormat,
    /// Token limit of the encoded pair (longest segment truncated first).
    pub max_tokens: usize,
    pub pooling: String,
    /// Output order of the head.
    pub labels: Vec<StanceLabel>,
    pub training: TrainingProvenance,
}

/// How the artifact was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingProvenance {
    pub seed: u64,
    /// Runs averaged into the weights (absent in single-run artifacts).
    #[serde(default = "one_run", skip_serializing_if = "is_one_run")]
    pub runs: usize,
    /// Index of the first run trained (absent when 0; see `TrainConfig::first_run`).
    #[serde(default, skip_serializing_if = "is_zero_usize")]
    pub first_run: usize,
    /// Label smoothing of the training targets (absent when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub label_smoothing: f32,
    /// R-drop weight (absent when 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rdrop: f32,
    /// Percent of the training statements also trained toward the reversed target
    /// (absent when 0; see `TrainConfig::flip_targets`).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub flip_targets: u32,
    /// Batches drawn at random rather than grouped by length (absent when grouped).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub random_batches: bool,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    /// Layer-wise learning-rate decay (absent when 1: one rate for all layers).
    #[serde(default = "one_f64", skip_serializing_if = "is_one_f64")]
    pub layer_decay: f64,
    pub data_sha256: String,
    pub train_examples: usize,
    pub validation_examples: usize,
    pub validation_macro_f1: f64,
}

fn one_f64() -> f64 {
    1.0
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_one_f64(x: &f64) -> bool {
    *x == 1.0
}

fn one_run() -> usize {
    1
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_one_run(runs: &usize) -> bool {
    *runs == 1
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_zero_u32(x: &u32) -> bool {
    *x == 0
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_zero_usize(x: &usize) -> bool {
    *x == 0
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

/// The base encoder's three files: the same as the encoder runtime's.
pub use crate::model::encoder::EncoderFiles as BaseFiles;

pub(crate) fn model_err(what: impl std::fmt::Display) -> Error {
    Error::ModelUnavailable(what.to_string())
}

impl ArtifactConfig {
    /// The `config.json` of the artifact in `dir`; a missing or malformed file is an error
    /// that names it.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(ARTIFACT_CONFIG);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| model_err(format!("stance artifact config {}: {e}", path.display())))?;
        serde_json::from_str(&text)
            .map_err(|e| model_err(format!("stance artifact config {}: {e}", path.display())))
    }
}

/// Read a BERT config.json.
pub(crate) fn read_bert_config(path: &Path) -> Result<BertConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    serde_json::from_str(&text)
        .map_err(|e| model_err(format!("{}: not a BERT config: {e}", path.display())))
}

/// Load a tokenizer with its padding switched off (batches are padded here, to their own
/// longest member) and truncation set to `max_tokens`, longest segment first.
pub(crate) fn load_tokenizer(path: &Path, max_tokens: usize) -> Result<Tokenizer> {
    let mut tok = Tokenizer::from_file(path)
        .map_err(|e| model_err(format!("{}: bad tokenizer: {e}", path.display())))?;
    tok.with_padding(None);
    tok.with_truncation(Some(TruncationParams {
        direction: TruncationDirection::Right,
        max_length: max_tokens,
        strategy: TruncationStrategy::LongestFirst,
        stride: 0,
    }))
    .map_err(|e| model_err(format!("tokenizer truncation: {e}")))?;
    Ok(tok)
}

/// Token ids and segment ids of one encoded pair.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
}

pub(crate) fn encode_pairs(tok: &Tokenizer, pairs: &[(String, String)]) -> Result<Vec<Encoded>> {
    let mut out = Vec::with_capacity(pairs.len());
    for (a, b) in pairs {
        let enc = tok
            .encode((a.as_str(), b.as_str()), true)
            .map_err(|e| Error::Inference(format!("tokenizing: {e}")))?;
        out.push(Encoded {
            ids: enc.get_ids().to_vec(),
            type_ids: enc.get_type_ids().to_vec(),
        });
    }
    Ok(out)
}

/// Pad a batch to its longest member: (ids, type ids, mask), each (B, L); mask is 1 for
/// real tokens.
pub(crate) fn pad_batch(encs: &[&Encoded], device: &Device) -> Result<(Tensor, Tensor, Tensor)> {
    let len = encs.iter().map(|e| e.ids.len()).max().unwrap_or(0);
    let b = encs.len();
    let mut ids = vec![0u32; b * len];
    let mut types = vec![0u32; b * len];
    let mut mask = vec![0u32; b * len];
    for (i, e) in encs.iter().enumerate() {
        for j in 0..e.ids.len() {
            ids[i * len + j] = e.ids[j];
            types[i * len + j] = e.type_ids[j];
            mask[i * len + j] = 1;
        }
    }
    Ok((
        Tensor::from_vec(ids, (b, len), device)?,
        Tensor::from_vec(types, (b, len), device)?,
        Tensor::from_vec(mask, (b, len), device)?,
    ))
}

/// Mean of the hidden states over real tokens: (B, L, H) with mask (B, L) → (B, H).
pub(crate) fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&m)?.sum(1)?;
    let counts = m.sum(1)?.clamp(1e-9f32, f32::MAX)?;
    Ok(summed.broadcast_div(&counts)?)
}

/// Row-wise softmax of (B, 3) logits in head order → probabilities by label.
pub(crate) fn to_probabilities(
    logits: &Tensor,
    order: &[StanceLabel],
) -> Result<Vec<Probabilities>> {
    let probs = candle_nn::ops::softmax(logits, D::Minus1)?.to_vec2::<f32>()?;
    Ok(probs
        .into_iter()
        .map(|row| {
            let mut p = Probabilities::default();
            for (k, label) in order.iter().enumerate() {
                match label {
                    StanceLabel::Favor => p.favor += row[k],
                    StanceLabel::Against => p.against += row[k],
                    StanceLabel::Neutral => p.neutral += row[k],
                }
            }
            p
        })
        .collect())
}

/// sha256 over the raw bytes of every LayerNorm tensor of a BERT checkpoint, in name
/// order: small (a few hundred KB), and different for any two distinct bases.
pub(crate) fn base_fingerprint(tensors: &HashMap<String, Tensor>) -> Result<String> {
    let mut names: Vec<&String> = tensors.keys().filter(|k| k.contains("LayerNorm")).collect();
    names.sort();
    if names.is_empty() {
        return Err(model_err(
            "base checkpoint has no LayerNorm tensors: not a BERT encoder",
        ));
    }
    let mut h = Sha256::new();
    for n in names {
        let v = tensors[n]
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?;
        h.update(n.as_bytes());
        for x in v {
            h.update(x.to_le_bytes());
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// Load every tensor of a safetensors file (as f32) with a clear error.
pub(crate) fn load_tensors(path: &Path, device: &Device) -> Result<HashMap<String, Tensor>> {
    if !path.is_file() {
        return Err(model_err(format!("{} is missing", path.display())));
    }
    let map = candle_core::safetensors::load(path, device)
        .map_err(|e| model_err(format!("{}: unreadable safetensors: {e}", path.display())))?;
    map.into_iter()
        .map(|(k, v)| Ok((k, v.to_dtype(DType::F32)?)))
        .collect()
}

/// Batched inference over sorted-by-length chunks: `run` maps one padded batch to (B, 3)
/// logits; results come back in input order.
fn run_batched(
    encs: &[Encoded],
    device: &Device,
    order: &[StanceLabel],
    run: impl Fn(&Tensor, &Tensor, &Tensor) -> Result<Tensor>,
) -> Result<Vec<Probabilities>> {
    let mut idx: Vec<usize> = (0..encs.len()).collect();
    idx.sort_by_key(|&i| encs[i].ids.len());
    let mut out = vec![Probabilities::default(); encs.len()];
    for chunk in idx.chunks(INFER_BATCH) {
        let batch: Vec<&Encoded> = chunk.iter().map(|&i| &encs[i]).collect();
        let (ids, types, mask) = pad_batch(&batch, device)?;
        let logits = run(&ids, &types, &mask)?;
        for (p, &i) in to_probabilities(&logits, order)?.into_iter().zip(chunk) {
            out[i] = p;
        }
    }
    Ok(out)
}

/// The registry MiniLM base with a fine-tuned stance artifact laid over it.
pub struct TrainedClassifier {
    tokenizer: Tokenizer,
    bert: Bert,
    head: Linear,
    order: [StanceLabel; 3],
    config: ArtifactConfig,
    name: String,
    device: Device,
}

impl TrainedClassifier {
    /// Load on the CPU from a base directory and an artifact directory.
    ///
    /// # Errors
    /// `ModelUnavailable` when a file is missing or malformed, when the artifact does not
    /// fit the base (other dimensions, other fingerprint, missing tensors), or when its
    /// label list is not a permutation of favor/against/neutral.
    pub fn load(base_dir: &Path, artifact_dir: &Path) -> Result<Self> {
        Self::load_with(&BaseFiles::from_dir(base_dir), artifact_dir, &Device::Cpu)
    }

    /// Load from explicit base files on a device.
    pub fn load_with(base: &BaseFiles, artifact_dir: &Path, device: &Device) -> Result<Self> {
        let config = ArtifactConfig::read(artifact_dir)?;
        let overrides = load_tensors(&artifact_dir.join(ARTIFACT_WEIGHTS), device)?;
        Self::from_parts(base, config, overrides, device)
    }

    /// Build from a parsed artifact config and its tensors (the training loop uses this to
    /// measure exactly what it saved).
    pub fn from_parts(
        base: &BaseFiles,
        config: ArtifactConfig,
        overrides: HashMap<String, Tensor>,
        device: &Device,
    ) -> Result<Self> {
        if config.format_version != ARTIFACT_FORMAT_VERSION {
            return Err(model_err(format!(
                "stance artifact format {} is not supported (expected {ARTIFACT_FORMAT_VERSION})",
                config.format_version
            )));
        }
        let order = label_order(&config.labels)?;
        let bert_cfg = read_bert_config(&base.config)?;
        if bert_cfg.hidden_size != config.hidden_size
            || bert_cfg.num_hidden_layers != config.num_hidden_layers
        {
            return Err(model_err(format!(
                "stance artifact expects a base with hidden size {} and {} layers; {} has {} and {}",
                config.hidden_size,
                config.num_hidden_layers,
                base.config.display(),
                bert_cfg.hidden_size,
                bert_cfg.num_hidden_layers
            )));
        }
        let mut tensors = load_tensors(&base.weights, device)?;
        let fp = base_fingerprint(&tensors)?;
        if fp != config.base_fingerprint {
            return Err(model_err(format!(
                "stance artifact was trained on another base than {} (fingerprint {} vs {})",
                base.weights.display(),
                &fp[..12],
                config
                    .base_fingerprint
                    .get(..12)
                    .unwrap_or(&config.base_fingerprint)
            )));
        }
        for &l in &config.layers_replaced {
            if l >= bert_cfg.num_hidden_layers {
                return Err(model_err(format!(
                    "stance artifact replaces layer {l}, base has {}",
                    bert_cfg.num_hidden_layers
                )));
            }
        }
        // Every override must replace a base tensor of the same shape (or be the head), and
        // every tensor of each replaced layer must be present.
        for (name, t) in &overrides {
            if name.starts_with("classifier.") {
                continue;
            }
            match tensors.get(name) {
                Some(b) if b.shape() == t.shape() => {}
                Some(b) => {
                    return Err(model_err(format!(
                        "stance artifact tensor {name} has shape {:?}, base has {:?}",
                        t.dims(),
                        b.dims()
                    )))
                }
                None => {
                    return Err(model_err(format!(
                        "stance artifact tensor {name} is not in the base"
                    )))
                }
            }
        }
        for &l in &config.layers_replaced {
            let prefix = format!("encoder.layer.{l}.");
            for name in tensors.keys().filter(|k| k.starts_with(&prefix)) {
                if !overrides.contains_key(name) {
                    return Err(model_err(format!(
                        "stance artifact lacks {name} of replaced layer {l}"
                    )));
                }
            }
        }
        let head_w = overrides
            .get("classifier.weight")
            .ok_or_else(|| model_err("stance artifact lacks classifier.weight"))?
            .clone();
        let head_b = overrides
            .get("classifier.bias")
            .ok_or_else(|| model_err("stance artifact lacks classifier.bias"))?
            .clone();
        if head_w.dims() != [3, config.hidden_size] || head_b.dims() != [3] {
            return Err(model_err(format!(
                "stance head has shape {:?}/{:?}, expected [3, {}]/[3]",
                head_w.dims(),
                head_b.dims(),
                config.hidden_size
            )));
        }
        for (name, t) in overrides {
            if !name.starts_with("classifier.") {
                tensors.insert(name, t);
            }
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, device);
        let bert = Bert::load(vb, &bert_cfg)
            .map_err(|e| model_err(format!("building the stance encoder: {e}")))?;
        let tokenizer = load_tokenizer(&base.tokenizer, config.max_tokens)?;
        let name = format!(
            "{}+stance-top{}-{}",
            config.base_model,
            config.layers_replaced.len(),
            config.input_format
        );
        Ok(TrainedClassifier {
            tokenizer,
            bert,
            head: Linear::new(head_w, Some(head_b)),
            order,
            config,
            name,
            device: device.clone(),
        })
    }

    pub fn config(&self) -> &ArtifactConfig {
        &self.config
    }
}

/// The head's output order, checked to be a permutation of the three labels.
fn label_order(labels: &[StanceLabel]) -> Result<[StanceLabel; 3]> {
    let mut seen = [false; 3];
    if labels.len() != 3 {
        return Err(model_err(format!(
            "stance artifact has {} labels, expected 3",
            labels.len()
        )));
    }
    for l in labels {
        if std::mem::replace(&mut seen[label_index(*l)], true) {
            return Err(model_err(format!(
                "stance artifact lists label {} twice",
                l.as_str()
            )));
        }
    }
    Ok([labels[0], labels[1], labels[2]])
}

impl StanceModel for TrainedClassifier {
    fn classify(&self, inputs: &[StanceInput<'_>]) -> Result<Vec<Probabilities>> {
        let pairs: Vec<(String, String)> = inputs
            .iter()
            .map(|i| self.config.input_format.encode(i))
            .collect();
        let encs = encode_pairs(&self.tokenizer, &pairs)?;
        run_batched(&encs, &self.device, &self.order, |ids, types, mask| {
            let h = self.bert.forward(ids, types, Some(mask))?;
            let pooled = mean_pool(&h, mask)?;
            Ok(self.head.forward(&pooled)?)
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// How a hub checkpoint's labels are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelScheme {
    /// favor/against/neutral (or support/oppose/none, pro/con, ...): input is the
    /// trained classifier's plain pair `target [SEP] statement`.
    Stance,
    /// entailment/contradiction/neutral: premise = statement, hypothesis =
    /// "{speaker} supports {target}."; entailment reads as favor, contradiction as against.
    Nli,
}

/// The network under a checkpoint's classification head.
enum Backbone {
    /// BERT: `[CLS]` state through the tanh pooler, then the linear head.
    Bert {
        bert: Box<BertModel>,
        pooler: Linear,
        classifier: Linear,
    },
    /// DeBERTa-v2/v3 (`model_type` "deberta-v2"), e.g. the hub's DeBERTa-v3 NLI models.
    DebertaV2(Box<debertav2::DebertaV2SeqClassificationModel>),
    /// RoBERTa and XLM-RoBERTa (`roberta.*` tensors), e.g. roberta-large-mnli.
    Roberta(Box<xlm_roberta::XLMRobertaForSequenceClassification>),
}

impl Backbone {
    fn logits(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Backbone::Bert {
                bert,
                pooler,
                classifier,
            } => {
                let h = bert.forward(ids, types, Some(mask))?;
                let cls = h.narrow(1, 0, 1)?.squeeze(1)?;
                let pooled = pooler.forward(&cls)?.tanh()?;
                classifier.forward(&pooled)
            }
            Backbone::DebertaV2(m) => m.forward(ids, Some(types.clone()), Some(mask.clone())),
            Backbone::Roberta(m) => m.forward(ids, mask, &types.zeros_like()?),
        }
    }
}

/// A sequence-classification checkpoint trained elsewhere (BERT, DeBERTa-v2/v3, RoBERTa or
/// XLM-RoBERTa), with stance or NLI labels.
pub struct SequenceClassifier {
    tokenizer: Tokenizer,
    backbone: Backbone,
    /// For each output of the classifier, the stance label it stands for.
    outputs: Vec<StanceLabel>,
    scheme: LabelScheme,
    name: String,
    device: Device,
}

#[derive(Debug, Clone, Copy)]
enum ModelKind {
    Bert,
    DebertaV2,
    Roberta,
}

#[derive(Deserialize)]
struct HubConfig {
    #[serde(default)]
    model_type: Option<String>,
    #[serde(default)]
    id2label: HashMap<String, String>,
    #[serde(default)]
    max_position_embeddings: Option<usize>,
}

/// Map one hub label name to a stance label and the scheme it implies.
fn read_label(name: &str) -> Option<(StanceLabel, LabelScheme)> {
    let n = name.trim().to_ascii_lowercase();
    let n = n.as_str();
    if n.starts_with("entail") {
        return Some((StanceLabel::Favor, LabelScheme::Nli));
    }
    if n.starts_with("contradict") {
        return Some((StanceLabel::Against, LabelScheme::Nli));
    }
    match n {
        "favor" | "favour" | "support" | "supports" | "pro" | "positive" | "for" | "agree" => {
            Some((StanceLabel::Favor, LabelScheme::Stance))
        }
        "against" | "oppose" | "opposes" | "con" | "negative" | "disagree" => {
            Some((StanceLabel::Against, LabelScheme::Stance))
        }
        "neutral" | "none" | "neither" | "unrelated" | "discuss" => {
            Some((StanceLabel::Neutral, LabelScheme::Stance))
        }
        _ => None,
    }
}

impl SequenceClassifier {
    /// Load a checkpoint directory with `config.json` (with `id2label`), `tokenizer.json`
    /// and `model.safetensors`. By `model_type`: "bert" (keys `bert.*` or bare, plus
    /// `bert.pooler.dense.*` / `pooler.dense.*` and `classifier.*`), "deberta-v2"
    /// (`deberta.*`, `pooler.dense.*`, `classifier.*`), "roberta" / "xlm-roberta"
    /// (`roberta.*`, `classifier.dense.*`, `classifier.out_proj.*`).
    ///
    /// # Errors
    /// `ModelUnavailable` when a file is missing, the model type is another one, a label
    /// name cannot be read as a stance or NLI label (or the labels mix the two schemes or
    /// miss a class), or a tensor is missing or misshapen.
    pub fn load(dir: &Path, device: &Device) -> Result<Self> {
        let cfg_path = dir.join("config.json");
        let text = std::fs::read_to_string(&cfg_path)
            .map_err(|e| model_err(format!("checkpoint config {}: {e}", cfg_path.display())))?;
        let hub: HubConfig = serde_json::from_str(&text)
            .map_err(|e| model_err(format!("checkpoint config {}: {e}", cfg_path.display())))?;
        let kind = match hub.model_type.as_deref() {
            Some("bert") | None => ModelKind::Bert,
            Some("deberta-v2") => ModelKind::DebertaV2,
            Some("roberta") | Some("xlm-roberta") => ModelKind::Roberta,
            Some(other) => {
                return Err(model_err(format!(
                    "checkpoint {} is a {other:?} model; parley loads bert, deberta-v2, roberta \
                     and xlm-roberta sequence-classification checkpoints",
                    dir.display()
                )))
            }
        };
        let n = hub.id2label.len();
        if n < 3 {
            return Err(model_err(format!(
                "checkpoint {} has id2label with {n} labels; need favor/against/neutral or NLI labels",
                dir.display()
            )));
        }
        let mut outputs = vec![StanceLabel::Neutral; n];
        let mut scheme = None;
        let mut seen = [false; 3];
        for (id, label) in &hub.id2label {
            let i: usize = id
                .parse()
                .ok()
                .filter(|&i| i < n)
                .ok_or_else(|| model_err(format!("checkpoint id2label has a bad id {id:?}")))?;
            let (stance, s) = read_label(label).ok_or_else(|| {
                model_err(format!(
                    "checkpoint label {label:?} is neither a stance nor an NLI label"
                ))
            })?;
            // "neutral" fits both schemes; only the others decide.
            if stance != StanceLabel::Neutral {
                if scheme.is_some_and(|old| old != s) {
                    return Err(model_err("checkpoint labels mix stance and NLI names"));
                }
                scheme = Some(s);
            }
            outputs[i] = stance;
            seen[label_index(stance)] = true;
        }
        if seen.iter().any(|s| !s) {
            return Err(model_err(format!(
                "checkpoint {} labels {:?} do not cover favor, against and neutral",
                dir.display(),
                hub.id2label.values().collect::<Vec<_>>()
            )));
        }
        let scheme = scheme.unwrap_or(LabelScheme::Stance);
        let weights = dir.join("model.safetensors");
        if !weights.is_file() {
            return Err(model_err(format!("{} is missing", weights.display())));
        }
        // SAFETY: the file is only read; a concurrent writer would corrupt the weights
        // we read, not memory safety of this process beyond what any mmap reader accepts.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, device) }
            .map_err(|e| model_err(format!("{}: {e}", weights.display())))?;
        let backbone = match kind {
            ModelKind::Bert => {
                let bert_cfg = read_bert_config(&cfg_path)?;
                let root = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
                    vb.pp("bert")
                } else {
                    vb.clone()
                };
                let bert = BertModel::load(root.clone(), &bert_cfg)
                    .map_err(|e| model_err(format!("checkpoint encoder: {e}")))?;
                let h = bert_cfg.hidden_size;
                let pooler = candle_nn::linear(h, h, root.pp("pooler").pp("dense"))
                    .map_err(|e| model_err(format!("checkpoint pooler: {e}")))?;
                let classifier = candle_nn::linear(h, n, vb.pp("classifier"))
                    .map_err(|e| model_err(format!("checkpoint classifier head: {e}")))?;
                Backbone::Bert {
                    bert: Box::new(bert),
                    pooler,
                    classifier,
                }
            }
            ModelKind::DebertaV2 => {
                // transformers defaults the pooler to the hidden size and GELU.
                let mut v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    model_err(format!("checkpoint config {}: {e}", cfg_path.display()))
                })?;
                if let Some(o) = v.as_object_mut() {
                    let hidden = o.get("hidden_size").cloned().unwrap_or_default();
                    o.entry("pooler_hidden_size").or_insert(hidden);
                    o.entry("pooler_hidden_act")
                        .or_insert_with(|| "gelu".into());
                    o.entry("pooler_dropout").or_insert_with(|| 0.0.into());
                }
                let cfg: debertav2::Config = serde_json::from_value(v).map_err(|e| {
                    model_err(format!("DeBERTa-v2 config {}: {e}", cfg_path.display()))
                })?;
                // The head's size comes from the config's own id2label (read above).
                let m = debertav2::DebertaV2SeqClassificationModel::load(vb.clone(), &cfg, None)
                    .map_err(|e| model_err(format!("DeBERTa-v2 checkpoint: {e}")))?;
                Backbone::DebertaV2(Box::new(m))
            }
            ModelKind::Roberta => {
                // Older RoBERTa configs leave out fields the loader needs; fill the defaults
                // transformers uses.
                let mut v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    model_err(format!("checkpoint config {}: {e}", cfg_path.display()))
                })?;
                if let Some(o) = v.as_object_mut() {
                    o.entry("position_embedding_type")
                        .or_insert_with(|| "absolute".into());
                    o.entry("pad_token_id").or_insert_with(|| 1.into());
                }
                let cfg: xlm_roberta::Config = serde_json::from_value(v).map_err(|e| {
                    model_err(format!("RoBERTa config {}: {e}", cfg_path.display()))
                })?;
                let m = xlm_roberta::XLMRobertaForSequenceClassification::new(n, &cfg, vb.clone())
                    .map_err(|e| model_err(format!("RoBERTa checkpoint: {e}")))?;
                Backbone::Roberta(Box::new(m))
            }
        };
        let max_tokens = hub.max_position_embeddings.unwrap_or(512).min(512);
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json"), max_tokens)?;
        let name = dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sequence-classifier".into());
        Ok(SequenceClassifier {
            tokenizer,
            backbone,
            outputs,
            scheme,
            name,
            device: device.clone(),
        })
    }

    pub fn scheme(&self) -> LabelScheme {
        self.scheme
    }
}

impl StanceModel for SequenceClassifier {
    fn classify(&self, inputs: &[StanceInput<'_>]) -> Result<Vec<Probabilities>> {
        let pairs: Vec<(String, String)> = inputs
            .iter()
            .map(|i| match self.scheme {
                LabelScheme::Stance => InputFormat::Plain.encode(i),
                LabelScheme::Nli => {
                    let premise = i
                        .context
                        .filter(|c| c.len() > i.statement.len())
                        .unwrap_or(i.statement);
                    let speaker = if i.speaker.trim().is_empty() {
                        "The speaker"
                    } else {
                        i.speaker.trim()
                    };
                    (
                        premise.trim().to_string(),
                        format!("{speaker} supports {}.", i.target.trim()),
                    )
                }
            })
            .collect();
        let encs = encode_pairs(&self.tokenizer, &pairs)?;
        run_batched(&encs, &self.device, &self.outputs, |ids, types, mask| {
            Ok(self.backbone.logits(ids, types, mask)?)
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_label_names_map_to_stances() {
        assert_eq!(
            read_label("ENTAILMENT"),
            Some((StanceLabel::Favor, LabelScheme::Nli))
        );
        assert_eq!(
            read_label("contradiction"),
            Some((StanceLabel::Against, LabelScheme::Nli))
        );
        assert_eq!(
            read_label("FAVOR"),
            Some((StanceLabel::Favor, LabelScheme::Stance))
        );
        assert_eq!(
            read_label("none"),
            Some((StanceLabel::Neutral, LabelScheme::Stance))
        );
        assert_eq!(read_label("LABEL_0"), None);
    }

    #[test]
    fn label_order_rejects_duplicates() {
        use StanceLabel::*;
        assert!(label_order(&[Favor, Against, Neutral]).is_ok());
        assert!(label_order(&[Favor, Favor, Neutral]).is_err());
        assert!(label_order(&[Favor, Against]).is_err());
    }
}
