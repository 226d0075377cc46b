//! Averaging trained stance artifacts into one (`parley train soup`): a "model soup"
//! (Wortsman et al. 2022) built from runs trained separately.
//!
//! `parley train stance --runs n` trains `n` runs one after the other and saves the mean
//! of their weights. A run's data order and dropout depend only on the seed and the run's
//! index (`--first-run`), so the same soup can be trained in pieces — on several machines,
//! or by adding a run to an artifact that already ships — and put together here. Only
//! artifacts from the same start can be averaged: the same base, layers, input format and
//! training settings, the same seed (which draws the head), the same data, and runs that
//! do not overlap and together form one range. The mean weighs each artifact by its
//! number of runs, so the result is the mean over runs, as `--runs` computes it (up to
//! the f16 rounding of the pieces).

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use super::classifier::{load_tensors, ArtifactConfig, BaseFiles, ARTIFACT_WEIGHTS};
use super::data::{data_hash, Example, Metrics};
use super::train::{
    measure_and_save, validation_examples, ArtifactFile, DevReport, ExampleError, FileScore,
    Measured,
};
use crate::{Error, Result};

/// What to average, and where to measure and save the result.
#[derive(Debug, Clone)]
pub struct SoupConfig {
    /// Artifact directories (config.json + model.safetensors), at least two.
    pub inputs: Vec<PathBuf>,
    /// The labelled statements the runs were trained on (their hash must match).
    pub data_dir: PathBuf,
    pub base: BaseFiles,
    /// Where to write the averaged artifact (may be one of the inputs).
    pub out_dir: PathBuf,
    /// A corpus directory to measure per-speaker stance on, given the gold evidence.
    pub dev_corpus: Option<PathBuf>,
    /// Percent of examples (by statement hash) held out for validation.
    pub validation_percent: u32,
}

/// One averaged artifact: where it came from and what it scored alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SoupInput {
    pub path: PathBuf,
    pub first_run: usize,
    pub runs: usize,
    pub validation_macro_f1: f64,
}

/// What the soup is made of and what it scores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SoupReport {
    pub inputs: Vec<SoupInput>,
    pub validation: Metrics,
    pub validation_by_file: Vec<FileScore>,
    pub validation_errors: Vec<ExampleError>,
    pub dev: Option<DevReport>,
    pub artifact: Vec<ArtifactFile>,
}

/// Average the artifacts, measure the mean and save it.
///
/// # Errors
/// `InvalidInput` when fewer than two artifacts are given, when they were not trained
/// from the same start (the differing settings are named), when their runs overlap or
/// leave a gap, or when the data changed since they were trained; `ModelUnavailable` for
/// a missing or malformed artifact; `Io` when writing fails.
pub fn soup(cfg: &SoupConfig) -> Result<SoupReport> {
    if cfg.inputs.len() < 2 {
        return Err(Error::InvalidInput(
            "a soup needs at least two artifacts to average".into(),
        ));
    }
    let device = Device::Cpu;
    let mut parts = Vec::with_capacity(cfg.inputs.len());
    for dir in &cfg.inputs {
        let config = ArtifactConfig::read(dir)?;
        let tensors = load_tensors(&dir.join(ARTIFACT_WEIGHTS), &device)?;
        parts.push((dir, config, tensors));
    }

    let (first_dir, first, first_tensors) = &parts[0];
    for (dir, config, tensors) in &parts[1..] {
        let differing = differing_settings(first, config)?;
        if !differing.is_empty() {
            return Err(Error::InvalidInput(format!(
                "{} and {} were not trained from the same start ({} differ): only runs of \
                 one recipe and seed can be averaged",
                first_dir.display(),
                dir.display(),
                differing.join(", ")
            )));
        }
        let mut a: Vec<&String> = first_tensors.keys().collect();
        let mut b: Vec<&String> = tensors.keys().collect();
        a.sort();
        b.sort();
        if a != b {
            return Err(Error::InvalidInput(format!(
                "{} and {} hold different tensors",
                first_dir.display(),
                dir.display()
            )));
        }
    }
    let ranges: Vec<(usize, usize)> = parts
        .iter()
        .map(|(_, c, _)| (c.training.first_run, c.training.runs))
        .collect();
    let (first_run, runs) = run_range(&ranges)?;

    let data_sha256 = data_hash(&cfg.data_dir)?;
    if data_sha256 != first.training.data_sha256 {
        return Err(Error::InvalidInput(format!(
            "the statements in {} are not the ones these runs were trained on (data sha256 \
             {}, trained on {}): the validation split would not be theirs",
            cfg.data_dir.display(),
            short(&data_sha256),
            short(&first.training.data_sha256)
        )));
    }

    // The mean over runs: each artifact is already the mean of its own runs.
    let mut overrides = HashMap::new();
    for name in first_tensors.keys() {
        let mut sum: Option<Tensor> = None;
        for (_, c, tensors) in &parts {
            let t = (&tensors[name] * c.training.runs as f64)?;
            sum = Some(match sum {
                Some(s) => (s + t)?,
                None => t,
            });
        }
        let mean = sum.map_or_else(
            || Err(Error::Other(anyhow::anyhow!("no tensors to average"))),
            |s| Ok((s / runs as f64)?),
        )?;
        overrides.insert(name.clone(), mean.to_dtype(DType::F16)?);
    }

    let inputs = parts
        .iter()
        .map(|(dir, c, _)| SoupInput {
            path: (*dir).clone(),
            first_run: c.training.first_run,
            runs: c.training.runs,
            validation_macro_f1: c.training.validation_macro_f1,
        })
        .collect();
    let mut art_cfg = first.clone();
    art_cfg.training.first_run = first_run;
    art_cfg.training.runs = runs;

    let examples = validation_examples(&cfg.data_dir, cfg.validation_percent)?;
    let val: Vec<&Example> = examples.iter().collect();
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
        Some(&cfg.out_dir),
    )?;
    Ok(SoupReport {
        inputs,
        validation,
        validation_by_file,
        validation_errors,
        dev,
        artifact,
    })
}

/// The settings in which two artifacts differ, apart from which runs they hold and what
/// they scored: "training.seed", "layers_replaced", ….
fn differing_settings(a: &ArtifactConfig, b: &ArtifactConfig) -> Result<Vec<String>> {
    let flat = |c: &ArtifactConfig| -> Result<HashMap<String, serde_json::Value>> {
        let mut v = serde_json::to_value(c).map_err(|e| Error::Other(e.into()))?;
        let mut out = HashMap::new();
        if let Some(obj) = v.as_object_mut() {
            let training = obj.remove("training");
            for (k, val) in obj.iter() {
                out.insert(k.clone(), val.clone());
            }
            if let Some(serde_json::Value::Object(t)) = training {
                for (k, val) in t {
                    if !matches!(k.as_str(), "runs" | "first_run" | "validation_macro_f1") {
                        out.insert(format!("training.{k}"), val);
                    }
                }
            }
        }
        Ok(out)
    };
    let (fa, fb) = (flat(a)?, flat(b)?);
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys
        .into_iter()
        .filter(|k| fa.get(*k) != fb.get(*k))
        .cloned()
        .collect())
}

/// The one range of runs that (first_run, runs) pieces make up, or why they do not.
fn run_range(pieces: &[(usize, usize)]) -> Result<(usize, usize)> {
    let mut sorted = pieces.to_vec();
    sorted.sort_unstable();
    let mut next = sorted[0].0;
    for &(first, runs) in &sorted {
        if first < next {
            return Err(Error::InvalidInput(format!(
                "run {first} is in more than one artifact: each run must be averaged once"
            )));
        }
        if first > next {
            return Err(Error::InvalidInput(format!(
                "no artifact holds run {next}: the runs must form one range, as --runs \
                 trains them"
            )));
        }
        next = first + runs;
    }
    Ok((sorted[0].0, next - sorted[0].0))
}

fn short(sha: &str) -> &str {
    sha.get(..16).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ArtifactConfig {
        serde_json::from_str(include_str!("../../models/stance/config.json")).unwrap()
    }

    #[test]
    fn only_the_runs_and_score_may_differ() {
        let a = config();
        let mut b = a.clone();
        b.training.first_run = 3;
        b.training.runs = 2;
        b.training.validation_macro_f1 = 0.5;
        assert!(differing_settings(&a, &b).unwrap().is_empty());
        b.training.seed += 1;
        b.layers_replaced.pop();
        assert_eq!(
            differing_settings(&a, &b).unwrap(),
            ["layers_replaced", "training.seed"]
        );
    }

    #[test]
    fn runs_must_form_one_range_without_overlap() {
        assert_eq!(run_range(&[(1, 1), (0, 1)]).unwrap(), (0, 2));
        assert_eq!(run_range(&[(0, 2), (2, 1), (3, 2)]).unwrap(), (0, 5));
        let overlap = run_range(&[(0, 2), (1, 1)]).unwrap_err().to_string();
        assert!(overlap.contains("run 1 is in more than one"), "{overlap}");
        let gap = run_range(&[(0, 1), (2, 1)]).unwrap_err().to_string();
        assert!(gap.contains("no artifact holds run 1"), "{gap}");
    }
}
