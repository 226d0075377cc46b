//! Test and dev-harness support for the summary tests: the default preset's encoder and
//! generator from the model store, the text stage's sentences and quotes, and the dev
//! corpus loader.

#![allow(dead_code)]

use std::path::PathBuf;

use candle_core::Device;
use parley::model::encoder::{Encoder, EncoderFiles};
use parley::report::Span;
use parley::text::Sentence;

/// A directory from an environment variable, or a clear failure.
pub fn env_dir(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) => PathBuf::from(v),
        None => panic!("{var} is not set: point it at the model files (see COMMON.md)"),
    }
}

/// The default preset's models, from the model cache (fetched on first use).
fn preset() -> parley::model::store::ResolvedPreset {
    parley::model::ensure_default_preset(false)
        .unwrap_or_else(|e| panic!("cannot get the default models: {e}"))
}

/// The model layer's MiniLM encoder (the default preset's).
pub struct MiniLm;

impl MiniLm {
    pub fn from_env() -> Encoder {
        let preset = preset();
        let weights = preset
            .encoder
            .path("model.safetensors")
            .expect("MiniLM weights");
        let dir = weights.parent().expect("a file has a folder");
        Encoder::load(&EncoderFiles::from_dir(dir), &Device::Cpu)
            .unwrap_or_else(|e| panic!("cannot load MiniLM from {}: {e}", dir.display()))
    }
}

/// The default preset's generator GGUF (SmolLM2-135M-Instruct).
pub fn generator_gguf() -> PathBuf {
    preset()
        .generator
        .single_file()
        .expect("generator file")
        .to_path_buf()
}

/// The text stage's sentences and the spans of its direct quotes (as the engine passes them).
pub fn analyze(text: &str) -> (Vec<Sentence>, Vec<Span>) {
    let a = parley::text::analyze_text(text);
    let quoted = a
        .speakers
        .iter()
        .flat_map(|s| s.statements.iter())
        .filter(|s| s.kind == parley::report::StatementKind::Direct)
        .map(|s| s.span)
        .collect();
    (a.sentences, quoted)
}

/// Sentence texts of a short text (reference summaries, generated text).
pub fn sentence_texts(text: &str) -> Vec<String> {
    parley::text::analyze_text(text)
        .sentences
        .into_iter()
        .map(|s| s.text)
        .collect()
}

/// The text of a span.
pub fn span_text(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

/// One dev-corpus article (the fields the summary harness needs).
#[derive(Debug, serde::Deserialize)]
pub struct DevArticle {
    pub id: String,
    pub title: String,
    pub text: String,
    pub target: String,
    pub reference_summary: String,
    pub key_facts: Vec<String>,
    pub speakers: Vec<DevSpeaker>,
}

#[derive(Debug, serde::Deserialize)]
pub struct DevSpeaker {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    pub stance: String,
    pub strength: u8,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// All articles in a corpus directory, by file name.
pub fn load_corpus(dir: &std::path::Path) -> Vec<DevArticle> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}
