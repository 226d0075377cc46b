//! The generator: a decoder-only language model from one GGUF file, run with
//! candle-transformers' quantized models (`llama`, which covers SmolLM2, and `qwen2`).
//!
//! It owns the KV cache, sampling, stop conditions, streaming text out, ChatML prompt
//! rendering from the file's chat template, and scoring continuations by log-probability.
//! The tokenizer comes from the same file (see `gguf_tokenizer`). It does not decide what to
//! ask the model (the summary and stance stages do) and is not shared between threads: every
//! call takes `&mut self` because the KV cache is state, so one owner serialises requests.

use std::fs::File;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{DType, Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::{quantized_llama, quantized_qwen2};

use crate::model::gguf_tokenizer::{GgufTokenizer, Utf8Stream};
use crate::{Error, Result};

/// How to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Most new tokens to produce.
    pub max_tokens: usize,
    /// Sampling temperature; 0 means greedy (argmax), which is deterministic.
    pub temperature: f64,
    /// Nucleus sampling mass (e.g. 0.9); `None` samples from the whole distribution.
    /// Ignored when greedy.
    pub top_p: Option<f64>,
    /// Seed for sampling; the same seed and options give the same text.
    pub seed: u64,
    /// Stop before the first occurrence of any of these strings (not included in the text).
    pub stop: Vec<String>,
    /// Divide (positive) or multiply (negative) the logits of recently produced tokens by
    /// this; 1.0 turns it off. Counters loops in small models.
    pub repeat_penalty: f32,
    /// How many recent tokens (prompt included) the repeat penalty looks at.
    pub repeat_last_n: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            max_tokens: 256,
            temperature: 0.0,
            top_p: None,
            seed: 42,
            stop: Vec::new(),
            repeat_penalty: 1.0,
            repeat_last_n: 64,
        }
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The model produced an end-of-generation token (EOS, `<|im_end|>`, …).
    EndOfText,
    /// A stop string appeared.
    StopString,
    /// `max_tokens` new tokens were produced.
    MaxTokens,
    /// The callback asked to stop.
    Callback,
    /// The context window is full.
    ContextFull,
}

/// What a generation produced, with timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The new text (stop string and end-of-text marker excluded).
    pub text: String,
    /// The new token ids (end-of-text marker excluded).
    pub tokens: Vec<u32>,
    /// Number of prompt tokens.
    pub prompt_tokens: usize,
    /// Time to process the prompt and produce the first logits.
    pub prefill_ms: f64,
    /// Time for all decoding steps after the prefill.
    pub decode_ms: f64,
    pub stop_reason: StopReason,
}

/// The candle model behind the generator, by GGUF architecture.
enum Weights {
    Llama(quantized_llama::ModelWeights),
    Qwen2(quantized_qwen2::ModelWeights),
}

impl Weights {
    fn forward(&mut self, x: &Tensor, pos: usize) -> candle_core::Result<Tensor> {
        match self {
            Weights::Llama(m) => m.forward(x, pos),
            Weights::Qwen2(m) => m.forward(x, pos),
        }
    }

    fn clear(&mut self) {
        match self {
            Weights::Llama(m) => m.clear_kv_cache(),
            Weights::Qwen2(m) => m.clear_kv_cache(),
        }
    }

    /// A copy sharing the weights and the current KV cache, when the model type allows it.
    /// candle's caches are immutable tensors that each step replaces (by concatenation), so a
    /// copy taken after the prompt is a checkpoint to return to.
    fn checkpoint(&self) -> Option<Weights> {
        match self {
            Weights::Llama(m) => Some(Weights::Llama(m.clone())),
            // candle's quantized qwen2 ModelWeights is not Clone: re-run the prompt instead.
            Weights::Qwen2(_) => None,
        }
    }
}

/// A loaded GGUF language model and its tokenizer.
pub struct Generator {
    weights: Weights,
    tokenizer: GgufTokenizer,
    device: Device,
    arch: String,
    name: String,
    context_length: usize,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("name", &self.name)
            .field("arch", &self.arch)
            .field("context_length", &self.context_length)
            .finish()
    }
}

fn meta_u32(ct: &gguf_file::Content, key: &str) -> Option<usize> {
    ct.metadata
        .get(key)
        .and_then(|v| v.to_u32().ok())
        .map(|v| v as usize)
}

/// How to load a GGUF file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// On the CPU, convert weights in formats that candle 0.11 multiplies with scalar code
    /// only (Q4_1, Q5_0, Q5_1) to Q8_0, which has SIMD kernels. Measured on SmolLM2-135M
    /// Q4_1: prefill 3.9x and decoding 1.5x faster, weights 1.8x larger. Q8_0's step is about
    /// 1/8 of Q4_1's, so this adds rounding noise: continuation log-probabilities move by
    /// ~0.05 nat per token (more for very unlikely tokens), greedy text agrees except at
    /// near-ties. Default on; turn off to reproduce the file's exact arithmetic.
    pub cpu_requantize: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            cpu_requantize: true,
        }
    }
}

/// Formats whose CPU matmul is scalar in candle 0.11 (no AVX/NEON `vec_dot`).
fn slow_on_cpu(dtype: GgmlDType) -> bool {
    matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1)
}

/// An in-memory GGUF with the same metadata and slow-format tensors converted to Q8_0, or
/// `None` when no tensor needs it. candle's model constructors read from a GGUF reader, so
/// the converted tensors go through one.
fn requantize_for_cpu(
    ct: &gguf_file::Content,
    file: &mut File,
) -> candle_core::Result<Option<Cursor<Vec<u8>>>> {
    if !ct.tensor_infos.values().any(|t| slow_on_cpu(t.ggml_dtype)) {
        return Ok(None);
    }
    let mut names: Vec<&String> = ct.tensor_infos.keys().collect();
    names.sort();
    let mut tensors = Vec::with_capacity(names.len());
    for name in names {
        let q = ct.tensor(file, name, &Device::Cpu)?;
        let q = if slow_on_cpu(q.dtype()) {
            QTensor::quantize(&q.dequantize(&Device::Cpu)?, GgmlDType::Q8_0)?
        } else {
            q
        };
        tensors.push((name.as_str(), q));
    }
    let metadata: Vec<(&str, &Value)> = ct.metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, q)| (*n, q)).collect();
    let mut buf = Cursor::new(Vec::new());
    gguf_file::write(&mut buf, &metadata, &refs)?;
    buf.set_position(0);
    Ok(Some(buf))
}

/// Build the candle model for `arch` from a GGUF reader; returns it with its context length.
fn build_weights<R: Read + Seek>(
    arch: &str,
    ct: gguf_file::Content,
    reader: &mut R,
    device: &Device,
) -> candle_core::Result<Option<(Weights, usize)>> {
    Ok(match arch {
        "llama" => {
            // candle's llama precomputes rotary tables for MAX_SEQ_LEN positions only.
            let ctx = meta_u32(&ct, "llama.context_length")
                .unwrap_or(quantized_llama::MAX_SEQ_LEN)
                .min(quantized_llama::MAX_SEQ_LEN);
            let w = quantized_llama::ModelWeights::from_gguf(ct, reader, device)?;
            Some((Weights::Llama(w), ctx))
        }
        "qwen2" => {
            let ctx = meta_u32(&ct, "qwen2.context_length").unwrap_or(4096);
            let w = quantized_qwen2::ModelWeights::from_gguf(ct, reader, device)?;
            Some((Weights::Qwen2(w), ctx))
        }
        _ => None,
    })
}

impl Generator {
    /// Load a GGUF model onto `device` with default [`LoadOptions`].
    ///
    /// # Errors
    /// `Io` when the file cannot be opened; `ModelUnavailable` when it is not GGUF, its
    /// architecture or tokenizer is unsupported, or tensors are missing.
    pub fn load(gguf_path: &Path, device: &Device) -> Result<Generator> {
        Self::load_with(gguf_path, device, LoadOptions::default())
    }

    /// Load a GGUF model onto `device`.
    ///
    /// # Errors
    /// As [`load`](Self::load).
    pub fn load_with(gguf_path: &Path, device: &Device, opts: LoadOptions) -> Result<Generator> {
        let mut file = File::open(gguf_path)
            .map_err(|e| Error::io(format!("open {}", gguf_path.display()), e))?;
        let ct = gguf_file::Content::read(&mut file).map_err(|e| {
            Error::ModelUnavailable(format!("{} is not a GGUF file: {e}", gguf_path.display()))
        })?;
        let arch = ct
            .metadata
            .get("general.architecture")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .ok_or_else(|| {
                Error::ModelUnavailable(format!(
                    "{}: GGUF metadata has no general.architecture",
                    gguf_path.display()
                ))
            })?;
        if !matches!(arch.as_str(), "llama" | "qwen2") {
            return Err(Error::ModelUnavailable(format!(
                "{}: GGUF architecture {arch:?} is not supported (supported: llama, qwen2)",
                gguf_path.display()
            )));
        }
        let name = ct
            .metadata
            .get("general.name")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .unwrap_or_else(|| arch.clone());
        let tokenizer = GgufTokenizer::from_gguf(&ct)?;
        let bad = |e: candle_core::Error| {
            Error::ModelUnavailable(format!("{}: {e}", gguf_path.display()))
        };
        let requantized = if device.is_cpu() && opts.cpu_requantize {
            requantize_for_cpu(&ct, &mut file).map_err(bad)?
        } else {
            None
        };
        let built = match requantized {
            Some(mut buf) => {
                tracing::debug!(model = %name, "converted Q4_1/Q5 weights to Q8_0 for the CPU");
                let ct = gguf_file::Content::read(&mut buf).map_err(bad)?;
                build_weights(&arch, ct, &mut buf, device)
            }
            None => build_weights(&arch, ct, &mut file, device),
        };
        let (weights, context_length) = built
            .map_err(bad)?
            .expect("the architecture was checked above");
        Ok(Generator {
            weights,
            tokenizer,
            device: device.clone(),
            arch,
            name,
            context_length,
        })
    }

    /// The model's name from the GGUF metadata (`general.name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The GGUF architecture (`llama`, `qwen2`).
    pub fn arch(&self) -> &str {
        &self.arch
    }

    /// The most positions (prompt plus new tokens) one sequence may use.
    pub fn context_length(&self) -> usize {
        self.context_length
    }

    pub fn tokenizer(&self) -> &GgufTokenizer {
        &self.tokenizer
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Prompt token ids (BOS first when the model wants it).
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>> {
        self.tokenizer.encode_prompt(text)
    }

    /// Forget the KV cache. Every public entry point starts from a clear cache; this is for
    /// callers driving [`forward_tokens`](Self::forward_tokens) themselves.
    pub fn clear_cache(&mut self) {
        self.weights.clear();
    }

    /// Run `tokens` at positions `pos..pos + tokens.len()`, extending the KV cache, and
    /// return the logits after the last token. `pos` must equal the number of tokens already
    /// in the cache (0 after [`clear_cache`](Self::clear_cache)). For benchmarks and tests:
    /// time a prefill with many tokens at 0, a decode step with one token.
    ///
    /// # Errors
    /// `InvalidInput` for no tokens, an unknown id or a sequence past the context length.
    pub fn forward_tokens(&mut self, tokens: &[u32], pos: usize) -> Result<Vec<f32>> {
        self.check_tokens(tokens, pos)?;
        let x = Tensor::new(tokens, &self.device)?.unsqueeze(0)?;
        let logits = self.weights.forward(&x, pos)?;
        Ok(logits.squeeze(0)?.to_dtype(DType::F32)?.to_vec1::<f32>()?)
    }

    fn check_tokens(&self, tokens: &[u32], pos: usize) -> Result<()> {
        if tokens.is_empty() {
            return Err(Error::InvalidInput("no tokens to run".into()));
        }
        if pos + tokens.len() > self.context_length {
            return Err(Error::InvalidInput(format!(
                "{} tokens at position {pos} exceed the context length {}",
                tokens.len(),
                self.context_length
            )));
        }
        let vocab = self.tokenizer.vocab_size() as u32;
        if let Some(bad) = tokens.iter().find(|&&t| t >= vocab) {
            return Err(Error::InvalidInput(format!(
                "token id {bad} outside vocab of {vocab}"
            )));
        }
        Ok(())
    }

    fn step(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor> {
        self.check_tokens(tokens, pos)?;
        let x = Tensor::new(tokens, &self.device)?.unsqueeze(0)?;
        Ok(self
            .weights
            .forward(&x, pos)?
            .squeeze(0)?
            .to_dtype(DType::F32)?)
    }

    /// Continue `prompt` (raw text; control-token text such as `<|im_start|>` is parsed as
    /// markup). `on_token` receives the text as it becomes final, never a partial UTF-8
    /// character or the start of a stop string; it returns false to stop.
    ///
    /// # Errors
    /// `InvalidInput` when the prompt is empty or does not fit the context; `Inference` when
    /// the model fails.
    pub fn generate(
        &mut self,
        prompt: &str,
        opts: &GenerateOptions,
        on_token: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        let prompt_ids = self.tokenize(prompt)?;
        self.generate_ids(&prompt_ids, opts, on_token)
    }

    /// [`generate`](Self::generate) from prompt token ids.
    ///
    /// # Errors
    /// As [`generate`](Self::generate); `InvalidInput` also for an id outside the vocabulary.
    pub fn generate_ids(
        &mut self,
        prompt_ids: &[u32],
        opts: &GenerateOptions,
        on_token: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        if prompt_ids.is_empty() {
            return Err(Error::InvalidInput("the prompt has no tokens".into()));
        }
        if prompt_ids.len() >= self.context_length {
            return Err(Error::InvalidInput(format!(
                "the prompt has {} tokens; the model's context holds {}",
                prompt_ids.len(),
                self.context_length
            )));
        }
        if opts.stop.iter().any(String::is_empty) {
            return Err(Error::InvalidInput("empty stop string".into()));
        }
        let sampling = if opts.temperature <= 0.0 {
            Sampling::ArgMax
        } else {
            match opts.top_p {
                Some(p) if p > 0.0 && p < 1.0 => Sampling::TopP {
                    p,
                    temperature: opts.temperature,
                },
                _ => Sampling::All {
                    temperature: opts.temperature,
                },
            }
        };
        let mut sampler = LogitsProcessor::from_sampling(opts.seed, sampling);

        self.weights.clear();
        let t0 = Instant::now();
        let mut logits = self.step(prompt_ids, 0)?;
        let prefill_ms = t0.elapsed().as_secs_f64() * 1e3;

        let t1 = Instant::now();
        let mut stream = Utf8Stream::new();
        let mut history = prompt_ids.to_vec();
        let mut tokens = Vec::new();
        let mut text = String::new();
        let mut emitted = 0usize;
        let mut pos = prompt_ids.len();
        let stop_reason = loop {
            if tokens.len() >= opts.max_tokens {
                break StopReason::MaxTokens;
            }
            if opts.repeat_penalty != 1.0 {
                let start = history.len().saturating_sub(opts.repeat_last_n);
                logits = candle_transformers::utils::apply_repeat_penalty(
                    &logits,
                    opts.repeat_penalty,
                    &history[start..],
                )?;
            }
            let next = sampler.sample(&logits)?;
            if self.tokenizer.is_end_of_generation(next) {
                break StopReason::EndOfText;
            }
            tokens.push(next);
            history.push(next);
            text.push_str(&stream.push(self.tokenizer.token_bytes(next, true)?));

            if let Some(cut) = find_stop(&text, &opts.stop) {
                text.truncate(cut);
                if emitted < text.len() {
                    on_token(&text[emitted..]);
                }
                emitted = text.len();
                break StopReason::StopString;
            }
            let safe = text.len() - stop_prefix_len(&text, &opts.stop);
            if safe > emitted {
                let keep_going = on_token(&text[emitted..safe]);
                emitted = safe;
                if !keep_going {
                    break StopReason::Callback;
                }
            }
            if pos + 1 >= self.context_length {
                break StopReason::ContextFull;
            }
            logits = self.step(&[next], pos)?;
            pos += 1;
        };
        if !matches!(stop_reason, StopReason::StopString | StopReason::Callback) {
            text.push_str(&stream.finish());
            if emitted < text.len() {
                on_token(&text[emitted..]);
            }
        }
        let decode_ms = t1.elapsed().as_secs_f64() * 1e3;
        self.weights.clear();
        Ok(Generation {
            text,
            tokens,
            prompt_tokens: prompt_ids.len(),
            prefill_ms,
            decode_ms,
            stop_reason,
        })
    }

    fn chat_parts(&self, system: Option<&str>, user: &str) -> Result<Vec<ChatPart>> {
        let mut messages = Vec::new();
        if let Some(s) = system {
            messages.push(("system", s));
        }
        messages.push(("user", user));
        chatml_parts(
            self.tokenizer.chat_template(),
            self.tokenizer.token_id(IM_START).is_some(),
            &messages,
        )
    }

    /// The prompt for a one-turn chat, rendered as the model's chat template asks (ChatML).
    ///
    /// # Errors
    /// `ModelUnavailable` when the model's template is not ChatML.
    pub fn chat_prompt(&self, system: Option<&str>, user: &str) -> Result<String> {
        Ok(concat_parts(&self.chat_parts(system, user)?))
    }

    /// The token ids of [`chat_prompt`](Self::chat_prompt). They equal tokenising the rendered
    /// prompt, except that marker text inside `system` or `user` (an article quoting
    /// `<|im_end|>`) stays literal text instead of becoming a marker.
    ///
    /// # Errors
    /// `ModelUnavailable` when the model's template is not ChatML or lacks the marker tokens.
    pub fn chat_prompt_ids(&self, system: Option<&str>, user: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        if self.tokenizer.add_bos() {
            ids.extend(self.tokenizer.bos_id());
        }
        for part in self.chat_parts(system, user)? {
            match part {
                ChatPart::Marker(m) => ids.push(self.tokenizer.token_id(m).ok_or_else(|| {
                    Error::ModelUnavailable(format!("the vocabulary has no {m} token"))
                })?),
                ChatPart::Text(t) => ids.extend(self.tokenizer.encode_text(&t)?),
            }
        }
        Ok(ids)
    }

    /// One chat turn: render the prompt with the model's template and generate the reply.
    ///
    /// # Errors
    /// As [`chat_prompt_ids`](Self::chat_prompt_ids) and [`generate`](Self::generate).
    pub fn chat(
        &mut self,
        system: Option<&str>,
        user: &str,
        opts: &GenerateOptions,
        on_token: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        let ids = self.chat_prompt_ids(system, user)?;
        self.generate_ids(&ids, opts, on_token)
    }

    /// The total log-probability (natural log) of each continuation after `prompt`, summed
    /// over all of its tokens. The prompt is run once; each continuation starts from a copy
    /// of the prompt's KV cache. Continuations are tokenised on their own (so put the leading
    /// space in the continuation, e.g. `" yes"`, not at the end of the prompt).
    ///
    /// # Errors
    /// `InvalidInput` when the prompt or a continuation has no tokens, or they do not fit the
    /// context; `Inference` when the model fails.
    pub fn score_continuations(
        &mut self,
        prompt: &str,
        continuations: &[&str],
    ) -> Result<Vec<f32>> {
        let prompt_ids = self.tokenize(prompt)?;
        if prompt_ids.is_empty() {
            return Err(Error::InvalidInput("the prompt has no tokens".into()));
        }
        let conts = continuations
            .iter()
            .map(|c| {
                let ids = self.tokenizer.encode(c)?;
                if ids.is_empty() {
                    return Err(Error::InvalidInput(format!(
                        "continuation {c:?} has no tokens"
                    )));
                }
                if prompt_ids.len() + ids.len() > self.context_length {
                    return Err(Error::InvalidInput(format!(
                        "prompt and continuation {c:?} exceed the context length {}",
                        self.context_length
                    )));
                }
                Ok(ids)
            })
            .collect::<Result<Vec<_>>>()?;
        if conts.is_empty() {
            return Ok(Vec::new());
        }
        self.weights.clear();
        let first = log_softmax(&self.step(&prompt_ids, 0)?.to_vec1::<f32>()?);
        let checkpoint = self.weights.checkpoint();
        let mut scores = Vec::with_capacity(conts.len());
        for ids in &conts {
            match &checkpoint {
                Some(c) => self.weights = c.checkpoint().expect("a checkpoint can be copied"),
                None => {
                    self.weights.clear();
                    self.step(&prompt_ids, 0)?;
                }
            }
            let mut total = first[ids[0] as usize];
            // Token i of the continuation sits at position prompt_len + i; feeding it gives the
            // distribution of token i + 1.
            for (pos, w) in (prompt_ids.len()..).zip(ids.windows(2)) {
                let lp = log_softmax(&self.step(&[w[0]], pos)?.to_vec1::<f32>()?);
                total += lp[w[1] as usize];
            }
            scores.push(total as f32);
        }
        self.weights.clear();
        Ok(scores)
    }
}

/// Log-softmax in f64: continuation scores sum many small terms.
fn log_softmax(logits: &[f32]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let sum: f64 = logits.iter().map(|&l| (l as f64 - max).exp()).sum();
    let log_z = max + sum.ln();
    logits.iter().map(|&l| l as f64 - log_z).collect()
}

/// Byte index of the earliest stop string in `text`.
fn find_stop(text: &str, stops: &[String]) -> Option<usize> {
    stops.iter().filter_map(|s| text.find(s.as_str())).min()
}

/// Length of the longest tail of `text` that is a proper start of some stop string: that
/// much must be held back until the next token shows whether the stop string completes.
fn stop_prefix_len(text: &str, stops: &[String]) -> usize {
    let mut best = 0;
    for s in stops {
        let max = s.len().saturating_sub(1).min(text.len());
        for k in (best + 1..=max).rev() {
            if text.as_bytes().ends_with(&s.as_bytes()[..k]) {
                best = k;
                break;
            }
        }
    }
    best
}

const IM_START: &str = "<|im_start|>";
const IM_END: &str = "<|im_end|>";

/// A piece of a rendered chat prompt: a ChatML marker (one control token) or text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ChatPart {
    Marker(&'static str),
    Text(String),
}

fn concat_parts(parts: &[ChatPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            ChatPart::Marker(m) => *m,
            ChatPart::Text(t) => t.as_str(),
        })
        .collect()
}

/// Render chat messages for a ChatML template (`<|im_start|>role\n…<|im_end|>\n`), ending
/// with the assistant's opening line.
///
/// Templates that insert a default system message when none is given (SmolLM2, Qwen2) get
/// it: the text is read from the template's literal `<|im_start|>system\n…<|im_end|>`. With no
/// template at all, ChatML is assumed when the vocabulary has `<|im_start|>`.
///
/// # Errors
/// `ModelUnavailable` for a template that is not ChatML (or none, without ChatML tokens).
pub fn render_chatml(
    template: Option<&str>,
    vocab_has_chatml: bool,
    messages: &[(&str, &str)],
) -> Result<String> {
    Ok(concat_parts(&chatml_parts(
        template,
        vocab_has_chatml,
        messages,
    )?))
}

fn chatml_parts(
    template: Option<&str>,
    vocab_has_chatml: bool,
    messages: &[(&str, &str)],
) -> Result<Vec<ChatPart>> {
    let default_system = match template {
        Some(t) if t.contains(IM_START) => default_system_prompt(t),
        None if vocab_has_chatml => None,
        Some(_) => {
            return Err(Error::ModelUnavailable(
                "the model's chat template is not ChatML; only ChatML chat is implemented \
                 (use generate() with a prompt formatted for the model)"
                    .into(),
            ))
        }
        None => {
            return Err(Error::ModelUnavailable(
                "the model has no chat template and no ChatML tokens".into(),
            ))
        }
    };
    let mut turns: Vec<(&str, &str)> = Vec::new();
    if messages.first().map(|m| m.0) != Some("system") {
        if let Some(s) = default_system.as_deref() {
            turns.push(("system", s));
        }
    }
    turns.extend_from_slice(messages);
    let mut parts = Vec::new();
    for (role, content) in turns {
        parts.push(ChatPart::Marker(IM_START));
        parts.push(ChatPart::Text(format!("{role}\n{content}")));
        parts.push(ChatPart::Marker(IM_END));
        parts.push(ChatPart::Text("\n".to_string()));
    }
    parts.push(ChatPart::Marker(IM_START));
    parts.push(ChatPart::Text("assistant\n".to_string()));
    Ok(parts)
}

/// The default system message a ChatML template inserts, if it has one: the first literal
/// `<|im_start|>system\n…<|im_end|>` whose text has no template syntax in it.
fn default_system_prompt(template: &str) -> Option<String> {
    const OPEN: &str = "<|im_start|>system\n";
    let mut rest = template;
    while let Some(i) = rest.find(OPEN) {
        let after = &rest[i + OPEN.len()..];
        if let Some(j) = after.find("<|im_end|>") {
            let body = &after[..j];
            if !body.contains(['\'', '"', '{', '}', '<']) && !body.is_empty() {
                return Some(body.to_string());
            }
        }
        rest = after;
    }
    None
}

/// A generator loaded on first use and shared by every part of the engine that needs it
/// (the abstractive summary, the LLM stance scorer): one copy of the weights, one caller
/// at a time (the KV cache is per call).
pub struct SharedGenerator {
    id: String,
    path: PathBuf,
    device: Device,
    loaded: Mutex<Option<Generator>>,
}

/// Exclusive use of a loaded [`SharedGenerator`].
pub struct GeneratorGuard<'a>(MutexGuard<'a, Option<Generator>>);

impl std::ops::Deref for GeneratorGuard<'_> {
    type Target = Generator;
    fn deref(&self) -> &Generator {
        self.0
            .as_ref()
            .expect("a guard is only made for a loaded generator")
    }
}

impl std::ops::DerefMut for GeneratorGuard<'_> {
    fn deref_mut(&mut self) -> &mut Generator {
        self.0
            .as_mut()
            .expect("a guard is only made for a loaded generator")
    }
}

impl SharedGenerator {
    /// Remember where the GGUF file is; nothing is read until [`lock`](Self::lock).
    pub fn new(id: impl Into<String>, path: impl Into<PathBuf>, device: Device) -> Self {
        SharedGenerator {
            id: id.into(),
            path: path.into(),
            device,
            loaded: Mutex::new(None),
        }
    }

    /// The catalog id of the model.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The generator, loading it on first use; blocks while another caller has it.
    ///
    /// # Errors
    /// What [`Generator::load`] returns; `Inference` when an earlier user panicked.
    pub fn lock(&self) -> Result<GeneratorGuard<'_>> {
        let mut guard = self
            .loaded
            .lock()
            .map_err(|_| Error::Inference("the generator panicked earlier".into()))?;
        if guard.is_none() {
            let t = std::time::Instant::now();
            *guard = Some(Generator::load(&self.path, &self.device)?);
            tracing::info!(
                model = %self.id,
                ms = t.elapsed().as_millis() as u64,
                "generator loaded"
            );
        }
        Ok(GeneratorGuard(guard))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOL_TEMPLATE: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn chatml_with_default_system() {
        let p = render_chatml(Some(SMOL_TEMPLATE), true, &[("user", "Hi")]).unwrap();
        assert_eq!(
            p,
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn chatml_with_given_system() {
        let p = render_chatml(
            Some(SMOL_TEMPLATE),
            true,
            &[("system", "Be brief."), ("user", "Hi")],
        )
        .unwrap();
        assert_eq!(
            p,
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn template_without_default_system() {
        let t = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\n' + m['content'] + '<|im_end|>\n'}}{% endfor %}";
        let p = render_chatml(Some(t), true, &[("user", "Hi")]).unwrap();
        assert_eq!(p, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        let p = render_chatml(None, true, &[("user", "Hi")]).unwrap();
        assert_eq!(p, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    #[test]
    fn non_chatml_templates_are_refused() {
        let llama3 = "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}";
        let err = render_chatml(Some(llama3), false, &[("user", "Hi")]).unwrap_err();
        assert!(err.to_string().contains("not ChatML"), "{err}");
        assert!(render_chatml(None, false, &[("user", "Hi")]).is_err());
    }

    #[test]
    fn stop_prefix_holds_back_partial_stop_strings() {
        let stops = vec!["\n\nQ:".to_string(), "END".to_string()];
        assert_eq!(stop_prefix_len("hello", &stops), 0);
        assert_eq!(stop_prefix_len("hello\n", &stops), 1);
        assert_eq!(stop_prefix_len("hello\n\n", &stops), 2);
        assert_eq!(stop_prefix_len("hello\n\nQ", &stops), 3);
        assert_eq!(stop_prefix_len("the EN", &stops), 2);
        assert_eq!(find_stop("a END b \n\nQ:", &stops), Some(2));
        assert_eq!(find_stop("nothing", &stops), None);
        // A multi-byte character is held back whole.
        assert_eq!(stop_prefix_len("café", &["é!".to_string()]), 2);
    }

    #[test]
    fn log_softmax_sums_to_one() {
        let lp = log_softmax(&[1.0, 2.0, 3.0, -1e4]);
        let total: f64 = lp.iter().map(|l| l.exp()).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(lp[2] > lp[1] && lp[1] > lp[0]);
    }

    #[test]
    fn missing_file_is_io_error() {
        let err = Generator::load(Path::new("/nonexistent/model.gguf"), &Device::Cpu).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
    }

    #[test]
    fn non_gguf_file_is_refused() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, b"not a gguf file at all").unwrap();
        let err = Generator::load(f.path(), &Device::Cpu).unwrap_err();
        assert!(err.to_string().contains("not a GGUF file"), "{err}");
    }
}
