//! The tokenizer of a GGUF language model, rebuilt from the file's own metadata
//! (`tokenizer.ggml.*`), so a GGUF file is the only thing a generator needs.
//!
//! It owns: byte-level BPE (`tokenizer.ggml.model = "gpt2"`) with the pre-tokenizer named by
//! `tokenizer.ggml.pre` (as llama.cpp maps those names), control and user-defined tokens as
//! atomic added tokens (so `<|im_start|>` is one id), special ids (BOS/EOS/PAD and the
//! end-of-generation set), the chat template, and a streaming decoder that never splits a
//! UTF-8 character. It does not own chat rendering (see `generator`) and does not support
//! SentencePiece vocabularies (`tokenizer.ggml.model = "llama"`, e.g. Gemma): those get a
//! clear error.

use std::collections::HashMap;

use candle_core::quantized::gguf_file::{Content, Value};
use tokenizers::models::bpe::{Merges, Vocab, BPE};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, PreTokenizerWrapper, SplitDelimiterBehavior, Tokenizer};

use crate::{Error, Result};

// GGUF token types (llama.cpp's `llama_token_type`).
const TOKEN_TYPE_CONTROL: i64 = 3;
const TOKEN_TYPE_USER_DEFINED: i64 = 4;

/// Pre-tokenizer regexes for `tokenizer.ggml.pre` values, as llama.cpp's `llm_tokenizer_bpe`
/// defines them (the llama.cpp names are what converters write into GGUF files).
const LLAMA3_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const QWEN2_REGEX: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// How `tokenizer.ggml.pre` says text is split before BPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreKind {
    /// GPT-2's regex (ByteLevel's own).
    Gpt2,
    /// Each digit alone, then GPT-2's regex (StarCoder, SmolLM).
    DigitsThenGpt2,
    /// Llama 3's regex (numbers in groups of up to three), merges ignored for whole-word hits.
    Llama3,
    /// Qwen2's regex (single digits).
    Qwen2,
}

fn pre_kind(pre: Option<&str>) -> Result<PreKind> {
    Ok(match pre.unwrap_or("default") {
        "default" | "gpt2" | "gpt-2" | "phi-2" | "jina-es" | "jina-de" | "jais" | "olmo"
        | "poro-chat" | "viking" | "bloom" | "gpt3-finnish" => PreKind::Gpt2,
        "smollm" | "starcoder" | "refact" | "command-r" | "codeshell" | "exaone" | "minerva-7b" => {
            PreKind::DigitsThenGpt2
        }
        "llama3" | "llama-v3" | "llama-bpe" | "falcon3" | "pixtral" => PreKind::Llama3,
        "qwen2" | "qwen2.5" | "qwen-2.5" | "deepseek-r1-qwen" => PreKind::Qwen2,
        other => {
            return Err(Error::ModelUnavailable(format!(
                "GGUF tokenizer.ggml.pre = {other:?} is not supported (known: gpt2, smollm, \
                 starcoder, llama3, qwen2 and their aliases)"
            )))
        }
    })
}

/// A GGUF model's tokenizer. Cheap to share; encoding and decoding take `&self`.
#[derive(Clone)]
pub struct GgufTokenizer {
    inner: Tokenizer,
    /// The same tokenizer with control-token matching off, for untrusted text.
    plain: Tokenizer,
    /// The raw bytes each id stands for (byte-level symbols undone; control and
    /// user-defined tokens as their text).
    bytes: Vec<Vec<u8>>,
    control: Vec<bool>,
    bos: Option<u32>,
    eos: Option<u32>,
    pad: Option<u32>,
    add_bos: bool,
    eog: Vec<u32>,
    chat_template: Option<String>,
}

impl std::fmt::Debug for GgufTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GgufTokenizer")
            .field("vocab", &self.bytes.len())
            .field("bos", &self.bos)
            .field("eos", &self.eos)
            .field("eog", &self.eog)
            .finish()
    }
}

fn md<'a>(ct: &'a Content, key: &str) -> Option<&'a Value> {
    ct.metadata.get(key)
}

fn md_str<'a>(ct: &'a Content, key: &str) -> Result<Option<&'a str>> {
    md(ct, key)
        .map(|v| {
            v.to_string()
                .map(String::as_str)
                .map_err(|e| bad_meta(key, e))
        })
        .transpose()
}

fn md_u32(ct: &Content, key: &str) -> Result<Option<u32>> {
    md(ct, key)
        .map(|v| match v {
            Value::U32(x) => Ok(*x),
            Value::I32(x) if *x >= 0 => Ok(*x as u32),
            Value::U64(x) if *x <= u32::MAX as u64 => Ok(*x as u32),
            Value::I64(x) if (0..=u32::MAX as i64).contains(x) => Ok(*x as u32),
            other => Err(bad_meta(key, format!("expected a token id, got {other:?}"))),
        })
        .transpose()
}

fn md_bool(ct: &Content, key: &str) -> Result<Option<bool>> {
    md(ct, key)
        .map(|v| v.to_bool().map_err(|e| bad_meta(key, e)))
        .transpose()
}

fn md_strings<'a>(ct: &'a Content, key: &str) -> Result<Vec<&'a str>> {
    let v = md(ct, key).ok_or_else(|| bad_meta(key, "missing"))?;
    v.to_vec()
        .map_err(|e| bad_meta(key, e))?
        .iter()
        .map(|x| {
            x.to_string()
                .map(String::as_str)
                .map_err(|e| bad_meta(key, e))
        })
        .collect()
}

fn md_ints(ct: &Content, key: &str) -> Result<Option<Vec<i64>>> {
    let Some(v) = md(ct, key) else {
        return Ok(None);
    };
    v.to_vec()
        .map_err(|e| bad_meta(key, e))?
        .iter()
        .map(|x| match x {
            Value::I32(i) => Ok(*i as i64),
            Value::U32(i) => Ok(*i as i64),
            Value::I64(i) => Ok(*i),
            Value::U8(i) => Ok(*i as i64),
            Value::I8(i) => Ok(*i as i64),
            other => Err(bad_meta(key, format!("expected integers, got {other:?}"))),
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

fn bad_meta(key: &str, why: impl std::fmt::Display) -> Error {
    Error::ModelUnavailable(format!("GGUF metadata {key}: {why}"))
}

/// GPT-2's byte ↔ printable-character table: bytes that are printable Latin-1 stand for
/// themselves, the rest are shifted to U+0100 onwards so every byte has a visible symbol.
fn byte_level_chars() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
        table[b as usize] = if printable {
            b as char
        } else {
            let c = char::from_u32(next).expect("U+0100..U+0143 are valid chars");
            next += 1;
            c
        };
    }
    table
}

impl GgufTokenizer {
    /// Build the tokenizer from a GGUF file's metadata.
    ///
    /// # Errors
    /// `ModelUnavailable` when the metadata is missing or malformed, or names a tokenizer
    /// model or pre-tokenizer this crate does not implement.
    pub fn from_gguf(ct: &Content) -> Result<Self> {
        let model = md_str(ct, "tokenizer.ggml.model")?.unwrap_or("(missing)");
        if model != "gpt2" {
            return Err(Error::ModelUnavailable(format!(
                "GGUF tokenizer.ggml.model = {model:?} is not supported: only byte-level BPE \
                 (\"gpt2\", used by SmolLM, Qwen, Llama 3) is implemented"
            )));
        }
        let pre = pre_kind(md_str(ct, "tokenizer.ggml.pre")?)?;
        let tokens = md_strings(ct, "tokenizer.ggml.tokens")?;
        if tokens.is_empty() {
            return Err(bad_meta("tokenizer.ggml.tokens", "empty vocabulary"));
        }
        let merges_raw = md_strings(ct, "tokenizer.ggml.merges")?;
        let types = md_ints(ct, "tokenizer.ggml.token_type")?;
        if let Some(t) = &types {
            if t.len() != tokens.len() {
                return Err(bad_meta(
                    "tokenizer.ggml.token_type",
                    format!("{} entries for {} tokens", t.len(), tokens.len()),
                ));
            }
        }
        let n = tokens.len() as u32;
        let id = |key: &str| -> Result<Option<u32>> {
            match md_u32(ct, key)? {
                Some(i) if i >= n => Err(bad_meta(key, format!("id {i} outside vocab of {n}"))),
                other => Ok(other),
            }
        };
        let bos = id("tokenizer.ggml.bos_token_id")?;
        let eos = id("tokenizer.ggml.eos_token_id")?;
        let pad = id("tokenizer.ggml.padding_token_id")?;
        let eot = id("tokenizer.ggml.eot_token_id")?;
        let add_bos = md_bool(ct, "tokenizer.ggml.add_bos_token")?.unwrap_or(false);
        let chat_template = md_str(ct, "tokenizer.chat_template")?.map(str::to_string);

        // llama.cpp keeps the first id for a duplicated token text; so does this map.
        let mut vocab: Vocab = Vocab::default();
        for (i, t) in tokens.iter().enumerate() {
            vocab.entry(t.to_string()).or_insert(i as u32);
        }
        // A merge is "left right"; split at the first space after the first character, as
        // llama.cpp does, so a left side that is itself a space symbol stays whole.
        let mut merges: Merges = Vec::with_capacity(merges_raw.len());
        for m in &merges_raw {
            let start = m.chars().next().map(char::len_utf8).unwrap_or(0);
            let Some(pos) = m[start..].find(' ').map(|p| p + start) else {
                return Err(bad_meta(
                    "tokenizer.ggml.merges",
                    format!("no space in {m:?}"),
                ));
            };
            merges.push((m[..pos].to_string(), m[pos + 1..].to_string()));
        }
        let bpe = BPE::builder()
            .vocab_and_merges(vocab, merges)
            .ignore_merges(pre == PreKind::Llama3)
            .build()
            .map_err(|e| Error::ModelUnavailable(format!("GGUF BPE tokenizer: {e}")))?;

        let mut inner = Tokenizer::new(bpe);
        let byte_level = ByteLevel::new(false, true, true);
        let split = |regex: &str| -> Result<PreTokenizerWrapper> {
            Split::new(
                SplitPattern::Regex(regex.to_string()),
                SplitDelimiterBehavior::Isolated,
                false,
            )
            .map(PreTokenizerWrapper::Split)
            .map_err(|e| Error::ModelUnavailable(format!("GGUF pre-tokenizer regex: {e}")))
        };
        let pre_tok: PreTokenizerWrapper = match pre {
            PreKind::Gpt2 => byte_level.into(),
            PreKind::DigitsThenGpt2 => {
                Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into()
            }
            PreKind::Llama3 => Sequence::new(vec![
                split(LLAMA3_REGEX)?,
                byte_level.use_regex(false).into(),
            ])
            .into(),
            PreKind::Qwen2 => Sequence::new(vec![
                split(QWEN2_REGEX)?,
                byte_level.use_regex(false).into(),
            ])
            .into(),
        };
        inner.with_pre_tokenizer(Some(pre_tok));
        if pre == PreKind::Qwen2 {
            // Qwen2's own tokenizer.json composes text to NFC first (llama.cpp skips this;
            // the two differ only on decomposed input).
            inner
                .with_normalizer(Some(tokenizers::normalizers::unicode::NFC))
                .map_err(|e| Error::ModelUnavailable(format!("GGUF tokenizer normalizer: {e}")))?;
        }
        inner.with_decoder(Some(ByteLevel::default()));

        let table = byte_level_chars();
        let unbyte: HashMap<char, u8> = table
            .iter()
            .enumerate()
            .map(|(b, &c)| (c, b as u8))
            .collect();
        let mut control = vec![false; tokens.len()];
        let mut special = Vec::new();
        let mut user = Vec::new();
        let mut bytes = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let ty = types.as_ref().map(|t| t[i]).unwrap_or(1);
            if ty == TOKEN_TYPE_CONTROL {
                control[i] = true;
                special.push(AddedToken::from(t.to_string(), true).normalized(false));
                bytes.push(t.as_bytes().to_vec());
            } else if ty == TOKEN_TYPE_USER_DEFINED {
                user.push(AddedToken::from(t.to_string(), false).normalized(false));
                bytes.push(t.as_bytes().to_vec());
            } else {
                // Any character outside the byte table (malformed vocab) is kept as UTF-8.
                let mut b = Vec::with_capacity(t.len());
                for c in t.chars() {
                    match unbyte.get(&c) {
                        Some(&x) => b.push(x),
                        None => b.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                    }
                }
                bytes.push(b);
            }
        }
        let added = |e| Error::ModelUnavailable(format!("GGUF tokenizer added tokens: {e}"));
        inner.add_special_tokens(special).map_err(added)?;
        inner.add_tokens(user).map_err(added)?;

        // Ids that end a turn: the EOS/EOT ids, plus the usual chat end markers when they are
        // control tokens (llama.cpp finds these by text in the same way).
        let mut eog: Vec<u32> = [eos, eot].into_iter().flatten().collect();
        for marker in [
            "<|im_end|>",
            "<|endoftext|>",
            "<|eot_id|>",
            "<end_of_turn>",
            "<|end|>",
        ] {
            if let Some(&i) = inner.get_vocab(true).get(marker) {
                if control[i as usize] && !eog.contains(&i) {
                    eog.push(i);
                }
            }
        }

        let mut plain = inner.clone();
        plain.set_encode_special_tokens(true);

        Ok(GgufTokenizer {
            inner,
            plain,
            bytes,
            control,
            bos,
            eos,
            pad,
            add_bos,
            eog,
            chat_template,
        })
    }

    /// Token ids for `text`, without BOS. Control-token text in `text` (e.g. `<|im_start|>`)
    /// becomes the control id, as llama.cpp does with special parsing on.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self
            .inner
            .encode_fast(text, false)
            .map_err(|e| Error::Inference(format!("tokenize: {e}")))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Token ids for `text` taken literally: control-token text (`<|im_end|>` typed into an
    /// article) is tokenised as ordinary characters, so content cannot forge chat markup.
    pub fn encode_text(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self
            .plain
            .encode_fast(text, false)
            .map_err(|e| Error::Inference(format!("tokenize: {e}")))?;
        Ok(enc.get_ids().to_vec())
    }

    /// Like [`encode`](Self::encode), with BOS first when the model asks for it
    /// (`tokenizer.ggml.add_bos_token`).
    pub fn encode_prompt(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        if self.add_bos {
            ids.extend(self.bos);
        }
        ids.extend(self.encode(text)?);
        Ok(ids)
    }

    /// The text of `ids`; control tokens are dropped when `skip_special`. Invalid UTF-8
    /// (a sequence cut inside a character) becomes U+FFFD.
    pub fn decode(&self, ids: &[u32], skip_special: bool) -> Result<String> {
        let mut out = Vec::new();
        for &i in ids {
            out.extend_from_slice(self.token_bytes(i, skip_special)?);
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// The bytes token `id` stands for (possibly part of a UTF-8 character); empty for
    /// control tokens when `skip_special`. Feed them to a [`Utf8Stream`] to print text as it
    /// is generated.
    pub fn token_bytes(&self, id: u32, skip_special: bool) -> Result<&[u8]> {
        let i = id as usize;
        match self.bytes.get(i) {
            None => Err(Error::InvalidInput(format!(
                "token id {id} outside vocab of {}",
                self.bytes.len()
            ))),
            Some(_) if skip_special && self.control[i] => Ok(&[]),
            Some(b) => Ok(b),
        }
    }

    /// The `tokenizers` tokenizer inside (for offsets, batch encoding or inspection).
    pub fn inner(&self) -> &Tokenizer {
        &self.inner
    }

    /// Number of ids, added tokens included.
    pub fn vocab_size(&self) -> usize {
        self.bytes.len()
    }

    /// The id of a token text, if the vocabulary has it.
    pub fn token_id(&self, text: &str) -> Option<u32> {
        self.inner.token_to_id(text)
    }

    /// Whether prompts start with BOS (`tokenizer.ggml.add_bos_token`).
    pub fn add_bos(&self) -> bool {
        self.add_bos
    }

    pub fn bos_id(&self) -> Option<u32> {
        self.bos
    }

    pub fn eos_id(&self) -> Option<u32> {
        self.eos
    }

    pub fn pad_id(&self) -> Option<u32> {
        self.pad
    }

    /// Whether generation should stop at `id` (EOS, EOT, `<|im_end|>` and the like).
    pub fn is_end_of_generation(&self, id: u32) -> bool {
        self.eog.contains(&id)
    }

    /// Whether `id` is a control token (markup such as `<|im_start|>`, never text).
    pub fn is_control(&self, id: u32) -> bool {
        self.control.get(id as usize).copied().unwrap_or(false)
    }

    /// The Jinja chat template stored in the file, if any.
    pub fn chat_template(&self) -> Option<&str> {
        self.chat_template.as_deref()
    }
}

/// Incremental detokenisation. Multi-byte characters (emoji, CJK) are often spread over
/// several byte-level tokens; bytes are held back until they form whole characters.
#[derive(Debug, Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one token's bytes; returns the text that became complete (possibly empty).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        self.take_complete()
    }

    fn take_complete(&mut self) -> String {
        match std::str::from_utf8(&self.pending) {
            Ok(s) => {
                let out = s.to_string();
                self.pending.clear();
                out
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // error_len() == None: the tail is an unfinished character, keep it.
                // Some(n): n bytes can never become valid; emit U+FFFD and go on.
                let mut out = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
                match e.error_len() {
                    None => {
                        self.pending.drain(..valid);
                    }
                    Some(n) => {
                        out.push(char::REPLACEMENT_CHARACTER);
                        self.pending.drain(..valid + n);
                        out.push_str(&self.take_complete());
                    }
                }
                out
            }
        }
    }

    /// Whatever is still held back (an unfinished character), as lossy text.
    pub fn finish(&mut self) -> String {
        let out = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_table_is_a_bijection_onto_printable_chars() {
        let t = byte_level_chars();
        let set: std::collections::HashSet<char> = t.iter().copied().collect();
        assert_eq!(set.len(), 256);
        assert_eq!(t[b'A' as usize], 'A');
        assert_eq!(t[b' ' as usize], 'Ġ');
        assert_eq!(t[b'\n' as usize], 'Ċ');
        assert!(t.iter().all(|c| !c.is_whitespace() && !c.is_control()));
    }

    #[test]
    fn utf8_stream_never_splits_a_character() {
        let emoji = "a🎉é".as_bytes();
        let mut s = Utf8Stream::new();
        let mut out = Vec::new();
        for b in emoji {
            out.push(s.push(&[*b]));
        }
        assert_eq!(out[0], "a");
        // The four bytes of the emoji come out together, on the fourth.
        assert_eq!(&out[1..4], ["", "", ""]);
        assert_eq!(out[4], "🎉");
        assert_eq!(out[5], "");
        assert_eq!(out[6], "é");
        assert_eq!(s.finish(), "");
    }

    #[test]
    fn utf8_stream_replaces_impossible_bytes_and_flushes_tails() {
        let mut s = Utf8Stream::new();
        assert_eq!(s.push(&[b'x', 0xFF, b'y']), "x\u{FFFD}y");
        assert_eq!(s.push(&[0xE2, 0x82]), "");
        assert_eq!(s.finish(), "\u{FFFD}");
    }

    #[test]
    fn unknown_pre_tokenizer_is_named() {
        let err = pre_kind(Some("mystery-9000")).unwrap_err().to_string();
        assert!(err.contains("mystery-9000"), "{err}");
        assert_eq!(pre_kind(None).unwrap(), PreKind::Gpt2);
        assert_eq!(pre_kind(Some("smollm")).unwrap(), PreKind::DigitsThenGpt2);
    }
}
