//! Test and dev-harness support for the summary tests: a MiniLM embedder run with candle
//! (until the model layer's encoder is merged), a small sentence splitter standing in for
//! the text stage, and the dev corpus loader.
//!
//! The splitter lives here, not in `src/summary`: the crate's sentences come from
//! `parley::text`.

#![allow(dead_code)]

use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use parley::model::Embedder;
use parley::report::Span;
use parley::text::Sentence;
use tokenizers::Tokenizer;

/// A directory from an environment variable, or a clear failure.
pub fn env_dir(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) => PathBuf::from(v),
        None => panic!("{var} is not set: point it at the model files (see COMMON.md)"),
    }
}

/// all-MiniLM-L6-v2: mean pooling over the last layer, L2-normalised.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl MiniLm {
    pub fn load(dir: &std::path::Path) -> MiniLm {
        let device = Device::Cpu;
        let config: Config =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap())
                .unwrap();
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json")).unwrap();
        tokenizer
            .with_truncation(Some(tokenizers::TruncationParams {
                max_length: 256,
                ..Default::default()
            }))
            .unwrap();
        tokenizer.with_padding(Some(tokenizers::PaddingParams::default()));
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(
                &[dir.join("model.safetensors")],
                DType::F32,
                &device,
            )
            .unwrap()
        };
        let model = BertModel::load(vb, &config).unwrap();
        MiniLm {
            model,
            tokenizer,
            device,
        }
    }

    /// The default preset's MiniLM, from the model cache (fetched on first use).
    pub fn from_env() -> MiniLm {
        let preset = parley::model::ensure_default_preset(false)
            .unwrap_or_else(|e| panic!("cannot get the default models: {e}"));
        let weights = preset
            .encoder
            .path("model.safetensors")
            .expect("MiniLM weights");
        MiniLm::load(weights.parent().expect("a file has a folder"))
    }

    fn embed_batch(&self, texts: &[&str]) -> candle_core::Result<Vec<Vec<f32>>> {
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(candle_core::Error::msg)?;
        let ids: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<candle_core::Result<_>>()?;
        let mask: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<candle_core::Result<_>>()?;
        let ids = Tensor::stack(&ids, 0)?;
        let mask = Tensor::stack(&mask, 0)?;
        let types = ids.zeros_like()?;
        let out = self.model.forward(&ids, &types, Some(&mask))?;
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = out.broadcast_mul(&m)?.sum(1)?;
        let counts = m.sum(1)?;
        let mean = summed.broadcast_div(&counts)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
        mean.broadcast_div(&norm)?.to_vec2::<f32>()
    }
}

impl Embedder for MiniLm {
    fn embed(&self, texts: &[&str]) -> parley::Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(16) {
            out.extend(self.embed_batch(chunk)?);
        }
        Ok(out)
    }
    fn name(&self) -> &str {
        "all-MiniLM-L6-v2 (test harness)"
    }
}

/// Sentences with character spans: paragraphs at blank lines, sentences at `.!?`
/// (plus a closing quote) before whitespace and an upper-case letter, digit or quote,
/// except after a few abbreviations.
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    const ABBREV: &[&str] = &["Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Col", "Lt", "Prof"];
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut start: Option<usize> = None;
    let mut i = 0;
    let push = |s: usize, e: usize, p: usize, out: &mut Vec<Sentence>| {
        let mut e = e;
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            out.push(Sentence {
                text: chars[s..e].iter().collect(),
                span: Span { start: s, end: e },
                paragraph: p,
            });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if start.is_none() && !c.is_whitespace() {
            start = Some(i);
        }
        // Paragraph break.
        if c == '\n' && chars.get(i + 1) == Some(&'\n') {
            if let Some(s) = start.take() {
                push(s, i, paragraph, &mut out);
            }
            if out
                .last()
                .is_some_and(|l: &Sentence| l.paragraph == paragraph)
            {
                paragraph += 1;
            }
            i += 2;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '"' | '\'') {
                end += 1;
            }
            let next = chars[end..].iter().find(|c| !c.is_whitespace());
            let boundary = end == chars.len()
                || (chars[end].is_whitespace()
                    && next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || *n == '"'));
            let s0 = start.unwrap_or(i);
            let word: String = chars[s0..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphabetic())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if boundary && !(c == '.' && ABBREV.contains(&word.as_str())) {
                if let Some(s) = start.take() {
                    push(s, end, paragraph, &mut out);
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        push(s, chars.len(), paragraph, &mut out);
    }
    out
}

/// Spans of text between straight double quotes, per paragraph.
pub fn quoted_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            // A quote left open at a paragraph end runs to it (multi-paragraph quotes reopen).
            if let Some(s) = open.take() {
                out.push(Span { start: s, end: i });
            }
        }
        if c == '"' {
            match open.take() {
                Some(s) => out.push(Span {
                    start: s,
                    end: i + 1,
                }),
                None => open = Some(i),
            }
        }
    }
    if let Some(s) = open {
        out.push(Span {
            start: s,
            end: chars.len(),
        });
    }
    out
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
