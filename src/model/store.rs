//! The model store: the verified on-disk cache of model files, and the one place that
//! decides where a model's files come from (`--model-dir`, then the cache, then the
//! catalog's sources in order unless offline).
//!
//! Cache layout: `<home>/models/<model-id>/<file name>`, where home is `$PARLEY_HOME` or
//! the platform cache folder + `parley`. Trust-on-first-use digests sit next to their
//! file as `<file name>.sha256` (sha256sum format). Downloads in flight are dot-files
//! (`.partial-*`, `.pip-*`) in the same folder and only become the real name by an
//! atomic rename after fsync and verification, so a partial download never looks
//! complete. Every file handed out has been sha256-checked in this process: on download
//! while streaming, and by re-hashing on every load.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::catalog::{Catalog, Format, ModelEntry, ModelFile, Role, Source};
use super::source::{self, byte_bar, FetchOptions, FileSink};
use crate::{Error, Result};

/// Environment variable overriding the store's home folder.
pub const HOME_ENV: &str = "PARLEY_HOME";

/// Files above this size get a progress bar while being verified.
const HASH_BAR_MIN: u64 = 16 << 20;

/// Where models live on this machine and how they may be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStore {
    /// Root of parley's cache; models go under `<home>/models/`.
    pub home: PathBuf,
    /// Never touch the network: only `--model-dir`, the cache and `local` sources.
    pub offline: bool,
    /// A folder holding model files by name (or under `<model-id>/`), tried first.
    pub model_dir: Option<PathBuf>,
}

/// A model whose files are all present and verified.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedModel {
    pub id: String,
    pub entry: ModelEntry,
    /// File name → verified path.
    pub files: BTreeMap<String, PathBuf>,
}

impl ResolvedModel {
    /// The verified path of the file called `name`.
    pub fn path(&self, name: &str) -> Result<&Path> {
        self.files.get(name).map(PathBuf::as_path).ok_or_else(|| {
            Error::ModelUnavailable(format!(
                "model {} has no file named {name} (files: {})",
                self.id,
                self.files.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// The path of the model's only file (GGUF models); an error for multi-file models.
    pub fn single_file(&self) -> Result<&Path> {
        match self.entry.files.as_slice() {
            [only] => self.path(&only.name),
            _ => Err(Error::ModelUnavailable(format!(
                "model {} has {} files, not one",
                self.id,
                self.entry.files.len()
            ))),
        }
    }
}

/// The models of a preset, all verified.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedPreset {
    pub name: String,
    pub generator: ResolvedModel,
    pub encoder: ResolvedModel,
    pub classifier: Option<ResolvedModel>,
}

/// Whether a model is usable, for `models list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ModelState {
    /// Every file is present and matches its digest.
    Verified,
    /// Some files are absent (listed); the rest may be fine.
    Missing { files: Vec<String> },
    /// Some files are present but fail verification (or could not be read).
    Corrupt { files: Vec<String>, detail: String },
}

impl ModelState {
    /// The short answer for a table: `yes`, `no` or `missing`.
    pub fn verified_label(&self) -> &'static str {
        match self {
            ModelState::Verified => "yes",
            ModelState::Missing { .. } => "missing",
            ModelState::Corrupt { .. } => "no",
        }
    }
}

impl fmt::Display for ModelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelState::Verified => f.write_str("verified"),
            ModelState::Missing { files } => write!(f, "missing: {}", files.join(", ")),
            ModelState::Corrupt { files, detail } => {
                write!(f, "corrupt: {} ({detail})", files.join(", "))
            }
        }
    }
}

/// One row of `models list`.
#[derive(Debug, Clone, Serialize)]
pub struct ModelStatus {
    pub id: String,
    pub role: Role,
    pub architecture: String,
    pub format: Format,
    /// Bytes on disk when complete, else the catalog's total (None if unknown).
    pub size: Option<u64>,
    /// The folder the files are (or would be) in: `--model-dir` if it holds the verified
    /// model, else the cache folder.
    pub location: PathBuf,
    pub state: ModelState,
    /// Whether the catalog's digests were checked when it was written (false = TOFU).
    pub verified_offline: bool,
    /// The presets that use this model.
    pub presets: Vec<String>,
}

/// What a file must hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// The catalog's digest.
    Catalog(String),
    /// Recorded at first download (trust-on-first-use sidecar).
    Recorded(String),
    /// Trust-on-first-use with nothing recorded yet.
    FirstUse,
}

impl Expected {
    fn digest(&self) -> Option<&str> {
        match self {
            Expected::Catalog(d) | Expected::Recorded(d) => Some(d),
            Expected::FirstUse => None,
        }
    }
}

/// The outcome of checking one cached file.
enum Cached {
    Verified(PathBuf),
    Missing,
    /// A trust-on-first-use file with no recorded digest: cannot be verified.
    Unrecorded(PathBuf),
    Bad(Error),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Use the model: `--model-dir` first; a corrupt cached file is an error.
    Load,
    /// Fill the cache: re-hash everything, re-fetch what is missing or corrupt.
    Pull,
}

impl ModelStore {
    /// A store rooted at `home`, online, without a model dir.
    pub fn new(home: impl Into<PathBuf>) -> Self {
        ModelStore {
            home: home.into(),
            offline: false,
            model_dir: None,
        }
    }

    /// `$PARLEY_HOME`, else the platform cache folder + `parley`.
    pub fn default_home() -> Result<PathBuf> {
        if let Some(h) = std::env::var_os(HOME_ENV).filter(|h| !h.is_empty()) {
            return Ok(PathBuf::from(h));
        }
        dirs::cache_dir().map(|d| d.join("parley")).ok_or_else(|| {
            Error::ModelUnavailable(format!(
                "no cache folder on this platform; set {HOME_ENV} to a writable folder"
            ))
        })
    }

    /// A store at [`ModelStore::default_home`].
    pub fn from_env(offline: bool, model_dir: Option<PathBuf>) -> Result<Self> {
        Ok(ModelStore {
            home: Self::default_home()?,
            offline,
            model_dir,
        })
    }

    /// `<home>/models`.
    pub fn models_dir(&self) -> PathBuf {
        self.home.join("models")
    }

    /// `<home>/models/<id>`.
    pub fn model_cache_dir(&self, id: &str) -> PathBuf {
        self.models_dir().join(id)
    }

    /// Make `model` usable: every file present and verified, fetching what is missing
    /// (unless offline). A corrupt cached file is [`Error::Checksum`] (run `pull`).
    pub fn ensure(&self, model: &ModelEntry, progress: bool) -> Result<ResolvedModel> {
        self.resolve(model, progress, Mode::Load, None)
    }

    /// [`ModelStore::ensure`] for each model of a preset.
    pub fn ensure_preset(
        &self,
        catalog: &Catalog,
        preset: &str,
        progress: bool,
    ) -> Result<ResolvedPreset> {
        let p = catalog.preset(preset)?;
        let get = |id: &str| self.resolve(catalog.model(id)?, progress, Mode::Load, Some(preset));
        Ok(ResolvedPreset {
            name: p.name.clone(),
            generator: get(&p.generator)?,
            encoder: get(&p.encoder)?,
            classifier: p.classifier.as_deref().map(get).transpose()?,
        })
    }

    /// Fill the cache with a preset's models: re-verify every cached file and re-fetch
    /// missing or corrupt ones. Ignores `model_dir` (it fills the cache).
    pub fn pull(
        &self,
        catalog: &Catalog,
        preset: &str,
        progress: bool,
    ) -> Result<Vec<ResolvedModel>> {
        catalog
            .preset_models(preset)?
            .into_iter()
            .map(|m| self.resolve(m, progress, Mode::Pull, Some(preset)))
            .collect()
    }

    /// [`ModelStore::pull`] for one model.
    pub fn pull_model(&self, model: &ModelEntry, progress: bool) -> Result<ResolvedModel> {
        self.resolve(model, progress, Mode::Pull, None)
    }

    /// The state of every catalog model (hashes every present file).
    pub fn list(&self, catalog: &Catalog) -> Vec<ModelStatus> {
        catalog
            .models()
            .map(|m| {
                let presets = catalog
                    .presets_using(&m.id)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                let (location, state, size) = self.status(m);
                ModelStatus {
                    id: m.id.clone(),
                    role: m.role,
                    architecture: m.architecture.clone(),
                    format: m.format,
                    size,
                    location,
                    state,
                    verified_offline: m.verified_offline,
                    presets,
                }
            })
            .collect()
    }

    fn status(&self, m: &ModelEntry) -> (PathBuf, ModelState, Option<u64>) {
        if let Some(dir) = &self.model_dir {
            let found: Option<Vec<PathBuf>> = m
                .files
                .iter()
                .map(|f| match self.check_model_dir(m, f, dir, false, false) {
                    Some(Ok(p)) => Some(p),
                    _ => None,
                })
                .collect();
            if let Some(paths) = found {
                let size = disk_size(&paths);
                let loc = paths[0].parent().map(Path::to_path_buf).unwrap_or_default();
                return (loc, ModelState::Verified, size);
            }
        }
        let (mut missing, mut corrupt, mut details, mut paths) = (vec![], vec![], vec![], vec![]);
        for f in &m.files {
            match self.check_cached(m, f, false) {
                Cached::Verified(p) => paths.push(p),
                Cached::Missing => missing.push(f.name.clone()),
                Cached::Unrecorded(_) => {
                    corrupt.push(f.name.clone());
                    details.push(format!("{}: no recorded digest", f.name));
                }
                Cached::Bad(e) => {
                    corrupt.push(f.name.clone());
                    details.push(e.to_string());
                }
            }
        }
        let loc = self.model_cache_dir(&m.id);
        if !corrupt.is_empty() {
            let detail = details.join("; ");
            (
                loc,
                ModelState::Corrupt {
                    files: corrupt,
                    detail,
                },
                m.total_size(),
            )
        } else if !missing.is_empty() {
            (loc, ModelState::Missing { files: missing }, m.total_size())
        } else {
            (loc, ModelState::Verified, disk_size(&paths))
        }
    }

    fn resolve(
        &self,
        model: &ModelEntry,
        progress: bool,
        mode: Mode,
        preset: Option<&str>,
    ) -> Result<ResolvedModel> {
        let mut files = BTreeMap::new();
        let mut need: Vec<&ModelFile> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        for f in &model.files {
            if mode == Mode::Load {
                if let Some(dir) = &self.model_dir {
                    match self.check_model_dir(model, f, dir, progress, true) {
                        Some(Ok(p)) => {
                            files.insert(f.name.clone(), p);
                            continue;
                        }
                        Some(Err(e)) => notes.push(format!("--model-dir: {e}")),
                        None => {}
                    }
                }
            }
            match self.check_cached(model, f, progress) {
                Cached::Verified(p) => {
                    files.insert(f.name.clone(), p);
                }
                Cached::Missing => need.push(f),
                Cached::Unrecorded(p) => {
                    notes.push(format!(
                        "{} has no recorded digest (trust-on-first-use), so it is fetched again",
                        p.display()
                    ));
                    need.push(f);
                }
                Cached::Bad(e) if mode == Mode::Pull => {
                    tracing::warn!("{e}; fetching it again");
                    need.push(f);
                }
                // A model shipped in the repository (a local source, e.g. the stance
                // classifier) changes with the repository: a cached copy that no longer
                // matches the catalog is stale, not corrupt, and costs nothing to refresh.
                Cached::Bad(e) if matches!(model.sources.first(), Some(Source::Local(_))) => {
                    tracing::info!("{e}; copying it again from its local source");
                    need.push(f);
                }
                Cached::Bad(e) => return Err(e),
            }
        }
        if !need.is_empty() {
            self.fetch(model, &need, progress, preset, &notes)?;
            for f in need {
                files.insert(f.name.clone(), self.cached_path(model, f));
            }
        }
        if mode == Mode::Pull {
            clean_stale(&self.model_cache_dir(&model.id));
        }
        Ok(ResolvedModel {
            id: model.id.clone(),
            entry: model.clone(),
            files,
        })
    }

    /// Fetch `need` from the model's sources in order; each source gets only the files
    /// still missing after the ones before it.
    fn fetch(
        &self,
        model: &ModelEntry,
        need: &[&ModelFile],
        progress: bool,
        preset: Option<&str>,
        notes: &[String],
    ) -> Result<()> {
        let dir = self.model_cache_dir(&model.id);
        let usable: Vec<_> = model
            .sources
            .iter()
            .filter(|s| !(self.offline && s.needs_network()))
            .collect();
        let also = if notes.is_empty() {
            String::new()
        } else {
            format!(" (also: {})", notes.join("; "))
        };
        if usable.is_empty() {
            let pull = match preset {
                Some(p) => format!("`parley models pull --preset {p}`"),
                None => "`parley models pull` with a preset that includes it".to_string(),
            };
            let present: Vec<&str> = need
                .iter()
                .filter(|f| self.cached_path(model, f).exists())
                .map(|f| f.name.as_str())
                .collect();
            let what = if present.is_empty() {
                format!("model {} is not in the cache ({})", model.id, dir.display())
            } else {
                format!(
                    "model {} has damaged or unverifiable files in the cache ({}: {})",
                    model.id,
                    dir.display(),
                    present.join(", ")
                )
            };
            return Err(Error::ModelUnavailable(format!(
                "{what}; run {pull} (needs network) or pass --model-dir{also}"
            )));
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("creating cache folder {}", dir.display()), e))?;
        let opts = FetchOptions::new(progress, dir.clone());
        let mut sink = CacheSink {
            store: self,
            model,
            dir: dir.clone(),
            progress,
            done: BTreeSet::new(),
        };
        let mut errors: Vec<(String, Error)> = Vec::new();
        for src in usable {
            let todo: Vec<&ModelFile> = need
                .iter()
                .copied()
                .filter(|f| !sink.done.contains(&f.name))
                .collect();
            if todo.is_empty() {
                break;
            }
            tracing::info!("fetching {} from {src}", model.id);
            match source::fetch(src, model, &todo, &opts, &mut sink) {
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!("{src} failed for {}: {e}", model.id);
                    errors.push((src.to_string(), e));
                }
            }
        }
        if need.iter().all(|f| sink.done.contains(&f.name)) {
            return Ok(());
        }
        if errors.len() == 1 {
            let (_, e) = errors.pop().expect("one error");
            return Err(if notes.is_empty() {
                e
            } else {
                Error::ModelUnavailable(format!("{}{also}", bare(&e)))
            });
        }
        let tried = errors
            .iter()
            .map(|(s, e)| format!("{s}: {}", bare(e)))
            .collect::<Vec<_>>()
            .join("; ");
        let skipped = if self.offline {
            " (network sources skipped: offline)"
        } else {
            ""
        };
        Err(Error::ModelUnavailable(format!(
            "could not fetch model {}{skipped}; tried {tried}{also}",
            model.id
        )))
    }

    fn cached_path(&self, model: &ModelEntry, f: &ModelFile) -> PathBuf {
        self.model_cache_dir(&model.id).join(&f.name)
    }

    fn sidecar_path(&self, model: &ModelEntry, f: &ModelFile) -> PathBuf {
        self.model_cache_dir(&model.id)
            .join(format!("{}.sha256", f.name))
    }

    /// The digest `f` must have: the catalog's, else the recorded one, else first use.
    fn expected(&self, model: &ModelEntry, f: &ModelFile) -> Result<Expected> {
        if let Some(d) = &f.sha256 {
            return Ok(Expected::Catalog(d.clone()));
        }
        let side = self.sidecar_path(model, f);
        match std::fs::read_to_string(&side) {
            Ok(text) => {
                let d = text
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Ok(Expected::Recorded(d))
                } else {
                    Err(Error::ModelUnavailable(format!(
                        "{} does not hold a sha256 digest; delete it (and the file next to it) \
                         and pull again",
                        side.display()
                    )))
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Expected::FirstUse),
            Err(e) => Err(Error::io(format!("reading {}", side.display()), e)),
        }
    }

    fn check_cached(&self, model: &ModelEntry, f: &ModelFile, progress: bool) -> Cached {
        let path = self.cached_path(model, f);
        if !path.is_file() {
            return Cached::Missing;
        }
        let expected = match self.expected(model, f) {
            Ok(e) => e,
            Err(e) => return Cached::Bad(e),
        };
        let Some(digest) = expected.digest() else {
            return Cached::Unrecorded(path);
        };
        match verify(&path, digest, progress) {
            Ok(()) => Cached::Verified(path),
            Err(e) => Cached::Bad(e),
        }
    }

    /// A file from `--model-dir` (`<dir>/<id>/<name>`, then `<dir>/<name>`): None if
    /// absent, else the verification result. A trust-on-first-use file with no recorded
    /// digest has its digest recorded in the cache now when `record` (a load), and counts
    /// as unverified otherwise (`list` has no side effects).
    fn check_model_dir(
        &self,
        model: &ModelEntry,
        f: &ModelFile,
        dir: &Path,
        progress: bool,
        record: bool,
    ) -> Option<Result<PathBuf>> {
        let candidates = [dir.join(&model.id).join(&f.name), dir.join(&f.name)];
        let path = candidates.into_iter().find(|p| p.is_file())?;
        Some((|| {
            match self.expected(model, f)? {
                Expected::Catalog(d) | Expected::Recorded(d) => verify(&path, &d, progress)?,
                Expected::FirstUse if !record => {
                    return Err(Error::ModelUnavailable(format!(
                        "{} has no recorded digest yet (trust-on-first-use)",
                        path.display()
                    )))
                }
                Expected::FirstUse => {
                    let digest = sha256_file(&path, progress)?;
                    if let Some(size) = f.size {
                        check_size(&path, size)?;
                    }
                    let side = self.sidecar_path(model, f);
                    write_atomic(&side, format!("{digest}  {}\n", f.name).as_bytes())?;
                    tracing::info!(
                        "recorded sha256 {digest} for {} (first use)",
                        path.display()
                    );
                }
            }
            Ok(path)
        })())
    }
}

/// Streams a fetched file into a temporary file in the cache folder, hashing as it goes;
/// renames it into place only when complete and verified.
struct CacheSink<'a> {
    store: &'a ModelStore,
    model: &'a ModelEntry,
    dir: PathBuf,
    progress: bool,
    done: BTreeSet<String>,
}

impl FileSink for CacheSink<'_> {
    fn put(
        &mut self,
        file: &ModelFile,
        len: Option<u64>,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        let dest = self.dir.join(&file.name);
        let expected = self.store.expected(self.model, file)?;
        let tmp = tempfile::Builder::new()
            .prefix(".partial-")
            .tempfile_in(&self.dir)
            .map_err(|e| {
                Error::io(
                    format!("creating a temporary file in {}", self.dir.display()),
                    e,
                )
            })?;
        // An owned handle for the writer, so the temp file can be persisted afterwards.
        let out = tmp
            .as_file()
            .try_clone()
            .map_err(|e| Error::io(format!("opening {}", tmp.path().display()), e))?;
        let bar = byte_bar(
            self.progress,
            len.or(file.size),
            format!("{}/{}", self.model.id, file.name),
        );
        let mut w = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, out),
            hasher: Sha256::new(),
            written: 0,
            bar: &bar,
        };
        fill(&mut w)?;
        let HashingWriter {
            mut inner,
            hasher,
            written,
            ..
        } = w;
        inner
            .flush()
            .map_err(|e| Error::io(format!("writing {}", tmp.path().display()), e))?;
        drop(inner);
        let digest = hex::encode(hasher.finalize());
        bar.finish_and_clear();
        if let Some(want) = expected.digest() {
            if digest != want {
                return Err(Error::Checksum {
                    path: dest,
                    expected: want.to_string(),
                    actual: digest,
                });
            }
        }
        if let Some(size) = file.size {
            if written != size {
                return Err(Error::ModelUnavailable(format!(
                    "{}: fetched {written} bytes, the catalog says {size}",
                    dest.display()
                )));
            }
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(format!("syncing {}", tmp.path().display()), e))?;
        if expected == Expected::FirstUse {
            // Record the digest before the file appears, so a cached file never lacks one.
            write_atomic(
                &self.store.sidecar_path(self.model, file),
                format!("{digest}  {}\n", file.name).as_bytes(),
            )?;
            tracing::info!(
                "recorded sha256 {digest} for {} (first use)",
                dest.display()
            );
        }
        tmp.persist(&dest).map_err(|e| {
            Error::io(
                format!("moving download into place at {}", dest.display()),
                e.error,
            )
        })?;
        sync_dir(&self.dir);
        self.done.insert(file.name.clone());
        Ok(())
    }
}

struct HashingWriter<'a, W: Write> {
    inner: W,
    hasher: Sha256,
    written: u64,
    bar: &'a indicatif::ProgressBar,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        self.bar.inc(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hex sha256 of a file, read through a buffer (with a progress bar for big
/// files when `progress`).
pub fn sha256_file(path: &Path, progress: bool) -> Result<String> {
    let f = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let len = f.metadata().ok().map(|m| m.len());
    let show = progress && len.is_some_and(|l| l >= HASH_BAR_MIN);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bar = byte_bar(show, len, format!("verifying {name}"));
    let mut reader = BufReader::with_capacity(1 << 20, f);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    Ok(hex::encode(hasher.finalize()))
}

/// An error's message without the `model unavailable:` prefix, for nesting in another.
fn bare(e: &Error) -> String {
    match e {
        Error::ModelUnavailable(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Hash `path` and compare; a mismatch is [`Error::Checksum`] naming the file.
fn verify(path: &Path, expected: &str, progress: bool) -> Result<()> {
    let actual = sha256_file(path, progress)?;
    if actual == expected {
        Ok(())
    } else {
        Err(Error::Checksum {
            path: path.to_path_buf(),
            expected: expected.to_string(),
            actual,
        })
    }
}

fn check_size(path: &Path, size: u64) -> Result<()> {
    let actual = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("reading {}", path.display()), e))?
        .len();
    if actual == size {
        Ok(())
    } else {
        Err(Error::ModelUnavailable(format!(
            "{} is {actual} bytes, the catalog says {size}",
            path.display()
        )))
    }
}

/// Write a small file atomically: temp file in the same folder, fsync, rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(format!("creating a temporary file in {}", dir.display()), e))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(format!("writing {}", tmp.path().display()), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Make a rename durable (best effort: not every platform can open a folder).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Remove temporaries left by a killed process (a day old, so never a live download).
fn clean_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let cutoff = SystemTime::now() - Duration::from_secs(24 * 3600);
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".partial-") || name.starts_with(".pip-")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff);
        if old {
            let p = e.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

fn disk_size(paths: &[PathBuf]) -> Option<u64> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum()
}
