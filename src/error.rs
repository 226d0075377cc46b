//! The crate's one error type. Variants are named by cause, so the CLI and the HTTP
//! server can map each to an exit code or a status in one place (`server::error`, `cli`).

use std::path::PathBuf;

/// Everything that can go wrong in parley, by cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's input is unusable (empty text, not UTF-8, too long, a bad field).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A model is not on this machine (and may not be fetched) or failed verification.
    #[error("model unavailable: {0}")]
    ModelUnavailable(String),
    /// A model file's digest does not match the catalog.
    #[error("checksum mismatch for {path}: expected sha256 {expected}, got {actual}")]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// Too much work is queued; try again later.
    #[error("overloaded: {0}")]
    Overloaded(String),
    /// A model ran and failed.
    #[error("inference failed: {0}")]
    Inference(String),
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Any other failure, with its cause chain.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    /// Wrap an I/O error with what was being done (and usually the path).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

impl From<candle_core::Error> for Error {
    fn from(e: candle_core::Error) -> Self {
        Error::Inference(e.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
