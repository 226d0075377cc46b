//! Stance: the shipped classifier on clear-cut statements written for this test, the
//! per-speaker aggregation through the public API, the checkpoint loaders' errors on
//! malformed artifacts, and the hub sequence-classification loader's label mapping.
//!
//! The MiniLM base and the artifact come from the model store (`parley models pull`), as
//! the engine gets them; the tests fail, loudly, when they cannot be had.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use candle_core::{DType, Device, Tensor};
use parley::model::store::ResolvedPreset;
use parley::report::StanceLabel;
use parley::stance::classifier::{ArtifactConfig, LabelScheme, ARTIFACT_CONFIG, ARTIFACT_WEIGHTS};
use parley::stance::{
    aggregate, hedge_or_condition, mentions_target, SequenceClassifier, StanceInput, StanceModel,
    StatementEvidence, TrainedClassifier,
};

fn preset() -> &'static ResolvedPreset {
    static PRESET: OnceLock<ResolvedPreset> = OnceLock::new();
    PRESET.get_or_init(|| {
        parley::model::ensure_default_preset(false)
            .unwrap_or_else(|e| panic!("cannot get the default models: {e}"))
    })
}

/// The folder holding the MiniLM base files, from the model store.
fn base_dir() -> PathBuf {
    let weights = preset()
        .encoder
        .path("model.safetensors")
        .expect("MiniLM weights");
    weights.parent().expect("a file has a folder").to_path_buf()
}

/// The shipped stance artifact, as the default preset resolves (and verifies) it.
fn artifact_dir() -> PathBuf {
    let classifier = preset()
        .classifier
        .as_ref()
        .expect("the default preset names the trained stance classifier");
    let weights = classifier
        .path(ARTIFACT_WEIGHTS)
        .expect("the artifact's weights");
    weights.parent().expect("a file has a folder").to_path_buf()
}

fn input<'a>(target: &'a str, speaker: &'a str, statement: &'a str) -> StanceInput<'a> {
    StanceInput {
        target,
        speaker,
        statement,
        context: None,
    }
}

/// The shipped artifact, over the base, labels statements whose stance no reader would
/// doubt, on targets from three domains; a conditional endorsement is favor with a lower
/// score than an unconditional one.
#[test]
fn trained_classifier_gets_clear_cut_statements_right() {
    let clf = TrainedClassifier::load(&base_dir(), &artifact_dir())
        .expect("load the shipped stance artifact");
    let cases = [
        (
            "the bridge toll",
            "Orla Quinn",
            "\"The toll will finally pay for the repairs this bridge needs, and I support it fully,\" Mayor Orla Quinn said.",
            StanceLabel::Favor,
        ),
        (
            "the bridge toll",
            "Devin Marsh",
            "Councillor Devin Marsh called the bridge toll a tax on people who have no other way to get to work and vowed to vote it down.",
            StanceLabel::Against,
        ),
        (
            "the bridge toll",
            "the transport office",
            "The transport office said the toll booths would be installed in March and that the work would close one lane for two weeks.",
            StanceLabel::Neutral,
        ),
        (
            "the armistice",
            "Halvard Strom",
            "\"This armistice has saved lives every single day since it was signed, and we will defend it,\" Foreign Minister Halvard Strom said.",
            StanceLabel::Favor,
        ),
        (
            "the armistice",
            "Zora Mikic",
            "\"This armistice is a betrayal, and we will vote against it,\" opposition leader Zora Mikic said.",
            StanceLabel::Against,
        ),
        (
            "the library closure",
            "Ewan Hart",
            "Ewan Hart, who has used the library for forty years, said closing it would take away the only warm public room in the village, and he urged the council to reverse the decision.",
            StanceLabel::Against,
        ),
        (
            "the library closure",
            "Mira Solberg",
            "Council spokeswoman Mira Solberg said the library would stay open until the end of June and that its books would move to the school.",
            StanceLabel::Neutral,
        ),
    ];
    let inputs: Vec<_> = cases.iter().map(|(t, s, st, _)| input(t, s, st)).collect();
    let probs = clf.classify(&inputs).expect("classify");
    let mut wrong = Vec::new();
    for ((t, _, st, gold), p) in cases.iter().zip(&probs) {
        let sum = p.favor + p.against + p.neutral;
        assert!((sum - 1.0).abs() < 1e-4, "probabilities sum to {sum}");
        if p.argmax() != *gold {
            wrong.push(format!("target {t:?}: {st}\n  gold {gold:?}, got {p:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Plain reported opposition. The previous artifact (F in models/stance/TRAINING.md) read
    // it as neutral (0.53) just over against (0.42); the shipped one reads it right.
    let reported = "Opposition leader Zora Mikic said she opposed the armistice and would vote to scrap it at the first chance.";
    let p = clf
        .classify(&[input("the armistice", "Zora Mikic", reported)])
        .expect("classify")[0];
    assert_eq!(
        p.argmax(),
        StanceLabel::Against,
        "reported opposition: {p:?}"
    );

    let clear = "\"The toll will finally pay for the repairs this bridge needs, and I support it fully,\" Mayor Orla Quinn said.";
    let conditional = "Councillor Ida Ferm said she would vote for the bridge toll only if residents of the island were exempted.";
    let p = clf
        .classify(&[
            input("the bridge toll", "Orla Quinn", clear),
            input("the bridge toll", "Ida Ferm", conditional),
        ])
        .expect("classify");
    // By the corpus conventions a conditional endorsement is favor (strength 1), scoring
    // below the unconditional one. The previous artifact (F) read this one as neutral; the
    // shipped one reads it as favor.
    assert_eq!(p[1].argmax(), StanceLabel::Favor, "conditional: {:?}", p[1]);
    let score = |p: &parley::report::Probabilities| p.favor - p.against;
    assert!(
        score(&p[1]) < score(&p[0]),
        "conditional {:?} should score below clear {:?}",
        p[1],
        p[0]
    );
}

/// A speaker's statements, classified by the shipped model and aggregated: a clear
/// position plus a factual aside keeps the position (strength 2); a hedged position keeps
/// its label with a weaker score and, when it takes a side, strength 1.
#[test]
fn aggregation_over_the_trained_model() {
    let clf = TrainedClassifier::load(&base_dir(), &artifact_dir()).expect("load");
    let target = "the bridge toll";
    let statements = [
        "Councillor Devin Marsh called the bridge toll a tax on people who have no other way to get to work and vowed to vote it down.",
        "Marsh said the council meets on Tuesday evenings at the town hall.",
    ];
    let inputs: Vec<_> = statements
        .iter()
        .map(|s| input(target, "Devin Marsh", s))
        .collect();
    let probs = clf.classify(&inputs).expect("classify");
    let evidence: Vec<_> = statements
        .iter()
        .zip(&probs)
        .map(|(s, p)| StatementEvidence {
            probs: *p,
            direct: false,
            mentions_target: mentions_target(target, s),
            hedged: hedge_or_condition(s),
            background: false,
            explicit: None,
        })
        .collect();
    assert!(evidence[0].mentions_target && !evidence[1].mentions_target);
    let stance = aggregate(&evidence);
    assert_eq!(stance.label, StanceLabel::Against, "{stance:?}");
    assert!(stance.score < 0.0 && stance.confidence > 0.4, "{stance:?}");
    assert_eq!(stance.strength, 2, "an unqualified position: {stance:?}");

    let hedged = "Councillor Ida Ferm said she would vote for the bridge toll only if residents of the island were exempted.";
    assert!(hedge_or_condition(hedged));
    let p = clf
        .classify(&[input(target, "Ida Ferm", hedged)])
        .expect("classify")[0];
    let plain = aggregate(&[StatementEvidence {
        probs: p,
        direct: false,
        mentions_target: true,
        hedged: false,
        background: false,
        explicit: None,
    }]);
    let weak = aggregate(&[StatementEvidence {
        probs: p,
        direct: false,
        mentions_target: true,
        hedged: true,
        background: false,
        explicit: None,
    }]);
    assert_eq!(weak.label, plain.label);
    assert!(weak.score.abs() < plain.score.abs());
    if weak.label != StanceLabel::Neutral {
        assert_eq!((plain.strength, weak.strength), (2, 1));
    }
}

/// Pure aggregation rules, on hand-set probabilities.
#[test]
fn aggregation_rules() {
    use parley::report::Probabilities as P;
    let ev = |f, a, n, direct, mentions| StatementEvidence {
        probs: P {
            favor: f,
            against: a,
            neutral: n,
        },
        direct,
        mentions_target: mentions,
        hedged: false,
        background: false,
        explicit: None,
    };
    // All neutral → neutral (a real class, with confidence).
    let s = aggregate(&[
        ev(0.1, 0.1, 0.8, false, false),
        ev(0.15, 0.05, 0.8, true, true),
    ]);
    assert_eq!(s.label, StanceLabel::Neutral);
    assert!(s.confidence > 0.7);
    // A direct quote naming the target outweighs a paraphrase that does not.
    let s = aggregate(&[
        ev(0.7, 0.2, 0.1, true, true),
        ev(0.2, 0.7, 0.1, false, false),
    ]);
    assert_eq!(s.label, StanceLabel::Favor);
    assert!(s.score > 0.0 && s.score <= 1.0);
    // Scores stay in range for extreme inputs.
    let s = aggregate(&[ev(1.0, 0.0, 0.0, true, true)]);
    assert!((s.score - 1.0).abs() < 1e-6 && (s.confidence - 1.0).abs() < 1e-6);
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write fixture");
}

/// A data folder holding the first `n` statements of one of `data/stance`'s files.
fn first_statements(file: &str, n: usize) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let lines: Vec<String> = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/stance")
            .join(file),
    )
    .unwrap()
    .lines()
    .take(n)
    .map(str::to_string)
    .collect();
    write(&data.path().join("part.jsonl"), &(lines.join("\n") + "\n"));
    data
}

/// A malformed artifact fails to load with an error that names the problem.
#[test]
fn malformed_artifacts_give_clear_errors() {
    let base = base_dir();
    let good = artifact_dir();
    let good_cfg = std::fs::read_to_string(good.join(ARTIFACT_CONFIG)).expect("shipped config");
    let err = |dir: &Path| match TrainedClassifier::load(&base, dir) {
        Ok(_) => panic!("{} loaded but is malformed", dir.display()),
        Err(e) => e.to_string(),
    };

    // Missing directory.
    let tmp = tempfile::tempdir().expect("tempdir");
    let e = err(&tmp.path().join("nowhere"));
    assert!(e.contains("config.json"), "{e}");

    // Config that is not JSON.
    let d = tempfile::tempdir().expect("tempdir");
    write(&d.path().join(ARTIFACT_CONFIG), "{ not json");
    std::fs::copy(good.join(ARTIFACT_WEIGHTS), d.path().join(ARTIFACT_WEIGHTS)).expect("copy");
    let e = err(d.path());
    assert!(e.contains("stance artifact config"), "{e}");

    // Weights truncated.
    let d = tempfile::tempdir().expect("tempdir");
    write(&d.path().join(ARTIFACT_CONFIG), &good_cfg);
    let bytes = std::fs::read(good.join(ARTIFACT_WEIGHTS)).expect("read");
    std::fs::write(d.path().join(ARTIFACT_WEIGHTS), &bytes[..bytes.len() / 2]).expect("write");
    let e = err(d.path());
    assert!(e.contains("safetensors"), "{e}");

    // A label listed twice.
    let d = tempfile::tempdir().expect("tempdir");
    let mut cfg: serde_json::Value = serde_json::from_str(&good_cfg).expect("json");
    cfg["labels"] = serde_json::json!(["favor", "favor", "neutral"]);
    write(&d.path().join(ARTIFACT_CONFIG), &cfg.to_string());
    std::fs::copy(good.join(ARTIFACT_WEIGHTS), d.path().join(ARTIFACT_WEIGHTS)).expect("copy");
    let e = err(d.path());
    assert!(e.contains("twice"), "{e}");

    // Trained on another base.
    let mut cfg: serde_json::Value = serde_json::from_str(&good_cfg).expect("json");
    cfg["base_fingerprint"] = serde_json::json!("0".repeat(64));
    write(&d.path().join(ARTIFACT_CONFIG), &cfg.to_string());
    let e = err(d.path());
    assert!(e.contains("another base"), "{e}");

    // Weights without the head.
    let d = tempfile::tempdir().expect("tempdir");
    write(&d.path().join(ARTIFACT_CONFIG), &good_cfg);
    let mut t =
        candle_core::safetensors::load(good.join(ARTIFACT_WEIGHTS), &Device::Cpu).expect("load");
    t.remove("classifier.weight");
    candle_core::safetensors::save(&t, d.path().join(ARTIFACT_WEIGHTS)).expect("save");
    let e = err(d.path());
    assert!(e.contains("classifier.weight"), "{e}");
}

/// Write a BERT sequence-classification checkpoint built from the MiniLM base: `bert.`
/// prefixed encoder, a pooler, and a head whose weights are zero and whose bias fixes the
/// output distribution, so the label mapping can be checked exactly.
fn write_checkpoint(dir: &Path, id2label: serde_json::Value, bias: &[f32]) {
    let base = base_dir();
    let mut cfg: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(base.join("config.json")).expect("base config"),
    )
    .expect("json");
    cfg["id2label"] = id2label;
    cfg["model_type"] = serde_json::json!("bert");
    write(&dir.join("config.json"), &cfg.to_string());
    std::fs::copy(base.join("tokenizer.json"), dir.join("tokenizer.json")).expect("copy tokenizer");
    let base_t = candle_core::safetensors::load(base.join("model.safetensors"), &Device::Cpu)
        .expect("base weights");
    let mut t: HashMap<String, Tensor> = HashMap::new();
    for (k, v) in base_t {
        if !k.starts_with("pooler.") {
            t.insert(format!("bert.{k}"), v);
        }
    }
    let h = 384;
    t.insert(
        "bert.pooler.dense.weight".into(),
        Tensor::eye(h, DType::F32, &Device::Cpu).expect("eye"),
    );
    t.insert(
        "bert.pooler.dense.bias".into(),
        Tensor::zeros(h, DType::F32, &Device::Cpu).expect("zeros"),
    );
    t.insert(
        "classifier.weight".into(),
        Tensor::zeros((bias.len(), h), DType::F32, &Device::Cpu).expect("zeros"),
    );
    t.insert(
        "classifier.bias".into(),
        Tensor::new(bias, &Device::Cpu).expect("bias"),
    );
    candle_core::safetensors::save(&t, dir.join("model.safetensors")).expect("save");
}

/// An NLI checkpoint loads, is read as NLI, and maps entailment → favor, contradiction →
/// against, neutral → neutral, whatever the id order.
#[test]
fn hub_nli_checkpoint_maps_labels() {
    let d = tempfile::tempdir().expect("tempdir");
    let ln2 = 2f32.ln();
    // ids: 0 contradiction (bias 0), 1 entailment (ln 2), 2 neutral (0) → 1/4, 1/2, 1/4.
    write_checkpoint(
        d.path(),
        serde_json::json!({"0": "CONTRADICTION", "1": "ENTAILMENT", "2": "NEUTRAL"}),
        &[0.0, ln2, 0.0],
    );
    let clf = SequenceClassifier::load(d.path(), &Device::Cpu).expect("load NLI checkpoint");
    assert_eq!(clf.scheme(), LabelScheme::Nli);
    let p = clf
        .classify(&[input(
            "the armistice",
            "Halvard Strom",
            "We will defend the armistice.",
        )])
        .expect("classify")[0];
    assert!(
        (p.favor - 0.5).abs() < 1e-5
            && (p.against - 0.25).abs() < 1e-5
            && (p.neutral - 0.25).abs() < 1e-5,
        "{p:?}"
    );
}

/// A stance-labelled checkpoint is read as stance; unusable label maps are refused.
#[test]
fn hub_stance_checkpoint_and_bad_labels() {
    let d = tempfile::tempdir().expect("tempdir");
    write_checkpoint(
        d.path(),
        serde_json::json!({"0": "AGAINST", "1": "FAVOR", "2": "NONE"}),
        &[2f32.ln(), 0.0, 0.0],
    );
    let clf = SequenceClassifier::load(d.path(), &Device::Cpu).expect("load stance checkpoint");
    assert_eq!(clf.scheme(), LabelScheme::Stance);
    let p = clf
        .classify(&[input("the toll", "A", "It is fine.")])
        .expect("classify")[0];
    assert!(
        (p.against - 0.5).abs() < 1e-5 && (p.favor - 0.25).abs() < 1e-5,
        "{p:?}"
    );

    let d = tempfile::tempdir().expect("tempdir");
    write_checkpoint(
        d.path(),
        serde_json::json!({"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}),
        &[0.0; 3],
    );
    let e = SequenceClassifier::load(d.path(), &Device::Cpu)
        .err()
        .expect("generic labels must be refused");
    assert!(e.to_string().contains("LABEL_"), "{e}");

    let d = tempfile::tempdir().expect("tempdir");
    write_checkpoint(
        d.path(),
        serde_json::json!({"0": "favor", "1": "against"}),
        &[0.0; 2],
    );
    let e = SequenceClassifier::load(d.path(), &Device::Cpu)
        .err()
        .expect("two labels must be refused");
    assert!(e.to_string().contains("id2label"), "{e}");
}

/// `parley train stance` in miniature: a few dozen statements, one epoch over the top layer.
/// Training is deterministic for a seed (two runs write byte-identical weights), the artifact
/// loads over the base and classifies, and a different seed gives different weights. A
/// two-run soup starts with the single run (same epoch numbers), records its runs, and
/// averages in a second run that saw the data in another order; trained in pieces and
/// averaged by `soup`, it comes out the same.
#[test]
fn training_is_deterministic_and_its_artifact_loads() {
    use parley::stance::classifier::BaseFiles;
    use parley::stance::soup::{soup, SoupConfig};
    use parley::stance::train::{train, TrainConfig};

    let data = first_statements("conflict.jsonl", 60);

    let run_with =
        |seed: u64, runs: usize, label_smoothing: f32, rdrop: f32, random_batches: bool| {
            let out = tempfile::tempdir().unwrap();
            let cfg = TrainConfig {
                out_dir: Some(out.path().to_path_buf()),
                seed,
                runs,
                label_smoothing,
                rdrop,
                random_batches,
                epochs: 1,
                layers: 1,
                batch_size: 16,
                ..TrainConfig::new(data.path(), BaseFiles::from_dir(&base_dir()))
            };
            let report = train(&cfg).expect("train");
            assert_eq!(report.epochs.len(), runs);
            assert_eq!(report.train_examples + report.validation_examples, 60);
            let weights = std::fs::read(out.path().join(ARTIFACT_WEIGHTS)).unwrap();
            (out, report, weights)
        };
    let run = |seed: u64, runs: usize| run_with(seed, runs, 0.0, 0.0, false);
    let (out, report, a) = run(7, 1);
    let (_, _, b) = run(7, 1);
    assert!(a == b, "the same seed gave different weights");
    let (other_seed, _, c) = run(8, 1);
    assert!(a != c, "a different seed gave the same weights");
    let digests: Vec<&str> = report.artifact.iter().map(|f| f.sha256.as_str()).collect();
    assert_eq!(digests.len(), 2, "{:?}", report.artifact);

    let (soup_dir, two_runs, d) = run(7, 2);
    assert!(a != d, "a two-run soup wrote the single run's weights");
    let first = &two_runs.epochs[0];
    assert_eq!((first.run, two_runs.epochs[1].run), (0, 1));
    assert_eq!(
        (first.mean_loss, first.validation_macro_f1),
        (
            report.epochs[0].mean_loss,
            report.epochs[0].validation_macro_f1
        ),
        "run 0 of a soup is not the single run"
    );
    assert_ne!(
        first.mean_loss, two_runs.epochs[1].mean_loss,
        "run 1 repeated run 0"
    );
    let config = ArtifactConfig::read(soup_dir.path()).unwrap();
    assert_eq!(config.training.runs, 2);
    TrainedClassifier::load(&base_dir(), soup_dir.path()).expect("load the soup");

    // The same soup in pieces: run 1 alone (`--first-run 1`, saving its epochs), then
    // `parley train soup` of run 0 and run 1 gives the weights `--runs 2` gave, up to
    // the f16 rounding of the pieces.
    let piece = tempfile::tempdir().unwrap();
    let piece_report = train(&TrainConfig {
        out_dir: Some(piece.path().to_path_buf()),
        seed: 7,
        first_run: 1,
        save_epochs: true,
        random_batches: false,
        label_smoothing: 0.0,
        rdrop: 0.0,
        epochs: 1,
        layers: 1,
        batch_size: 16,
        ..TrainConfig::new(data.path(), BaseFiles::from_dir(&base_dir()))
    })
    .expect("train run 1 alone");
    assert_eq!(piece_report.epochs[0].run, 1);
    assert_eq!(
        piece_report.epochs[0].mean_loss, two_runs.epochs[1].mean_loss,
        "run 1 alone is not run 1 of the soup"
    );
    assert!(piece.path().join("epoch-1-1.safetensors").is_file());
    let soup_cfg = |inputs: Vec<PathBuf>, out: &Path| SoupConfig {
        inputs,
        data_dir: data.path().to_path_buf(),
        base: BaseFiles::from_dir(&base_dir()),
        out_dir: out.to_path_buf(),
        dev_corpus: None,
        validation_percent: 10,
    };
    let pieces = tempfile::tempdir().unwrap();
    let made = soup(&soup_cfg(
        vec![piece.path().to_path_buf(), out.path().to_path_buf()],
        pieces.path(),
    ))
    .expect("soup of run 0 and run 1");
    assert_eq!(made.inputs.len(), 2);
    let config = ArtifactConfig::read(pieces.path()).unwrap();
    assert_eq!((config.training.first_run, config.training.runs), (0, 2));
    // Saved through temporary files renamed into place: nothing else is left behind.
    let mut names: Vec<String> = std::fs::read_dir(pieces.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [ARTIFACT_CONFIG, ARTIFACT_WEIGHTS]);
    // ... and readable by all, as files written in place would be (the safetensors crate
    // writes through a private temporary file of its own).
    #[cfg(unix)]
    for file in [
        pieces.path().join(ARTIFACT_CONFIG),
        pieces.path().join(ARTIFACT_WEIGHTS),
        piece.path().join("epoch-1-1.safetensors"),
    ] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", file.display());
    }
    let load = |dir: &Path| {
        candle_core::safetensors::load(dir.join(ARTIFACT_WEIGHTS), &Device::Cpu).unwrap()
    };
    let (whole, parts) = (load(soup_dir.path()), load(pieces.path()));
    assert_eq!(whole.len(), parts.len());
    for (name, t) in &whole {
        let diff = (t.to_dtype(DType::F32).unwrap() - parts[name].to_dtype(DType::F32).unwrap())
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!(diff < 2e-3, "{name}: the pieces' soup differs by {diff}");
    }
    // A run averaged twice, or runs of another seed, are refused with the reason.
    let err = soup(&soup_cfg(
        vec![out.path().to_path_buf(), out.path().to_path_buf()],
        pieces.path(),
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("run 0 is in more than one"), "{err}");
    let err = soup(&soup_cfg(
        vec![piece.path().to_path_buf(), other_seed.path().to_path_buf()],
        pieces.path(),
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("training.seed"), "{err}");

    // Label smoothing, R-drop and random batches change the weights, are recorded in the
    // artifact's config, and stay deterministic.
    let (reg_dir, reg, e) = run_with(7, 1, 0.1, 1.0, true);
    let (_, _, e2) = run_with(7, 1, 0.1, 1.0, true);
    assert!(e == e2, "R-drop with the same seed gave different weights");
    assert!(
        a != e,
        "label smoothing, R-drop and random batches left the weights unchanged"
    );
    assert!(reg.epochs[0].mean_loss.is_finite());
    let config = ArtifactConfig::read(reg_dir.path()).unwrap();
    assert_eq!(
        (
            config.training.label_smoothing,
            config.training.rdrop,
            config.training.random_batches
        ),
        (0.1, 1.0, true)
    );
    TrainedClassifier::load(&base_dir(), reg_dir.path()).expect("load the R-drop artifact");

    let clf = TrainedClassifier::load(&base_dir(), out.path()).expect("load the trained artifact");
    let p = clf
        .classify(&[input(
            "the truce",
            "Ana Ruiz",
            "Ana Ruiz said she supported the truce.",
        )])
        .expect("classify");
    let sum = p[0].favor + p[0].against + p[0].neutral;
    assert!((sum - 1.0).abs() < 1e-4, "{:?}", p[0]);
}

/// Build a tiny random checkpoint of another architecture with candle's own loader (so the
/// tensor names are the ones the loader asks for), then zero the head's weights and set its
/// bias, so the output distribution is known exactly whatever the random body computes.
fn write_tiny_checkpoint(
    dir: &Path,
    config: serde_json::Value,
    head: (&str, &str),
    bias: &[f32],
    build: impl Fn(candle_nn::VarBuilder) -> candle_core::Result<()>,
) {
    let varmap = candle_nn::VarMap::new();
    let vb = candle_nn::VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    build(vb).expect("build the tiny model");
    {
        let data = varmap.data().lock().unwrap();
        let w = data.get(head.0).expect("head weight");
        w.set(&w.as_tensor().zeros_like().unwrap()).unwrap();
        data.get(head.1)
            .expect("head bias")
            .set(&Tensor::new(bias, &Device::Cpu).unwrap())
            .unwrap();
    }
    varmap.save(dir.join("model.safetensors")).expect("save");
    write(&dir.join("config.json"), &config.to_string());
    std::fs::copy(
        base_dir().join("tokenizer.json"),
        dir.join("tokenizer.json"),
    )
    .expect("copy tokenizer");
}

/// DeBERTa-v2/v3 and RoBERTa checkpoints (the architectures of the hub's strong NLI models)
/// load through the same trait and their labels map like BERT's.
#[test]
fn deberta_and_roberta_checkpoints_load() {
    use candle_transformers::models::{debertav2, xlm_roberta};
    let labels = serde_json::json!({"0": "entailment", "1": "neutral", "2": "contradiction"});
    let ln2 = 2f32.ln();

    let d = tempfile::tempdir().unwrap();
    let cfg = serde_json::json!({
        "model_type": "deberta-v2", "vocab_size": 30522, "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 512, "type_vocab_size": 0, "initializer_range": 0.02,
        "layer_norm_eps": 1e-7, "relative_attention": true, "max_relative_positions": -1,
        "pad_token_id": 0, "position_biased_input": false, "pos_att_type": ["p2c", "c2p"],
        "position_buckets": 256, "share_att_key": true, "norm_rel_ebd": "layer_norm",
        "id2label": labels,
    });
    // The loader fills the pooler fields transformers defaults (left out of `cfg` on purpose).
    let mut full = cfg.clone();
    full["pooler_hidden_size"] = 32.into();
    full["pooler_hidden_act"] = "gelu".into();
    full["pooler_dropout"] = 0.0.into();
    let parsed: debertav2::Config = serde_json::from_value(full).unwrap();
    write_tiny_checkpoint(
        d.path(),
        cfg,
        ("classifier.weight", "classifier.bias"),
        &[ln2, 0.0, 0.0],
        |vb| debertav2::DebertaV2SeqClassificationModel::load(vb, &parsed, None).map(|_| ()),
    );
    let clf = SequenceClassifier::load(d.path(), &Device::Cpu).expect("load DeBERTa-v2");
    assert_eq!(clf.scheme(), LabelScheme::Nli);
    let p = clf
        .classify(&[
            input("the toll", "Ana Ruiz", "We back the toll."),
            input(
                "the toll",
                "Ana Ruiz",
                "A longer statement about the toll and the bridge.",
            ),
        ])
        .expect("classify");
    for p in &p {
        assert!(
            (p.favor - 0.5).abs() < 1e-5 && (p.neutral - 0.25).abs() < 1e-5,
            "{p:?}"
        );
    }

    let d = tempfile::tempdir().unwrap();
    let cfg = serde_json::json!({
        "model_type": "roberta", "vocab_size": 30522, "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 514, "type_vocab_size": 1, "layer_norm_eps": 1e-5,
        "id2label": labels,
    });
    let mut full = cfg.clone();
    full["position_embedding_type"] = "absolute".into();
    full["pad_token_id"] = 1.into();
    let parsed: xlm_roberta::Config = serde_json::from_value(full).unwrap();
    write_tiny_checkpoint(
        d.path(),
        cfg,
        ("classifier.out_proj.weight", "classifier.out_proj.bias"),
        &[0.0, 0.0, ln2],
        |vb| xlm_roberta::XLMRobertaForSequenceClassification::new(3, &parsed, vb).map(|_| ()),
    );
    let clf = SequenceClassifier::load(d.path(), &Device::Cpu).expect("load RoBERTa");
    let p = clf
        .classify(&[input("the toll", "Ana Ruiz", "We oppose the toll.")])
        .expect("classify")[0];
    assert!(
        (p.against - 0.5).abs() < 1e-5 && (p.favor - 0.25).abs() < 1e-5,
        "{p:?}"
    );

    // Another architecture is refused by name.
    let d = tempfile::tempdir().unwrap();
    write(
        &d.path().join("config.json"),
        &serde_json::json!({"model_type": "gpt2", "id2label": labels}).to_string(),
    );
    let e = SequenceClassifier::load(d.path(), &Device::Cpu)
        .err()
        .expect("gpt2 refused");
    assert!(e.to_string().contains("gpt2"), "{e}");
}

/// `--flip-targets 100` trains every training statement twice, once toward its target and
/// once toward the reversed target, records the setting in the artifact, and leaves the
/// validation split as written; a percent over 100 is refused.
#[test]
fn flipped_targets_join_the_training_data_only() {
    use parley::stance::classifier::BaseFiles;
    use parley::stance::train::{train, TrainConfig};

    let data = first_statements("policy.jsonl", 40);
    let out = tempfile::tempdir().unwrap();
    let cfg = |flip_targets: u32| TrainConfig {
        out_dir: Some(out.path().to_path_buf()),
        flip_targets,
        rdrop: 0.0,
        epochs: 1,
        layers: 1,
        ..TrainConfig::new(data.path(), BaseFiles::from_dir(&base_dir()))
    };
    let report = train(&cfg(100)).expect("train with flipped targets");
    let trained = 40 - report.validation_examples;
    assert_eq!(report.train_examples, 2 * trained);
    let config = ArtifactConfig::read(out.path()).unwrap();
    assert_eq!(config.training.flip_targets, 100);

    let err = train(&cfg(101)).expect_err("101 percent");
    assert!(err.to_string().contains("--flip-targets"), "{err}");
}
