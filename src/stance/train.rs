//! Fine-tuning the stance classifier (`parley train stance`): the top `k` encoder layers
//! of the MiniLM base plus a linear head over mean-pooled states, trained on the labelled
//! statements, measured on a fixed validation split and on the dev corpus, and saved as
//! an f16 override artifact (see [`super::classifier::ArtifactConfig`]).
//!
//! Why it is built this way:
//! - The bottom `n - k` layers are frozen, so their output for each example is computed
//!   once and cached; each epoch runs only the top `k` layers and the head. On two CPU
//!   cores that is the difference between minutes and an hour.
//! - The trainable layers are a small BERT layer written here with differentiable ops,
//!   not `candle_transformers`' `BertLayer`: its LayerNorm uses candle-nn's fused kernel,
//!   which has no backward pass, so gradients would silently stop at every LayerNorm.
//!   The math is the same, and inference loads the trained tensors under the same names.
//! - Dropout where BERT was pre-trained with it: on the embeddings' output (when all
//!   layers train), on the attention probabilities, after the attention and feed-forward
//!   projections, and before the head. Without the first two the layers overfit the
//!   ~2,000 statements: validation macro-F1 0.77 instead of 0.81 in a controlled replica
//!   (`models/stance/TRAINING.md`).
//! - Everything random (head init, shuffling, dropout masks) draws from one `StdRng`
//!   seeded from the config, so a run is reproducible on the same machine and versions.
//! - `runs` > 1 trains that many runs from the same start (base layers, the same seeded
//!   head), each with its own data order and dropout, and saves the mean of their weights
//!   (a "model soup", Wortsman et al. 2022) at the inference cost of one model. In the
//!   PyTorch replica three such runs (validation 0.809-0.832 on the earlier statements)
//!   averaged to 0.847; in Rust two runs averaged to 0.831 against the first run's 0.832,
//!   and soups of two and three runs of the shipped recipe gained on validation (up to
//!   0.852) but not on the blind probe or the dev corpus, so the shipped artifact is a
//!   single run (`models/stance/TRAINING.md`). `first_run` lets a soup be trained in
//!   pieces and averaged by [`super::soup`].
//! - The shipped recipe regularises twice: R-drop (Liang et al. 2021; each batch runs
//!   forward twice with independent dropout, and the symmetric KL divergence of the two
//!   predictions joins their mean cross-entropy) and label smoothing 0.1, on batches drawn
//!   at random. Random batches mix lengths, so each runs in length-sorted slices, padded
//!   only within a slice; the loss is still the whole batch's. Together with 390 more hard
//!   cases they took validation from 0.806 to 0.834 (`models/stance/TRAINING.md`).
//! - Qualified (strength 1) examples train toward a soft target that keeps their label
//!   on top but leaves some mass on neutral, so a conditional "favor" comes out with a
//!   lower score than a clear one.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Module, Tensor, Var, D};
use candle_nn::{Linear, Optimizer, ParamsAdamW};
use candle_transformers::models::bert::{BertModel, Config as BertConfig, HiddenAct};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::aggregate::{aggregate, hedge_or_condition, mentions_target, StatementEvidence};
use super::classifier::{
    base_fingerprint, encode_pairs, load_tensors, load_tokenizer, mean_pool, model_err, pad_batch,
    read_bert_config, ArtifactConfig, BaseFiles, Encoded, TrainedClassifier, TrainingProvenance,
    ARTIFACT_CONFIG, ARTIFACT_FORMAT_VERSION, ARTIFACT_WEIGHTS,
};
use super::data::{
    chosen_for_flip, data_hash, flip_target, is_validation, label_index, load_dev_corpus,
    load_examples, DevSpeaker, Example, InputFormat, Metrics,
};
use super::{StanceInput, StanceModel};
use crate::report::{Probabilities, StanceLabel};
use crate::{Error, Result};

/// Output order of the head.
const LABELS: [StanceLabel; 3] = [
    StanceLabel::Favor,
    StanceLabel::Against,
    StanceLabel::Neutral,
];

/// Settings of one training run.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Directory of `*.jsonl` labelled statements.
    pub data_dir: PathBuf,
    /// Where to write the artifact; `None` measures without saving.
    pub out_dir: Option<PathBuf>,
    /// The base encoder's files.
    pub base: BaseFiles,
    /// Hub id of the base, recorded in the artifact.
    pub base_model: String,
    pub seed: u64,
    /// Runs averaged into the artifact (a "model soup", Wortsman et al. 2022): every run
    /// starts from the same weights (the base layers and the same seeded head) and sees
    /// the data in its own order with its own dropout; the artifact is the mean of the
    /// runs' final weights. 1 is a single run.
    pub runs: usize,
    /// Index of the first run: runs `first_run..first_run + runs` are trained. A run's
    /// data order and dropout depend only on the seed and its index, so a soup can be
    /// trained in pieces (`--first-run 1` is the second run of `--runs 2`).
    pub first_run: usize,
    /// Also save each epoch's weights (f16) as `epoch-<run>-<epoch>.safetensors` in the
    /// output directory, to study checkpoints without training again.
    pub save_epochs: bool,
    pub epochs: usize,
    /// Draw batches at random (the default); `false` groups statements of similar length
    /// (see [`make_batches`]), which pads less but trained worse.
    pub random_batches: bool,
    /// How many top encoder layers to fine-tune (1..=number of layers).
    pub layers: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    /// Layer-wise learning-rate decay: the top layer and the head train at the full rate,
    /// each layer below at this factor times the one above it (1 = one rate for all).
    pub layer_decay: f64,
    pub weight_decay: f64,
    /// Fraction of the steps spent warming the learning rate up from zero (then linear decay).
    pub warmup_fraction: f64,
    /// Dropout on the trainable layers' residual branches and the pooled vector.
    pub dropout: f32,
    pub input_format: InputFormat,
    /// Percent of examples (by statement hash) held out for validation.
    pub validation_percent: u32,
    pub max_tokens: usize,
    /// Probability mass moved from the label to neutral in a qualified example's target.
    pub qualified_neutral_mass: f32,
    /// Label smoothing: the target is mixed with the uniform distribution by this much.
    pub label_smoothing: f32,
    /// R-drop (Liang et al. 2021): each batch runs forward twice with independent dropout,
    /// and the symmetric KL divergence between the two predictions, times this weight, is
    /// added to their mean cross-entropy. 0 is one forward per batch.
    pub rdrop: f32,
    /// Percent of the training statements (chosen by a fixed hash) that also train as
    /// their flipped copy: the same statement toward the reversed target ("abandoning the
    /// truce"), with favor and against swapped (see [`super::data::flip_target`]). 0 is off.
    pub flip_targets: u32,
    /// A corpus directory (`corpus/dev`) to measure per-speaker stance on, given the gold
    /// evidence.
    pub dev_corpus: Option<PathBuf>,
}

impl TrainConfig {
    /// The settings of the shipped artifact (see `models/stance/TRAINING.md`).
    pub fn new(data_dir: impl Into<PathBuf>, base: BaseFiles) -> Self {
        TrainConfig {
            data_dir: data_dir.into(),
            out_dir: None,
            base,
            base_model: "sentence-transformers/all-MiniLM-L6-v2".into(),
            seed: 13,
            runs: 1,
            first_run: 0,
            save_epochs: false,
            epochs: 6,
            random_batches: true,
            layers: 6,
            batch_size: 16,
            learning_rate: 1e-4,
            layer_decay: 1.0,
            weight_decay: 0.01,
            warmup_fraction: 0.06,
            dropout: 0.1,
            input_format: InputFormat::SpeakerPrefix,
            validation_percent: super::data::VALIDATION_PERCENT,
            max_tokens: 128,
            qualified_neutral_mass: 0.25,
            label_smoothing: 0.1,
            rdrop: 1.0,
            flip_targets: 0,
            dev_corpus: None,
        }
    }
}

/// One epoch's numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EpochLog {
    /// Which run of the soup (0 when there is one run).
    #[serde(default)]
    pub run: usize,
    pub epoch: usize,
    pub mean_loss: f64,
    pub validation_macro_f1: f64,
    pub seconds: f64,
}

/// A validation example the model got wrong.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExampleError {
    pub target: String,
    pub speaker: String,
    pub statement: String,
    pub gold: StanceLabel,
    pub predicted: StanceLabel,
    pub probabilities: Probabilities,
    pub tags: Vec<String>,
}

/// A file written to the artifact directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArtifactFile {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

/// Validation scores of the statements read from one data file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileScore {
    pub file: String,
    pub metrics: Metrics,
}

/// What a training run did and measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainReport {
    pub train_examples: usize,
    pub validation_examples: usize,
    pub layers: usize,
    pub input_format: InputFormat,
    pub epochs: Vec<EpochLog>,
    /// Final validation scores, measured with the saved (f16) artifact.
    pub validation: Metrics,
    /// The same, per data file: adding a file of new statements adds its held-out tenth
    /// to the validation split, so the scores of the files measured before stay visible.
    pub validation_by_file: Vec<FileScore>,
    pub validation_errors: Vec<ExampleError>,
    pub dev: Option<DevReport>,
    /// Seconds spent caching the frozen layers' outputs.
    pub cache_seconds: f64,
    /// Seconds spent in the training epochs.
    pub train_seconds: f64,
    pub artifact: Vec<ArtifactFile>,
}

/// Train, measure and (when `out_dir` is set) save a stance artifact.
///
/// # Errors
/// `InvalidInput` for unusable data or settings, `ModelUnavailable` for a missing or
/// malformed base, `Inference` when a tensor operation fails, `Io` when writing fails.
pub fn train(cfg: &TrainConfig) -> Result<TrainReport> {
    let device = Device::Cpu;
    let examples = load_examples(&cfg.data_dir)?;
    // Hash the data now, not after training: the files may change while we train.
    let data_sha256 = data_hash(&cfg.data_dir)?;
    let (val, trn): (Vec<&Example>, Vec<&Example>) = examples
        .iter()
        .partition(|e| is_validation(e, cfg.validation_percent));
    if trn.is_empty() {
        return Err(Error::InvalidInput(
            "no training examples after the validation split".into(),
        ));
    }
    if cfg.flip_targets > 100 {
        return Err(Error::InvalidInput(format!(
            "--flip-targets is a percent of the training statements (0-100), got {}",
            cfg.flip_targets
        )));
    }
    // Flipped copies of training statements only: validation stays as written.
    let flipped: Vec<Example> = trn
        .iter()
        .filter(|e| chosen_for_flip(e, cfg.flip_targets))
        .map(|e| flip_target(e))
        .collect();
    let trn: Vec<&Example> = trn.into_iter().chain(flipped.iter()).collect();
    if cfg.epochs == 0 || cfg.batch_size == 0 || cfg.runs == 0 {
        return Err(Error::InvalidInput(
            "runs, epochs and batch size must be at least 1".into(),
        ));
    }
    if !(0.0..1.0).contains(&cfg.label_smoothing) {
        return Err(Error::InvalidInput(format!(
            "--label-smoothing must be at least 0 and below 1, got {}",
            cfg.label_smoothing
        )));
    }
    if !(cfg.rdrop >= 0.0 && cfg.rdrop.is_finite()) {
        return Err(Error::InvalidInput(format!(
            "--rdrop must be a finite weight of at least 0, got {}",
            cfg.rdrop
        )));
    }
    if !(cfg.layer_decay > 0.0 && cfg.layer_decay <= 1.0) {
        return Err(Error::InvalidInput(format!(
            "--layer-decay must be above 0 and at most 1, got {}",
            cfg.layer_decay
        )));
    }
    tracing::info!(
        train = trn.len(),
        flipped = flipped.len(),
        validation = val.len(),
        "stance data loaded"
    );

    let bert_cfg = read_bert_config(&cfg.base.config)?;
    let n_layers = bert_cfg.num_hidden_layers;
    if cfg.layers == 0 || cfg.layers > n_layers {
        return Err(Error::InvalidInput(format!(
            "--layers must be between 1 and {n_layers}, got {}",
            cfg.layers
        )));
    }
    if bert_cfg.hidden_act != HiddenAct::Gelu {
        return Err(model_err(
            "the stance trainer supports GELU (erf) BERT encoders only",
        ));
    }
    let base_tensors = load_tensors(&cfg.base.weights, &device)?;
    let fingerprint = base_fingerprint(&base_tensors)?;
    let tokenizer = load_tokenizer(&cfg.base.tokenizer, cfg.max_tokens)?;
    let first_top = n_layers - cfg.layers;

    // Frozen part: embeddings + bottom layers, as the stock BertModel.
    let bottom_cfg = BertConfig {
        num_hidden_layers: first_top,
        ..bert_cfg.clone()
    };
    let bottom = BertModel::load(
        candle_nn::VarBuilder::from_tensors(base_tensors.clone(), DType::F32, &device),
        &bottom_cfg,
    )
    .map_err(|e| model_err(format!("building the frozen encoder: {e}")))?;

    let t0 = Instant::now();
    let encode = |exs: &[&Example]| -> Result<Vec<Encoded>> {
        let pairs: Vec<(String, String)> = exs
            .iter()
            .map(|e| cfg.input_format.encode(&e.input()))
            .collect();
        encode_pairs(&tokenizer, &pairs)
    };
    let trn_enc = encode(&trn)?;
    let val_enc = encode(&val)?;
    let trn_cache = cache_hidden(&bottom, &trn_enc, &device)?;
    let val_cache = cache_hidden(&bottom, &val_enc, &device)?;
    let cache_seconds = t0.elapsed().as_secs_f64();
    tracing::info!(
        seconds = format!("{cache_seconds:.1}"),
        "frozen layers cached"
    );

    let targets: Vec<[f32; 3]> = trn
        .iter()
        .map(|e| soft_target(e, cfg.qualified_neutral_mass, cfg.label_smoothing))
        .collect();
    let data = RunData {
        trn_enc: &trn_enc,
        trn_cache: &trn_cache,
        targets: &targets,
        val: &val,
        val_cache: &val_cache,
    };
    let t_train = Instant::now();
    let mut epochs = Vec::new();
    let mut sums: HashMap<String, Tensor> = HashMap::new();
    for run in cfg.first_run..cfg.first_run + cfg.runs {
        let (weights, logs) = train_run(cfg, &bert_cfg, &base_tensors, first_top, &data, run)?;
        epochs.extend(logs);
        for (name, t) in weights {
            let sum = match sums.remove(&name) {
                Some(s) => (s + t)?,
                None => t,
            };
            sums.insert(name, sum);
        }
    }
    let train_seconds = t_train.elapsed().as_secs_f64();

    // The artifact: replaced layers + head in f16, and the config.
    // With several runs, the mean of their weights.
    let mut overrides: HashMap<String, Tensor> = HashMap::new();
    for (name, sum) in sums {
        let mean = (sum / cfg.runs as f64)?;
        overrides.insert(name, mean.to_dtype(DType::F16)?);
    }
    let h = bert_cfg.hidden_size;
    let provisional_f1 = epochs.last().map_or(0.0, |e| e.validation_macro_f1);
    let art_cfg = ArtifactConfig {
        format_version: ARTIFACT_FORMAT_VERSION,
        base_model: cfg.base_model.clone(),
        base_fingerprint: fingerprint,
        hidden_size: h,
        num_hidden_layers: n_layers,
        layers_replaced: (first_top..n_layers).collect(),
        input_format: cfg.input_format,
        max_tokens: cfg.max_tokens,
        pooling: "mean".into(),
        labels: LABELS.to_vec(),
        training: TrainingProvenance {
            seed: cfg.seed,
            runs: cfg.runs,
            first_run: cfg.first_run,
            label_smoothing: cfg.label_smoothing,
            rdrop: cfg.rdrop,
            flip_targets: cfg.flip_targets,
            random_batches: cfg.random_batches,
            epochs: cfg.epochs,
            batch_size: cfg.batch_size,
            learning_rate: cfg.learning_rate,
            layer_decay: cfg.layer_decay,
            data_sha256,
            train_examples: trn.len(),
            validation_examples: val.len(),
            validation_macro_f1: provisional_f1,
        },
    };
    let Measured {
        validation,
        validation_by_file,
        validation_errors,
        dev,
        artifact,
    } = measure_and_save(
        &cfg.base,
        art_cfg,
        &overrides,
        &val,
        cfg.dev_corpus.as_deref(),
        cfg.out_dir.as_deref(),
    )?;
    Ok(TrainReport {
        train_examples: trn.len(),
        validation_examples: val.len(),
        layers: cfg.layers,
        input_format: cfg.input_format,
        epochs,
        validation,
        validation_by_file,
        validation_errors,
        dev,
        cache_seconds,
        train_seconds,
        artifact,
    })
}

/// What a finished artifact scores, and the files it was saved to.
pub(crate) struct Measured {
    pub validation: Metrics,
    pub validation_by_file: Vec<FileScore>,
    pub validation_errors: Vec<ExampleError>,
    pub dev: Option<DevReport>,
    pub artifact: Vec<ArtifactFile>,
}

/// Measure what ships (the f16 tensors over the base, through the inference path) on the
/// validation examples and, when given, the dev corpus; record the validation score in
/// the config and save the artifact when `out_dir` is set.
pub(crate) fn measure_and_save(
    base: &BaseFiles,
    mut art_cfg: ArtifactConfig,
    overrides: &HashMap<String, Tensor>,
    val: &[&Example],
    dev_corpus: Option<&Path>,
    out_dir: Option<&Path>,
) -> Result<Measured> {
    let device = Device::Cpu;
    let f32_overrides = overrides
        .iter()
        .map(|(k, v)| Ok((k.clone(), v.to_dtype(DType::F32)?)))
        .collect::<Result<HashMap<_, _>>>()?;
    let clf = TrainedClassifier::from_parts(base, art_cfg.clone(), f32_overrides, &device)?;
    let Evaluation {
        metrics: validation,
        by_file: validation_by_file,
        errors: validation_errors,
    } = evaluate_examples(&clf, val)?;
    tracing::info!("validation (saved artifact):\n{validation}");
    art_cfg.training.validation_macro_f1 = (validation.macro_f1 * 1000.0).round() / 1000.0;

    let dev = match dev_corpus {
        Some(dir) => {
            let speakers = load_dev_corpus(dir)?;
            let d = evaluate_dev(&clf, &speakers)?;
            tracing::info!("dev corpus, gold evidence in its sentence:\n{}", d.sentence);
            Some(d)
        }
        None => None,
    };

    let artifact = match out_dir {
        Some(dir) => save_artifact(dir, &art_cfg, overrides)?,
        None => Vec::new(),
    };
    Ok(Measured {
        validation,
        validation_by_file,
        validation_errors,
        dev,
        artifact,
    })
}

/// The examples one run trains on and is measured with.
struct RunData<'a> {
    trn_enc: &'a [Encoded],
    trn_cache: &'a [Tensor],
    targets: &'a [[f32; 3]],
    val: &'a [&'a Example],
    val_cache: &'a [Tensor],
}

/// The seed of a run's data order and dropout. Run 0 continues the stream that drew the
/// head, so a one-run training is the same as before runs existed.
fn run_seed(seed: u64, run: usize) -> u64 {
    seed.wrapping_add((run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// One training run from the base weights and the seeded head; returns the trained
/// tensors (top layers and head, f32) and the epochs' numbers.
fn train_run(
    cfg: &TrainConfig,
    bert_cfg: &BertConfig,
    base_tensors: &HashMap<String, Tensor>,
    first_top: usize,
    data: &RunData<'_>,
    run: usize,
) -> Result<(HashMap<String, Tensor>, Vec<EpochLog>)> {
    let device = Device::Cpu;
    // Every run starts from the same weights: the top layers as in the base, and a head
    // drawn from the config's seed.
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut vars: HashMap<String, Var> = HashMap::new();
    for (name, t) in base_tensors {
        if let Some(l) = layer_of(name) {
            if l >= first_top {
                vars.insert(name.clone(), Var::from_tensor(t)?);
            }
        }
    }
    let h = bert_cfg.hidden_size;
    let bound = 1.0 / (h as f32).sqrt();
    let w: Vec<f32> = (0..3 * h)
        .map(|_| rng.random_range(-bound..bound))
        .collect();
    vars.insert(
        "classifier.weight".into(),
        Var::from_tensor(&Tensor::from_vec(w, (3, h), &device)?)?,
    );
    vars.insert(
        "classifier.bias".into(),
        Var::zeros(3, DType::F32, &device)?,
    );
    if run > 0 {
        rng = StdRng::seed_from_u64(run_seed(cfg.seed, run));
    }
    let model = TopModel::new(&vars, bert_cfg, first_top)?;

    let mut opts = layer_optimizers(&vars, bert_cfg.num_hidden_layers, cfg)?;
    let steps_per_epoch = data.trn_enc.len().div_ceil(cfg.batch_size);
    let total_steps = steps_per_epoch * cfg.epochs;
    let warmup = ((total_steps as f64) * cfg.warmup_fraction).ceil().max(1.0) as usize;
    let mut step = 0usize;
    let mut epochs = Vec::new();
    for epoch in 1..=cfg.epochs {
        let te = Instant::now();
        let batches = make_batches(data.trn_enc, cfg.batch_size, cfg.random_batches, &mut rng);
        let mut loss_sum = 0.0f64;
        for (bi, batch) in batches.iter().enumerate() {
            let lr = if step < warmup {
                cfg.learning_rate * (step + 1) as f64 / warmup as f64
            } else {
                cfg.learning_rate * (total_steps - step) as f64
                    / (total_steps - warmup).max(1) as f64
            };
            for (opt, factor) in &mut opts {
                opt.set_learning_rate(lr * *factor);
            }
            // A random batch mixes lengths; it comes sorted by length, so it runs in
            // slices of similar length and short statements are not padded to the longest.
            // The loss is a mean over the batch, so the gradient is the whole batch's.
            let slice = if cfg.random_batches {
                RANDOM_BATCH_SLICE
            } else {
                batch.len()
            };
            let passes = if cfg.rdrop > 0.0 { 2 } else { 1 };
            let mut drop = Dropout::new(cfg.dropout, &mut rng);
            let logps =
                model.batch_log_probs(data.trn_cache, batch, slice, passes, &mut drop, &device)?;
            let tgt: Vec<f32> = batch.iter().flat_map(|&i| data.targets[i]).collect();
            let tgt = Tensor::from_vec(tgt, (batch.len(), 3), &device)?;
            let mut loss = cross_entropy(&logps[0], &tgt)?;
            if let [logp, logp2] = &logps[..] {
                let ce = ((loss + cross_entropy(logp2, &tgt)?)? * 0.5)?;
                loss = (ce + (symmetric_kl(logp, logp2)? * f64::from(cfg.rdrop))?)?;
            }
            let grads = loss.backward()?;
            for (opt, _) in &mut opts {
                opt.step(&grads)?;
            }
            let l = f64::from(loss.to_scalar::<f32>()?);
            loss_sum += l;
            step += 1;
            if (bi + 1) % 25 == 0 {
                tracing::info!(
                    run,
                    epoch,
                    step = bi + 1,
                    of = batches.len(),
                    loss = format!("{:.4}", loss_sum / (bi + 1) as f64),
                    seconds = format!("{:.0}", te.elapsed().as_secs_f64()),
                    "training"
                );
            }
        }
        let preds = model.predict(data.val_cache, &device)?;
        let m = Metrics::from_pairs(
            data.val
                .iter()
                .zip(&preds)
                .map(|(e, p)| (e.label, p.argmax())),
        );
        let log = EpochLog {
            run,
            epoch,
            mean_loss: loss_sum / batches.len() as f64,
            validation_macro_f1: m.macro_f1,
            seconds: te.elapsed().as_secs_f64(),
        };
        tracing::info!(
            run,
            epoch,
            loss = format!("{:.4}", log.mean_loss),
            val_macro_f1 = format!("{:.3}", log.validation_macro_f1),
            seconds = format!("{:.0}", log.seconds),
            "epoch done"
        );
        epochs.push(log);
        if let (true, Some(dir)) = (cfg.save_epochs, &cfg.out_dir) {
            save_epoch(dir, run, epoch, &vars)?;
        }
    }
    let weights = vars
        .into_iter()
        .map(|(name, v)| (name, v.as_tensor().clone()))
        .collect();
    Ok((weights, epochs))
}

/// One AdamW per learning-rate factor, with its factor: the head and the top layer at 1,
/// each layer below at `layer_decay` times the one above. With no decay this is one
/// optimizer over every variable (AdamW updates each variable on its own, so the groups
/// change nothing but the rates).
fn layer_optimizers(
    vars: &HashMap<String, Var>,
    n_layers: usize,
    cfg: &TrainConfig,
) -> Result<Vec<(candle_nn::AdamW, f64)>> {
    let mut groups: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
    for name in vars.keys() {
        // Steps below the top layer; the head is at the top.
        let depth = layer_of(name).map_or(0, |l| n_layers - 1 - l);
        let depth = if cfg.layer_decay == 1.0 { 0 } else { depth };
        groups.entry(depth).or_default().push(name);
    }
    groups
        .into_iter()
        .map(|(depth, mut names)| {
            names.sort();
            let opt = candle_nn::AdamW::new(
                names.iter().map(|n| vars[*n].clone()).collect(),
                ParamsAdamW {
                    lr: cfg.learning_rate,
                    weight_decay: cfg.weight_decay,
                    ..ParamsAdamW::default()
                },
            )?;
            Ok((opt, cfg.layer_decay.powi(depth as i32)))
        })
        .collect()
}

/// A temporary file in `dir`, to be renamed over its final name once written. It is
/// readable by all, as a file written directly would be (temporary files are private).
fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| Error::io(format!("creating a file in {}", dir.display()), e))
}

/// Write safetensors weights to a file from [`temp_file_in`]. The safetensors crate writes
/// through a private temporary file of its own and renames it over the path given, so that
/// file gets the permissions our temporary file was created with.
fn save_weights(tensors: &HashMap<String, Tensor>, tmp: &tempfile::NamedTempFile) -> Result<()> {
    let io = |e| Error::io(format!("writing {}", tmp.path().display()), e);
    let permissions = tmp.as_file().metadata().map_err(io)?.permissions();
    candle_core::safetensors::save(tensors, tmp.path())?;
    std::fs::set_permissions(tmp.path(), permissions).map_err(io)
}

/// Save one epoch's weights in f16 (`--save-epochs`).
fn save_epoch(dir: &Path, run: usize, epoch: usize, vars: &HashMap<String, Var>) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let tensors = vars
        .iter()
        .map(|(name, v)| Ok((name.clone(), v.as_tensor().to_dtype(DType::F16)?)))
        .collect::<Result<HashMap<_, _>>>()?;
    let path = dir.join(format!("epoch-{run}-{epoch}.safetensors"));
    let tmp = temp_file_in(dir)?;
    save_weights(&tensors, &tmp)?;
    tmp.persist(&path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    Ok(())
}

/// Write the weights and config; returns each file with its size and sha256.
pub(crate) fn save_artifact(
    dir: &Path,
    cfg: &ArtifactConfig,
    tensors: &HashMap<String, Tensor>,
) -> Result<Vec<ArtifactFile>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    // Both files go to temporary files beside their final names first and are renamed
    // only when whole, so a failed or interrupted save never leaves a half-written
    // artifact, also when it replaces the one it was averaged from.
    let weights = dir.join(ARTIFACT_WEIGHTS);
    let weights_tmp = temp_file_in(dir)?;
    save_weights(tensors, &weights_tmp)?;
    let config = dir.join(ARTIFACT_CONFIG);
    let json = serde_json::to_string_pretty(cfg).map_err(|e| Error::Other(e.into()))?;
    let config_tmp = temp_file_in(dir)?;
    std::fs::write(config_tmp.path(), json + "\n")
        .map_err(|e| Error::io(format!("writing {}", config.display()), e))?;
    for (tmp, path) in [(weights_tmp, &weights), (config_tmp, &config)] {
        tmp.persist(path)
            .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    }
    [weights, config]
        .into_iter()
        .map(|p| {
            let bytes =
                std::fs::read(&p).map_err(|e| Error::io(format!("reading {}", p.display()), e))?;
            Ok(ArtifactFile {
                sha256: hex::encode(Sha256::digest(&bytes)),
                bytes: bytes.len() as u64,
                path: p,
            })
        })
        .collect()
}

/// The encoder layer a tensor name belongs to ("encoder.layer.4.…" → 4).
fn layer_of(name: &str) -> Option<usize> {
    let rest = name.strip_prefix("encoder.layer.")?;
    rest.split('.').next()?.parse().ok()
}

/// The training target: one-hot, or for a qualified example the label with some mass
/// moved to neutral; then mixed with the uniform distribution by `smoothing`.
fn soft_target(e: &Example, qualified_mass: f32, smoothing: f32) -> [f32; 3] {
    let mut t = [0.0; 3];
    let i = label_index(e.label);
    if e.strength == 1 && e.label != StanceLabel::Neutral {
        t[i] = 1.0 - qualified_mass;
        t[label_index(StanceLabel::Neutral)] = qualified_mass;
    } else {
        t[i] = 1.0;
    }
    t.map(|x| x * (1.0 - smoothing) + smoothing / 3.0)
}

/// Mean cross-entropy of (batch, 3) log-probabilities against soft targets.
fn cross_entropy(logp: &Tensor, targets: &Tensor) -> Result<Tensor> {
    Ok((logp * targets)?.sum(1)?.neg()?.mean_all()?)
}

/// Mean over the batch of the symmetric KL divergence between two (batch, 3)
/// log-probability tensors: (KL(p‖q) + KL(q‖p)) / 2.
fn symmetric_kl(logp: &Tensor, logq: &Tensor) -> Result<Tensor> {
    let diff = (logp - logq)?;
    let pq = (logp.exp()? * &diff)?.sum(1)?;
    let qp = (logq.exp()? * diff.neg()?)?.sum(1)?;
    Ok(((pq + qp)? * 0.5)?.mean_all()?)
}

/// Run the frozen layers once over every example; keep each example's (len, H) output.
fn cache_hidden(bottom: &BertModel, encs: &[Encoded], device: &Device) -> Result<Vec<Tensor>> {
    let mut idx: Vec<usize> = (0..encs.len()).collect();
    idx.sort_by_key(|&i| encs[i].ids.len());
    let mut out: Vec<Option<Tensor>> = vec![None; encs.len()];
    for chunk in idx.chunks(32) {
        let batch: Vec<&Encoded> = chunk.iter().map(|&i| &encs[i]).collect();
        let (ids, types, mask) = pad_batch(&batch, device)?;
        let hs = bottom.forward(&ids, &types, Some(&mask))?;
        for (k, &i) in chunk.iter().enumerate() {
            let len = encs[i].ids.len();
            out[i] = Some(hs.get(k)?.narrow(0, 0, len)?.contiguous()?);
        }
    }
    Ok(out
        .into_iter()
        .map(|t| t.expect("every example cached"))
        .collect())
}

/// Shuffled batches of similar length: shuffle, sort windows of 8 batches by length, cut
/// into batches, shuffle the batches. Less padding, still random. With `random`, shuffle
/// and cut. Either way each batch lists its examples from shortest to longest.
fn make_batches(encs: &[Encoded], batch: usize, random: bool, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..encs.len()).collect();
    idx.shuffle(rng);
    if random {
        return idx
            .chunks(batch)
            .map(|b| {
                let mut b = b.to_vec();
                b.sort_by_key(|&i| encs[i].ids.len());
                b
            })
            .collect();
    }
    let mut batches = Vec::new();
    for window in idx.chunks_mut(batch * 8) {
        window.sort_by_key(|&i| encs[i].ids.len());
        batches.extend(window.chunks(batch).map(<[usize]>::to_vec));
    }
    batches.shuffle(rng);
    batches
}

/// Statements per forward when a random batch is run in slices of similar length.
const RANDOM_BATCH_SLICE: usize = 4;

/// Pad cached states to the batch's longest: (B, L, H) and the (B, L) mask.
fn stack_cached(cache: &[Tensor], batch: &[usize], device: &Device) -> Result<(Tensor, Tensor)> {
    let len = batch.iter().map(|&i| cache[i].dims()[0]).max().unwrap_or(0);
    let mut xs = Vec::with_capacity(batch.len());
    let mut mask = Vec::with_capacity(batch.len() * len);
    for &i in batch {
        let l = cache[i].dims()[0];
        xs.push(cache[i].pad_with_zeros(0, 0, len - l)?);
        mask.extend((0..len).map(|j| u32::from(j < l)));
    }
    Ok((
        Tensor::stack(&xs, 0)?,
        Tensor::from_vec(mask, (batch.len(), len), device)?,
    ))
}

/// Seeded inverted dropout (candle's CPU RNG cannot be seeded).
struct Dropout<'r> {
    p: f32,
    rng: Option<&'r mut StdRng>,
}

impl<'r> Dropout<'r> {
    fn new(p: f32, rng: &'r mut StdRng) -> Self {
        Dropout { p, rng: Some(rng) }
    }
    fn off() -> Self {
        Dropout { p: 0.0, rng: None }
    }
    fn apply(&mut self, x: &Tensor) -> Result<Tensor> {
        let Some(rng) = self.rng.as_deref_mut() else {
            return Ok(x.clone());
        };
        if self.p <= 0.0 {
            return Ok(x.clone());
        }
        let keep = 1.0 / (1.0 - self.p);
        let m: Vec<f32> = (0..x.elem_count())
            .map(|_| {
                if rng.random::<f32>() < self.p {
                    0.0
                } else {
                    keep
                }
            })
            .collect();
        Ok((x * Tensor::from_vec(m, x.shape(), x.device())?)?)
    }
}

/// LayerNorm from differentiable ops.
fn layer_norm(x: &Tensor, w: &Tensor, b: &Tensor, eps: f64) -> Result<Tensor> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let xc = x.broadcast_sub(&mean)?;
    let var = xc.sqr()?.mean_keepdim(D::Minus1)?;
    let xn = xc.broadcast_div(&(var + eps)?.sqrt()?)?;
    Ok(xn.broadcast_mul(w)?.broadcast_add(b)?)
}

/// One trainable BERT layer over tensors held by `Var`s (same names as the base).
struct TrainLayer {
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    ln1: (Tensor, Tensor),
    inter: Linear,
    out: Linear,
    ln2: (Tensor, Tensor),
    heads: usize,
    eps: f64,
}

impl TrainLayer {
    fn new(vars: &HashMap<String, Var>, cfg: &BertConfig, index: usize) -> Result<Self> {
        let get = |s: &str| -> Result<Tensor> {
            let name = format!("encoder.layer.{index}.{s}");
            vars.get(&name)
                .map(|v| v.as_tensor().clone())
                .ok_or_else(|| model_err(format!("base checkpoint lacks {name}")))
        };
        let lin = |s: &str| -> Result<Linear> {
            Ok(Linear::new(
                get(&format!("{s}.weight"))?,
                Some(get(&format!("{s}.bias"))?),
            ))
        };
        Ok(TrainLayer {
            q: lin("attention.self.query")?,
            k: lin("attention.self.key")?,
            v: lin("attention.self.value")?,
            o: lin("attention.output.dense")?,
            ln1: (
                get("attention.output.LayerNorm.weight")?,
                get("attention.output.LayerNorm.bias")?,
            ),
            inter: lin("intermediate.dense")?,
            out: lin("output.dense")?,
            ln2: (
                get("output.LayerNorm.weight")?,
                get("output.LayerNorm.bias")?,
            ),
            heads: cfg.num_attention_heads,
            eps: cfg.layer_norm_eps,
        })
    }

    /// x: (B, L, H); mask_add: (B, 1, 1, L) with 0 for real tokens and a large negative
    /// number for padding.
    fn forward(&self, x: &Tensor, mask_add: &Tensor, drop: &mut Dropout<'_>) -> Result<Tensor> {
        let (b, l, h) = x.dims3()?;
        let d = h / self.heads;
        let split = |t: Tensor| -> Result<Tensor> {
            Ok(t.reshape((b, l, self.heads, d))?
                .transpose(1, 2)?
                .contiguous()?)
        };
        let q = split(self.q.forward(x)?)?;
        let k = split(self.k.forward(x)?)?;
        let v = split(self.v.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? / (d as f64).sqrt())?.broadcast_add(mask_add)?;
        // Dropout on the attention probabilities, as BERT was pre-trained with.
        let probs = drop.apply(&candle_nn::ops::softmax(&scores, D::Minus1)?)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b, l, h))?;
        let attn = drop.apply(&self.o.forward(&ctx)?)?;
        let x1 = layer_norm(&(attn + x)?, &self.ln1.0, &self.ln1.1, self.eps)?;
        let ff = self.out.forward(&self.inter.forward(&x1)?.gelu_erf()?)?;
        let ff = drop.apply(&ff)?;
        layer_norm(&(ff + x1)?, &self.ln2.0, &self.ln2.1, self.eps)
    }
}

/// The trainable top: `k` layers, mean pooling, linear head.
struct TopModel {
    layers: Vec<TrainLayer>,
    head: Linear,
    /// Whether the input is the embeddings' output, which BERT passes through dropout
    /// before the first layer (the cache holds it without).
    input_is_embeddings: bool,
}

impl TopModel {
    fn new(vars: &HashMap<String, Var>, cfg: &BertConfig, first: usize) -> Result<Self> {
        let layers = (first..cfg.num_hidden_layers)
            .map(|i| TrainLayer::new(vars, cfg, i))
            .collect::<Result<Vec<_>>>()?;
        let head = Linear::new(
            vars["classifier.weight"].as_tensor().clone(),
            Some(vars["classifier.bias"].as_tensor().clone()),
        );
        Ok(TopModel {
            layers,
            head,
            input_is_embeddings: first == 0,
        })
    }

    fn forward(&self, x: &Tensor, mask: &Tensor, drop: &mut Dropout<'_>) -> Result<Tensor> {
        let mask_add = ((mask.to_dtype(DType::F32)? - 1.0)? * 1e9)?
            .unsqueeze(1)?
            .unsqueeze(1)?;
        let mut hs = if self.input_is_embeddings {
            drop.apply(x)?
        } else {
            x.clone()
        };
        for layer in &self.layers {
            hs = layer.forward(&hs, &mask_add, drop)?;
        }
        let pooled = drop.apply(&mean_pool(&hs, mask)?)?;
        Ok(self.head.forward(&pooled)?)
    }

    /// Log-probabilities of the labels, (batch, 3).
    fn log_probs(&self, x: &Tensor, mask: &Tensor, drop: &mut Dropout<'_>) -> Result<Tensor> {
        Ok(candle_nn::ops::log_softmax(
            &self.forward(x, mask, drop)?,
            D::Minus1,
        )?)
    }

    /// Log-probabilities of a batch of cached examples, `passes` times with independent
    /// dropout: one (batch, 3) tensor per pass, rows in `batch` order. The batch runs in
    /// slices of `slice` examples, each padded only to its own longest; the passes of a
    /// slice run as one batch of copies.
    fn batch_log_probs(
        &self,
        cache: &[Tensor],
        batch: &[usize],
        slice: usize,
        passes: usize,
        drop: &mut Dropout<'_>,
        device: &Device,
    ) -> Result<Vec<Tensor>> {
        let mut parts: Vec<Vec<Tensor>> = vec![Vec::new(); passes];
        for part in batch.chunks(slice.max(1)) {
            let (x, mask) = stack_cached(cache, part, device)?;
            let (x, mask) = if passes > 1 {
                (
                    Tensor::cat(&vec![&x; passes], 0)?,
                    Tensor::cat(&vec![&mask; passes], 0)?,
                )
            } else {
                (x, mask)
            };
            let logp = self.log_probs(&x, &mask, drop)?;
            for (p, out) in parts.iter_mut().enumerate() {
                out.push(logp.narrow(0, p * part.len(), part.len())?);
            }
        }
        parts.iter().map(|p| Ok(Tensor::cat(p, 0)?)).collect()
    }

    /// Predictions on cached states, no dropout, in input order.
    fn predict(&self, cache: &[Tensor], device: &Device) -> Result<Vec<Probabilities>> {
        let mut idx: Vec<usize> = (0..cache.len()).collect();
        idx.sort_by_key(|&i| cache[i].dims()[0]);
        let logp = self.batch_log_probs(cache, &idx, 32, 1, &mut Dropout::off(), device)?;
        let mut out = vec![Probabilities::default(); cache.len()];
        // Softmax of log-probabilities is the probabilities.
        for (p, &i) in super::classifier::to_probabilities(&logp[0], &LABELS)?
            .into_iter()
            .zip(&idx)
        {
            out[i] = p;
        }
        Ok(out)
    }
}

/// A model's scores on labelled examples: over all, per data file (in file order), and
/// the examples it got wrong.
pub struct Evaluation {
    pub metrics: Metrics,
    pub by_file: Vec<FileScore>,
    pub errors: Vec<ExampleError>,
}

/// Classify labelled examples once and score them; see [`Evaluation`].
pub fn evaluate_examples(model: &dyn StanceModel, examples: &[&Example]) -> Result<Evaluation> {
    let inputs: Vec<StanceInput<'_>> = examples.iter().map(|e| e.input()).collect();
    // In chunks, as the engine calls it: a data file can hold thousands of statements.
    let mut probs = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(super::CLASSIFY_CHUNK) {
        probs.extend(model.classify(chunk)?);
    }
    // (file, gold, predicted) per example.
    let outcomes: Vec<(&str, StanceLabel, StanceLabel)> = examples
        .iter()
        .zip(&probs)
        .map(|(e, p)| (e.source.as_str(), e.label, p.argmax()))
        .collect();
    let mut files: Vec<&str> = outcomes.iter().map(|o| o.0).collect();
    files.dedup();
    let by_file = files
        .into_iter()
        .map(|f| FileScore {
            file: f.to_string(),
            metrics: Metrics::from_pairs(
                outcomes
                    .iter()
                    .filter(|o| o.0 == f)
                    .map(|&(_, gold, pred)| (gold, pred)),
            ),
        })
        .collect();
    let errors = examples
        .iter()
        .zip(&probs)
        .filter(|(e, p)| e.label != p.argmax())
        .map(|(e, p)| ExampleError {
            target: e.target.clone(),
            speaker: e.speaker.clone(),
            statement: e.statement.clone(),
            gold: e.label,
            predicted: p.argmax(),
            probabilities: *p,
            tags: e.tags.clone(),
        })
        .collect();
    Ok(Evaluation {
        metrics: Metrics::from_pairs(outcomes.iter().map(|&(_, gold, pred)| (gold, pred))),
        by_file,
        errors,
    })
}

/// One dev-corpus speaker's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevPrediction {
    pub article: String,
    pub speaker: String,
    pub gold: StanceLabel,
    pub gold_strength: u8,
    /// With the evidence in its sentence, aggregated by [`aggregate`].
    pub predicted: StanceLabel,
    pub score: f32,
    /// Per evidence string: its text and the model's probabilities (sentence input).
    pub statements: Vec<(String, Probabilities)>,
}

/// Dev-corpus scores over speakers, given their gold evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DevReport {
    /// Evidence string alone, aggregated.
    pub evidence_only: Metrics,
    /// Evidence in its sentence (with the attribution), aggregated: the engine's setting.
    pub sentence: Metrics,
    /// Evidence in its sentence, plain mean of probabilities (no aggregation rules).
    pub sentence_mean: Metrics,
    pub speakers: Vec<DevPrediction>,
}

/// Classify every gold evidence string of every speaker (alone, and in its sentence),
/// aggregate per speaker, and score against the gold stance.
pub fn evaluate_dev(model: &dyn StanceModel, speakers: &[DevSpeaker]) -> Result<DevReport> {
    let mut alone = Vec::new();
    let mut in_sentence = Vec::new();
    for s in speakers {
        for ev in &s.evidence {
            alone.push(StanceInput {
                target: &s.target,
                speaker: &s.name,
                statement: &ev.text,
                context: None,
            });
            in_sentence.push(StanceInput {
                target: &s.target,
                speaker: &s.name,
                statement: &ev.text,
                context: Some(&ev.sentence),
            });
        }
    }
    let p_alone = model.classify(&alone)?;
    let p_sent = model.classify(&in_sentence)?;
    let mut gold_pred_alone = Vec::new();
    let mut gold_pred_sent = Vec::new();
    let mut gold_pred_mean = Vec::new();
    let mut rows = Vec::new();
    let mut k = 0;
    for s in speakers {
        let n = s.evidence.len();
        let evid = |probs: &[Probabilities]| -> Vec<StatementEvidence> {
            s.evidence
                .iter()
                .zip(probs)
                .map(|(ev, p)| StatementEvidence {
                    probs: *p,
                    direct: ev.direct,
                    mentions_target: mentions_target(&s.target, &ev.text),
                    hedged: hedge_or_condition(&ev.text),
                    background: false,
                    explicit: None,
                })
                .collect()
        };
        let a = aggregate(&evid(&p_alone[k..k + n]));
        let st = aggregate(&evid(&p_sent[k..k + n]));
        let mean = mean_probs(&p_sent[k..k + n]);
        gold_pred_alone.push((s.stance, a.label));
        gold_pred_sent.push((s.stance, st.label));
        gold_pred_mean.push((s.stance, mean.argmax()));
        rows.push(DevPrediction {
            article: s.article.clone(),
            speaker: s.name.clone(),
            gold: s.stance,
            gold_strength: s.strength,
            predicted: st.label,
            score: st.score,
            statements: s
                .evidence
                .iter()
                .map(|e| e.sentence.clone())
                .zip(p_sent[k..k + n].iter().copied())
                .collect(),
        });
        k += n;
    }
    Ok(DevReport {
        evidence_only: Metrics::from_pairs(gold_pred_alone),
        sentence: Metrics::from_pairs(gold_pred_sent),
        sentence_mean: Metrics::from_pairs(gold_pred_mean),
        speakers: rows,
    })
}

fn mean_probs(ps: &[Probabilities]) -> Probabilities {
    let n = ps.len().max(1) as f32;
    Probabilities {
        favor: ps.iter().map(|p| p.favor).sum::<f32>() / n,
        against: ps.iter().map(|p| p.against).sum::<f32>() / n,
        neutral: ps.iter().map(|p| p.neutral).sum::<f32>() / n,
    }
}

/// The validation examples of a data directory (for measuring a saved artifact).
pub fn validation_examples(data_dir: &Path, percent: u32) -> Result<Vec<Example>> {
    Ok(load_examples(data_dir)?
        .into_iter()
        .filter(|e| is_validation(e, percent))
        .collect())
}

/// `parley train stance` arguments; the CLI flattens this into its `train stance`
/// subcommand and calls [`TrainStanceArgs::to_config`] then [`train`].
#[derive(Debug, Clone, clap::Args)]
pub struct TrainStanceArgs {
    /// Directory of labelled *.jsonl statements.
    #[arg(long, default_value = "data/stance")]
    pub data: PathBuf,
    /// Where to write the artifact (config.json + model.safetensors).
    #[arg(long, default_value = "models/stance")]
    pub out: PathBuf,
    /// Base encoder directory (config.json, tokenizer.json, model.safetensors); by default
    /// the encoder of the selected preset, from the model store.
    #[arg(long, env = "PARLEY_STANCE_BASE")]
    pub base: Option<PathBuf>,
    #[arg(long, default_value_t = 13)]
    pub seed: u64,
    /// Training runs to average into the artifact (each with its own data order and
    /// dropout, from the same initial weights).
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Index of the first run to train (runs first..first+runs): a run's data order and
    /// dropout depend only on the seed and its index, so `--first-run 1` trains the
    /// second run of `--runs 2` alone.
    #[arg(long, default_value_t = 0)]
    pub first_run: usize,
    /// Also save each epoch's weights (f16) in the output directory as
    /// epoch-<run>-<epoch>.safetensors.
    #[arg(long)]
    pub save_epochs: bool,
    #[arg(long, default_value_t = 6)]
    pub epochs: usize,
    /// Draw training batches at random (true) or group statements of similar length
    /// (false: less padding, but it trained worse).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub random_batches: bool,
    /// Number of top encoder layers to fine-tune (6 = all of MiniLM's).
    #[arg(long, default_value_t = 6)]
    pub layers: usize,
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// Layer-wise learning-rate decay: the head and the top layer train at --lr, each layer
    /// below at this factor times the rate of the one above (1 = one rate for all).
    #[arg(long, default_value_t = 1.0)]
    pub layer_decay: f64,
    #[arg(long, default_value_t = 0.1)]
    pub dropout: f32,
    /// plain, speaker_prefix or speaker_marker.
    #[arg(long, default_value = "speaker_prefix")]
    pub input_format: InputFormat,
    /// Mass moved to neutral in a qualified example's training target.
    #[arg(long, default_value_t = 0.25)]
    pub qualified_mass: f32,
    /// Label smoothing: mix each training target with the uniform distribution by this much.
    #[arg(long, default_value_t = 0.1)]
    pub label_smoothing: f32,
    /// R-drop weight: run each batch twice with independent dropout and add this times the
    /// symmetric KL divergence of the two predictions to the loss (0 = off, which halves
    /// the training time).
    #[arg(long, default_value_t = 1.0)]
    pub rdrop: f32,
    /// Percent of the training statements (fixed by hash) that also train toward the
    /// reversed target ("abandoning the truce", labels favor/against swapped), to teach
    /// that stance is a relation to the target rather than the statement's tone (0 = off).
    #[arg(long, default_value_t = 0)]
    pub flip_targets: u32,
    /// Corpus directory to measure per-speaker stance on (gold evidence).
    #[arg(long)]
    pub dev_corpus: Option<PathBuf>,
    /// Measure only; do not write the artifact.
    #[arg(long)]
    pub dry_run: bool,
}

impl TrainStanceArgs {
    /// The training settings, with the base encoder's files.
    pub fn to_config(&self, base: BaseFiles) -> TrainConfig {
        TrainConfig {
            out_dir: (!self.dry_run).then(|| self.out.clone()),
            seed: self.seed,
            runs: self.runs,
            first_run: self.first_run,
            save_epochs: self.save_epochs,
            epochs: self.epochs,
            random_batches: self.random_batches,
            layers: self.layers,
            batch_size: self.batch_size,
            learning_rate: self.lr,
            layer_decay: self.layer_decay,
            dropout: self.dropout,
            input_format: self.input_format,
            qualified_neutral_mass: self.qualified_mass,
            label_smoothing: self.label_smoothing,
            rdrop: self.rdrop,
            flip_targets: self.flip_targets,
            dev_corpus: self.dev_corpus.clone(),
            ..TrainConfig::new(&self.data, base)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_parse() {
        assert_eq!(
            layer_of("encoder.layer.4.attention.self.query.weight"),
            Some(4)
        );
        assert_eq!(layer_of("embeddings.word_embeddings.weight"), None);
    }

    /// Out-of-range regularisation settings are refused before any model is loaded.
    #[test]
    fn bad_regularisation_settings_are_refused() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/stance");
        let base = BaseFiles::from_dir(Path::new("/nonexistent/base"));
        for (ls, rdrop, flag) in [
            (1.0, 0.0, "--label-smoothing"),
            (-0.1, 0.0, "--label-smoothing"),
            (0.1, -1.0, "--rdrop"),
            (0.1, f32::NAN, "--rdrop"),
        ] {
            let cfg = TrainConfig {
                label_smoothing: ls,
                rdrop,
                ..TrainConfig::new(&data, base.clone())
            };
            match train(&cfg) {
                Err(Error::InvalidInput(m)) => assert!(m.contains(flag), "{m}"),
                other => panic!("ls={ls} rdrop={rdrop}: {:?}", other.map(|r| r.validation)),
            }
        }
        for layer_decay in [0.0, 1.5, f64::NAN] {
            let cfg = TrainConfig {
                layer_decay,
                ..TrainConfig::new(&data, base.clone())
            };
            match train(&cfg) {
                Err(Error::InvalidInput(m)) => assert!(m.contains("--layer-decay"), "{m}"),
                other => panic!(
                    "layer_decay={layer_decay}: {:?}",
                    other.map(|r| r.validation)
                ),
            }
        }
    }

    /// With --layer-decay the head and the top layer train at the full rate and each layer
    /// below at the factor times the one above; without it there is one group.
    #[test]
    fn layer_decay_groups_the_rates_by_depth() {
        let base = BaseFiles::from_dir(Path::new("/nonexistent/base"));
        let mut vars = HashMap::new();
        for name in [
            "encoder.layer.0.output.dense.weight",
            "encoder.layer.1.output.dense.weight",
            "encoder.layer.2.output.dense.weight",
            "encoder.layer.2.output.dense.bias",
            "classifier.weight",
        ] {
            vars.insert(
                name.to_string(),
                Var::zeros(2, DType::F32, &Device::Cpu).unwrap(),
            );
        }
        let factors = |layer_decay: f64| -> Vec<f64> {
            let cfg = TrainConfig {
                layer_decay,
                ..TrainConfig::new("data/stance", base.clone())
            };
            layer_optimizers(&vars, 3, &cfg)
                .unwrap()
                .iter()
                .map(|(_, f)| *f)
                .collect()
        };
        assert_eq!(factors(0.5), vec![1.0, 0.5, 0.25]);
        assert_eq!(factors(1.0), vec![1.0]);
    }

    /// Both batchings cover every example once; grouped batches are far tighter in length
    /// than random ones.
    #[test]
    fn batches_cover_the_data_once() {
        let encs: Vec<Encoded> = (0..100)
            .map(|i| Encoded {
                ids: vec![0; 1 + (i * 37) % 50],
                type_ids: vec![0; 1 + (i * 37) % 50],
            })
            .collect();
        let spread = |b: &Vec<usize>| {
            let lens: Vec<usize> = b.iter().map(|&i| encs[i].ids.len()).collect();
            lens.iter().max().unwrap() - lens.iter().min().unwrap()
        };
        let mut spreads = Vec::new();
        for random in [false, true] {
            let batches = make_batches(&encs, 8, random, &mut StdRng::seed_from_u64(1));
            let mut all: Vec<usize> = batches.iter().flatten().copied().collect();
            all.sort_unstable();
            assert_eq!(all, (0..100).collect::<Vec<_>>(), "random={random}");
            assert!(batches.iter().all(|b| b.len() <= 8));
            assert!(
                batches.iter().all(|b| b
                    .windows(2)
                    .all(|w| encs[w[0]].ids.len() <= encs[w[1]].ids.len())),
                "random={random}: a batch is not sorted by length"
            );
            spreads.push(batches.iter().map(spread).sum::<usize>());
        }
        assert!(
            spreads[0] * 2 < spreads[1],
            "grouped batches are not tighter in length: {spreads:?}"
        );
    }

    #[test]
    fn qualified_examples_get_soft_targets() {
        let mut e = Example {
            target: "t".into(),
            speaker: "s".into(),
            statement: "x".into(),
            label: StanceLabel::Against,
            strength: 1,
            tags: vec![],
            source: String::new(),
        };
        assert_eq!(soft_target(&e, 0.25, 0.0), [0.0, 0.75, 0.25]);
        e.strength = 2;
        assert_eq!(soft_target(&e, 0.25, 0.0), [0.0, 1.0, 0.0]);
        let t = soft_target(&e, 0.25, 0.3);
        assert!(
            (t[0] - 0.1).abs() < 1e-6 && (t[1] - 0.8).abs() < 1e-6 && (t[2] - 0.1).abs() < 1e-6
        );
    }

    /// A one-layer model with small deterministic weights (hidden 8, 2 heads).
    fn tiny_top() -> Result<TopModel> {
        let cfg: BertConfig = serde_json::from_value(serde_json::json!({
            "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "max_position_embeddings": 16, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0
        }))
        .map_err(|e| model_err(e.to_string()))?;
        let dev = Device::Cpu;
        let mut k = 0usize;
        let mut var = |shape: &[usize]| -> Result<Var> {
            let n: usize = shape.iter().product();
            let v: Vec<f32> = (0..n)
                .map(|i| ((i + 7 * k) as f32 * 0.61).sin() * 0.3)
                .collect();
            k += 1;
            Ok(Var::from_tensor(&Tensor::from_vec(v, shape, &dev)?)?)
        };
        let mut vars = HashMap::new();
        for (name, shape) in [
            ("attention.self.query", [8, 8]),
            ("attention.self.key", [8, 8]),
            ("attention.self.value", [8, 8]),
            ("attention.output.dense", [8, 8]),
            ("intermediate.dense", [16, 8]),
            ("output.dense", [8, 16]),
        ] {
            vars.insert(format!("encoder.layer.0.{name}.weight"), var(&shape)?);
            vars.insert(format!("encoder.layer.0.{name}.bias"), var(&shape[..1])?);
        }
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            vars.insert(
                format!("encoder.layer.0.{ln}.weight"),
                Var::ones(8, DType::F32, &dev)?,
            );
            vars.insert(
                format!("encoder.layer.0.{ln}.bias"),
                Var::zeros(8, DType::F32, &dev)?,
            );
        }
        vars.insert("classifier.weight".into(), var(&[3, 8])?);
        vars.insert("classifier.bias".into(), var(&[3])?);
        TopModel::new(&vars, &cfg, 0)
    }

    #[test]
    fn a_batch_in_slices_scores_as_one_padded_batch() -> Result<()> {
        let model = tiny_top()?;
        let dev = Device::Cpu;
        // Cached states of different lengths, as the frozen layers would leave them.
        let cache: Vec<Tensor> = [3usize, 9, 5, 2, 7]
            .iter()
            .enumerate()
            .map(|(j, &len)| {
                let v: Vec<f32> = (0..len * 8)
                    .map(|i| ((i * 3 + j * 11) as f32 * 0.17).cos())
                    .collect();
                Tensor::from_vec(v, (len, 8), &dev)
            })
            .collect::<candle_core::Result<_>>()?;
        let batch = [3, 0, 2, 4, 1];
        let whole =
            model.batch_log_probs(&cache, &batch, batch.len(), 1, &mut Dropout::off(), &dev)?;
        let sliced = model.batch_log_probs(&cache, &batch, 2, 2, &mut Dropout::off(), &dev)?;
        assert_eq!(whole.len(), 1);
        assert_eq!(sliced.len(), 2);
        assert_eq!(whole[0].dims(), &[5, 3]);
        for pass in &sliced {
            let diff = (pass - &whole[0])?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert!(diff < 1e-5, "sliced and whole differ by {diff}");
        }
        // Rows follow the batch: each one is the example scored alone.
        for (row, &i) in batch.iter().enumerate() {
            let alone = model.batch_log_probs(&cache, &[i], 1, 1, &mut Dropout::off(), &dev)?;
            let diff = (whole[0].get(row)? - alone[0].get(0)?)?
                .abs()?
                .max_all()?
                .to_scalar::<f32>()?;
            assert!(
                diff < 1e-5,
                "row {row} differs from example {i} alone by {diff}"
            );
        }
        // With dropout, the two passes of one call draw different masks.
        let mut rng = StdRng::seed_from_u64(5);
        let both =
            model.batch_log_probs(&cache, &batch, 2, 2, &mut Dropout::new(0.3, &mut rng), &dev)?;
        let diff = (&both[0] - &both[1])?
            .abs()?
            .max_all()?
            .to_scalar::<f32>()?;
        assert!(diff > 1e-4, "R-drop passes drew the same dropout");
        Ok(())
    }

    /// The differentiable layer norm matches candle-nn's fused kernel.
    #[test]
    fn layer_norm_matches_the_fused_kernel() -> Result<()> {
        let dev = Device::Cpu;
        let x = Tensor::from_vec(
            (0..24).map(|i| (i as f32 * 0.37).sin()).collect::<Vec<_>>(),
            (2, 3, 4),
            &dev,
        )?;
        let w = Tensor::new(&[1.0f32, 0.5, 2.0, -1.0], &dev)?;
        let b = Tensor::new(&[0.1f32, 0.0, -0.2, 0.3], &dev)?;
        let ours = layer_norm(&x, &w, &b, 1e-12)?;
        let fused = candle_nn::ops::layer_norm(&x, &w, &b, 1e-12)?;
        let diff = (ours - fused)?.abs()?.max_all()?.to_scalar::<f32>()?;
        assert!(diff < 1e-5, "diff {diff}");
        Ok(())
    }
}
