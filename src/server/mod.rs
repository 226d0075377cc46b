//! `parley serve`: the HTTP API, its web page and its operational plumbing.
//!
//! Shape of the server:
//! - **Listening before loading.** [`serve`] binds and answers `/health` at once; the
//!   model loader runs on the worker thread, then a warm-up analysis, and only then does
//!   `/ready` turn 200 and model routes accept work (503 `not_ready` before). A failed
//!   load or warm-up stops the server with an error, so an orchestrator restarts it.
//! - **No forward pass on the async runtime.** Model work goes through
//!   [`queue`]: one `std::thread` owns the engine and runs dynamically batched
//!   `Engine::analyze_batch` calls; handlers await a oneshot reply.
//! - **Backpressure, never silent drops.** A semaphore of `max_concurrent_requests` is
//!   tried without waiting (full → 429 + `Retry-After`), the queue is bounded in
//!   documents (full → 429), each request has a timeout (504), and shutdown drains
//!   in-flight requests within `drain_timeout`.
//! - **One error shape** (see [`error`]) for every failure, panics included.
//!
//! Modules: [`routes`] (handlers + router), [`error`], [`metrics`], [`queue`],
//! [`openapi`]; `web/` holds the embedded page and API docs page.

pub mod error;
pub mod metrics;
pub mod openapi;
pub mod queue;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::{watch, Semaphore};

use crate::engine::Engine;
use crate::report::Report;
use crate::{AnalyzeRequest, Error, Result};

pub use routes::router;

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Everything `parley serve` can be told. Plain data: build it from [`ServeArgs`] or by
/// hand (tests). Each field notes the trade-off it sets.
#[derive(Clone)]
pub struct ServeConfig {
    /// Where to listen. Loopback by default: exposing the server is a deliberate choice
    /// (`0.0.0.0:8080`), ideally with `api_key` set.
    pub addr: SocketAddr,
    /// Model requests handled at once (queued or running). Beyond it requests get 429
    /// immediately instead of waiting: higher values absorb bursts but let latency grow
    /// (each admitted request waits its turn in the queue); lower values shed load early.
    pub max_concurrent_requests: usize,
    /// Documents allowed to wait for the model worker. Bounds memory and worst-case
    /// queueing delay; a batch request needs room for all its documents at once.
    /// Raised to at least `max_batch_documents` so a full batch request is never refused
    /// just for its size.
    pub max_queue: usize,
    /// Most documents per engine call, and per `/v1/analyze/batch` request. Bigger
    /// batches raise throughput under load (shared forward passes) but make each batch
    /// slower, so one request may wait behind a large one.
    pub max_batch_documents: usize,
    /// Most estimated tokens (text bytes / 4) per engine call: caps the padded tensor
    /// size (memory and time) of one batch when articles are long. A single larger
    /// document still runs, alone.
    pub max_batch_tokens: usize,
    /// Largest request body. Protects memory from huge uploads; 2 MB holds a very long
    /// article (the engine's own limit on characters applies after).
    pub max_body_bytes: usize,
    /// How long a request may wait for its analysis (queue + model) before 504. Too low
    /// fails long articles under load; too high lets clients hang on a stuck server.
    pub request_timeout: Duration,
    /// How long the worker waits for more requests once one has arrived, to batch them.
    /// Only waited when other requests are already admitted, so a lone request never
    /// pays it; a few ms trades a little latency for much better throughput under load.
    pub batch_wait: Duration,
    /// After a shutdown signal: how long in-flight requests may take to finish before
    /// the server exits anyway.
    pub drain_timeout: Duration,
    /// When set, every route except `/health`, `/ready` and the static pages (`/`,
    /// `/docs`, `/openapi.json`) needs `Authorization: Bearer <key>`. Never logged.
    pub api_key: Option<String>,
    /// Origins allowed by CORS (`*` for any). Empty (default): no CORS headers, so
    /// browsers only call the API from pages it serves itself.
    pub cors_origins: Vec<String>,
    /// Log line format.
    pub log_format: LogFormat,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_concurrent_requests: 128,
            max_queue: 512,
            max_batch_documents: 32,
            max_batch_tokens: 16_384,
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            batch_wait: Duration::from_millis(2),
            drain_timeout: Duration::from_secs(30),
            api_key: None,
            cors_origins: Vec::new(),
            log_format: LogFormat::Text,
        }
    }
}

/// The API key is a secret: Debug (and so every log line) shows only whether it is set.
impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeConfig")
            .field("addr", &self.addr)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("max_queue", &self.max_queue)
            .field("max_batch_documents", &self.max_batch_documents)
            .field("max_batch_tokens", &self.max_batch_tokens)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout", &self.request_timeout)
            .field("batch_wait", &self.batch_wait)
            .field("drain_timeout", &self.drain_timeout)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("cors_origins", &self.cors_origins)
            .field("log_format", &self.log_format)
            .finish()
    }
}

impl ServeConfig {
    /// Reject settings that cannot work, before binding.
    ///
    /// # Errors
    /// `InvalidInput` for a zero limit, an empty API key or an unparsable CORS origin.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("max-concurrent-requests", self.max_concurrent_requests),
            ("max-queue", self.max_queue),
            ("max-batch-documents", self.max_batch_documents),
            ("max-batch-tokens", self.max_batch_tokens),
            ("max-body-bytes", self.max_body_bytes),
        ];
        for (name, v) in positive {
            if v == 0 {
                return Err(Error::InvalidInput(format!("--{name} must be at least 1")));
            }
        }
        if self.request_timeout.is_zero() {
            return Err(Error::InvalidInput(
                "--request-timeout-secs must be positive".into(),
            ));
        }
        if matches!(&self.api_key, Some(k) if k.trim().is_empty()) {
            return Err(Error::InvalidInput("--api-key is empty".into()));
        }
        for o in &self.cors_origins {
            if o != "*" && axum::http::HeaderValue::from_str(o).is_err() {
                return Err(Error::InvalidInput(format!("bad --cors-origin {o:?}")));
            }
        }
        Ok(())
    }

    /// The queue bound actually used (see `max_queue`).
    fn effective_max_queue(&self) -> usize {
        self.max_queue.max(self.max_batch_documents)
    }
}

/// `parley serve` flags; every flag also reads a `PARLEY_*` environment variable.
#[derive(Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Model requests handled at once; more get 429 immediately.
    #[arg(long, env = "PARLEY_MAX_CONCURRENT_REQUESTS", default_value_t = 128)]
    pub max_concurrent_requests: usize,
    /// Documents allowed to wait for the model worker; more get 429.
    #[arg(long, env = "PARLEY_MAX_QUEUE", default_value_t = 512)]
    pub max_queue: usize,
    /// Most documents per engine call and per /v1/analyze/batch request.
    #[arg(long, env = "PARLEY_MAX_BATCH_DOCUMENTS", default_value_t = 32)]
    pub max_batch_documents: usize,
    /// Most estimated tokens (text bytes / 4) per engine call.
    #[arg(long, env = "PARLEY_MAX_BATCH_TOKENS", default_value_t = 16_384)]
    pub max_batch_tokens: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "PARLEY_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds a request may wait for its analysis before 504.
    #[arg(long, env = "PARLEY_REQUEST_TIMEOUT_SECS", default_value_t = 60)]
    pub request_timeout_secs: u64,
    /// Milliseconds the worker waits to batch requests that arrive together.
    #[arg(long, env = "PARLEY_BATCH_WAIT_MS", default_value_t = 2)]
    pub batch_wait_ms: u64,
    /// Seconds in-flight requests may take to finish after SIGTERM/SIGINT.
    #[arg(long, env = "PARLEY_DRAIN_TIMEOUT_SECS", default_value_t = 30)]
    pub drain_timeout_secs: u64,
    /// Require `Authorization: Bearer <KEY>` (all routes but /health, /ready and the
    /// static pages).
    #[arg(long, env = "PARLEY_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Allow browser calls from this origin (repeatable; `*` for any). Off by default.
    #[arg(
        long = "cors-origin",
        env = "PARLEY_CORS_ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Log format.
    #[arg(long, env = "PARLEY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        ServeConfig::from(self.clone()).fmt(f)
    }
}

impl From<ServeArgs> for ServeConfig {
    fn from(a: ServeArgs) -> Self {
        ServeConfig {
            addr: a.addr,
            max_concurrent_requests: a.max_concurrent_requests,
            max_queue: a.max_queue,
            max_batch_documents: a.max_batch_documents,
            max_batch_tokens: a.max_batch_tokens,
            max_body_bytes: a.max_body_bytes,
            request_timeout: Duration::from_secs(a.request_timeout_secs),
            batch_wait: Duration::from_millis(a.batch_wait_ms),
            drain_timeout: Duration::from_secs(a.drain_timeout_secs),
            api_key: a.api_key,
            cors_origins: a.cors_origins,
            log_format: a.log_format,
        }
    }
}

/// Where the engine is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Loading models or warming up.
    Loading,
    /// Loaded and warmed up: model routes accept work.
    Ready,
    /// Loading or warm-up failed; the server is stopping.
    Failed(String),
}

type Job = AnalyzeRequest;
type JobOutput = Result<Report>;

/// Shared state of one server: config, engine slot, queue, metrics, admission.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: ServeConfig,
    engine: Arc<OnceLock<Arc<Engine>>>,
    readiness: Arc<watch::Sender<Readiness>>,
    queue: queue::QueueHandle<Job, JobOutput>,
    receiver: Mutex<Option<queue::QueueReceiver<Job, JobOutput>>>,
    metrics: Arc<metrics::Metrics>,
    admission: Arc<Semaphore>,
}

impl AppState {
    /// Fresh state; nothing runs until [`AppState::start`].
    pub fn new(config: ServeConfig) -> AppState {
        let (queue, receiver) = queue::queue(queue::QueueConfig {
            max_batch_items: config.max_batch_documents.max(1),
            max_batch_cost: config.max_batch_tokens.max(1),
            max_queue_items: config.effective_max_queue(),
            batch_wait: config.batch_wait,
        });
        let admission = Arc::new(Semaphore::new(config.max_concurrent_requests.max(1)));
        AppState {
            inner: Arc::new(Inner {
                engine: Arc::new(OnceLock::new()),
                readiness: Arc::new(watch::Sender::new(Readiness::Loading)),
                queue,
                receiver: Mutex::new(Some(receiver)),
                metrics: Arc::new(metrics::Metrics::default()),
                admission,
                config,
            }),
        }
    }

    /// Start the model worker thread: run `loader`, warm the engine up, mark the state
    /// ready, then serve the queue until it is closed. Call once; later calls return
    /// `None`.
    pub fn start<L>(&self, loader: L) -> Option<std::thread::JoinHandle<()>>
    where
        L: FnOnce() -> Result<Arc<Engine>> + Send + 'static,
    {
        let receiver = self
            .inner
            .receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()?;
        // The worker holds only what it needs — not the queue handle — so dropping every
        // AppState disconnects the queue and ends the thread.
        let slot = self.inner.engine.clone();
        let readiness = self.inner.readiness.clone();
        let metrics = self.inner.metrics.clone();
        let admission = self.inner.admission.clone();
        let max_concurrent = self.inner.config.max_concurrent_requests.max(1);
        let spawned = std::thread::Builder::new()
            .name("parley-model".into())
            .spawn(move || {
                let engine = match load_and_warm(loader) {
                    Ok(e) => e,
                    Err(msg) => {
                        tracing::error!(error = %msg, "model loading failed");
                        readiness.send_replace(Readiness::Failed(msg));
                        return;
                    }
                };
                let _ = slot.set(engine.clone());
                readiness.send_replace(Readiness::Ready);
                tracing::info!("models loaded and warmed up; ready");
                // Requests admitted but not yet part of this batch are about to arrive.
                let more_coming =
                    |units: usize| max_concurrent - admission.available_permits() > units;
                receiver.run(
                    |docs| run_engine(&engine, docs, &metrics),
                    more_coming,
                    |n| metrics.observe_batch(n),
                );
            });
        match spawned {
            Ok(h) => Some(h),
            Err(e) => {
                self.inner
                    .readiness
                    .send_replace(Readiness::Failed(format!("cannot start worker: {e}")));
                None
            }
        }
    }

    pub fn config(&self) -> &ServeConfig {
        &self.inner.config
    }

    /// The engine, once loaded and warmed up.
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        self.inner.engine.get()
    }

    pub fn readiness(&self) -> Readiness {
        self.inner.readiness.borrow().clone()
    }

    /// Model requests admitted and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.inner.config.max_concurrent_requests.max(1) - self.inner.admission.available_permits()
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    fn queue(&self) -> &queue::QueueHandle<Job, JobOutput> {
        &self.inner.queue
    }

    fn admission(&self) -> &Arc<Semaphore> {
        &self.inner.admission
    }

    fn subscribe(&self) -> watch::Receiver<Readiness> {
        self.inner.readiness.subscribe()
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

fn load_and_warm<L>(loader: L) -> std::result::Result<Arc<Engine>, String>
where
    L: FnOnce() -> Result<Arc<Engine>>,
{
    let engine = std::panic::catch_unwind(AssertUnwindSafe(loader))
        .map_err(|p| format!("the model loader panicked: {}", panic_message(&*p)))?
        .map_err(|e| e.to_string())?;
    let t = std::time::Instant::now();
    std::panic::catch_unwind(AssertUnwindSafe(|| engine.warm_up()))
        .map_err(|p| format!("warm-up panicked: {}", panic_message(&*p)))?
        .map_err(|e| format!("warm-up failed: {e}"))?;
    tracing::info!(ms = t.elapsed().as_millis() as u64, "warm-up analysis done");
    Ok(engine)
}

/// One engine call for a batch. A panic inside the engine fails this batch's requests
/// (500) but not the worker, so the server keeps serving.
fn run_engine(
    engine: &Engine,
    docs: &[AnalyzeRequest],
    metrics: &metrics::Metrics,
) -> Vec<JobOutput> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| engine.analyze_batch(docs))) {
        Ok(results) => {
            for r in results.iter().flatten() {
                metrics.observe_stages(&r.timings_ms);
            }
            results
        }
        Err(p) => {
            let msg = panic_message(&*p);
            tracing::error!(panic = %msg, docs = docs.len(), "the engine panicked on a batch");
            docs.iter()
                .map(|_| Err(Error::Inference(format!("the engine panicked: {msg}"))))
                .collect()
        }
    }
}

/// Serve on an already-bound listener until `shutdown` resolves, then drain.
///
/// `loader` runs on the model worker thread while the server already answers
/// `/health` (and `/ready` with 503); pass `move || Ok(engine)` for a loaded engine.
///
/// # Errors
/// `InvalidInput` for a bad config, `ModelUnavailable` (or the loader's error text) when
/// loading or warm-up fails — the server stops then — and `Io` when serving fails.
pub async fn serve<L, F>(
    listener: tokio::net::TcpListener,
    config: ServeConfig,
    loader: L,
    shutdown: F,
) -> Result<()>
where
    L: FnOnce() -> Result<Arc<Engine>> + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    config.validate()?;
    let drain_timeout = config.drain_timeout;
    let state = AppState::new(config);
    let worker = state.start(loader);
    let app = router(state.clone());

    let failure: Arc<Mutex<Option<String>>> = Arc::default();
    let (draining_tx, draining_rx) = tokio::sync::oneshot::channel::<()>();
    let mut readiness = state.subscribe();
    let failure_w = failure.clone();
    let signal = async move {
        tokio::select! {
            () = shutdown => tracing::info!("shutdown requested; draining in-flight requests"),
            r = readiness.wait_for(|r| matches!(r, Readiness::Failed(_))) => {
                if let Ok(r) = r {
                    if let Readiness::Failed(msg) = &*r {
                        *failure_w.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg.clone());
                    }
                }
            }
        }
        let _ = draining_tx.send(());
    };
    let server = axum::serve(listener, app.clone()).with_graceful_shutdown(signal);
    let drain_limit = async move {
        if draining_rx.await.is_ok() {
            tokio::time::sleep(drain_timeout).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        r = server => r.map_err(|e| Error::io("serving HTTP", e))?,
        () = drain_limit => tracing::warn!(
            secs = drain_timeout.as_secs_f64(),
            "drain time limit reached; abandoning requests still in flight"
        ),
    }

    // No more requests: stop the worker after its current batch.
    state.queue().close();
    drop(app);
    drop(state);
    if let Some(h) = worker {
        let joined = tokio::task::spawn_blocking(move || h.join());
        // A worker still loading models is not waited for: the process is exiting.
        if tokio::time::timeout(drain_timeout, joined).await.is_err() {
            tracing::warn!("model worker still busy at exit");
        }
    }
    tracing::info!("server stopped");
    let failed = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    match failed {
        Some(msg) => Err(Error::ModelUnavailable(msg)),
        None => Ok(()),
    }
}

/// Bind `config.addr`, log the settings (API key redacted) and [`serve`].
///
/// # Errors
/// As [`serve`], plus `Io` when the address cannot be bound.
pub async fn run<L, F>(config: ServeConfig, loader: L, shutdown: F) -> Result<()>
where
    L: FnOnce() -> Result<Arc<Engine>> + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    init_logging(config.log_format);
    config.validate()?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| Error::io(format!("binding {}", config.addr), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the bound address", e))?;
    tracing::info!(%addr, config = ?config, "listening; loading models");
    serve(listener, config, loader, shutdown).await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM: the usual `shutdown` argument of [`run`].
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Install a global tracing subscriber (`RUST_LOG` filter, default `info`) in the
/// given format. Does nothing if one is already installed (e.g. by the CLI or a test).
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        serve: ServeArgs,
    }

    #[test]
    fn args_defaults_match_config_defaults() {
        let cli = Cli::try_parse_from(["parley"]).unwrap();
        let from_args = ServeConfig::from(cli.serve);
        let d = ServeConfig::default();
        assert_eq!(format!("{from_args:?}"), format!("{d:?}"));
    }

    #[test]
    fn args_parse_every_flag_and_redact_the_key() {
        let cli = Cli::try_parse_from([
            "parley",
            "--addr",
            "0.0.0.0:9000",
            "--max-concurrent-requests",
            "3",
            "--max-queue",
            "7",
            "--max-batch-documents",
            "5",
            "--max-batch-tokens",
            "999",
            "--max-body-bytes",
            "1000",
            "--request-timeout-secs",
            "9",
            "--api-key",
            "s3cret-value",
            "--cors-origin",
            "http://a.example",
            "--cors-origin",
            "http://b.example",
            "--log-format",
            "json",
        ])
        .unwrap();
        let shown = format!("{:?}", cli.serve);
        assert!(!shown.contains("s3cret-value"), "{shown}");
        assert!(shown.contains("<redacted>"));
        let c = ServeConfig::from(cli.serve);
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.max_concurrent_requests, 3);
        assert_eq!(c.max_queue, 7);
        assert_eq!(c.max_batch_documents, 5);
        assert_eq!(c.max_batch_tokens, 999);
        assert_eq!(c.max_body_bytes, 1000);
        assert_eq!(c.request_timeout, Duration::from_secs(9));
        assert_eq!(c.api_key.as_deref(), Some("s3cret-value"));
        assert_eq!(c.cors_origins, ["http://a.example", "http://b.example"]);
        assert_eq!(c.log_format, LogFormat::Json);
        c.validate().unwrap();
    }

    #[test]
    fn validate_rejects_unworkable_settings() {
        let mut c = ServeConfig {
            max_queue: 0,
            ..ServeConfig::default()
        };
        assert!(c.validate().is_err());
        c.max_queue = 1;
        c.api_key = Some("  ".into());
        assert!(c.validate().is_err());
        c.api_key = None;
        c.cors_origins = vec!["bad\norigin".into()];
        assert!(c.validate().is_err());
        c.cors_origins = vec!["*".into()];
        c.validate().unwrap();
        // A batch request always fits the queue.
        assert_eq!(c.effective_max_queue(), c.max_batch_documents);
    }
}
