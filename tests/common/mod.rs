//! Test harness shared by tests/server.rs and tests/web.rs: the one engine per test
//! binary (default models, fetched into the model cache on first use) and a real server
//! on 127.0.0.1:0 running on its own thread and runtime.
#![allow(dead_code)] // each test binary uses a different part

use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parley::server::{serve, ServeConfig};
use parley::{Engine, EngineConfig};
use reqwest::blocking::Client;
use reqwest::StatusCode;

pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let config = EngineConfig {
                offline: false,
                ..EngineConfig::default()
            };
            Arc::new(Engine::load(&config).unwrap_or_else(|e| {
                panic!("cannot load the default models for the server tests: {e}")
            }))
        })
        .clone()
}

/// A server running on its own thread and runtime.
pub struct TestServer {
    pub base: String,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub thread: Option<JoinHandle<parley::Result<()>>>,
}

impl TestServer {
    /// Start with the shared engine and wait until `/ready` says 200.
    pub fn start(config: ServeConfig) -> TestServer {
        let e = engine();
        let s = TestServer::start_with(config, move || Ok(e));
        s.wait_ready(Duration::from_secs(300));
        s
    }

    /// Start with any loader; returns as soon as the socket listens.
    pub fn start_with<L>(config: ServeConfig, loader: L) -> TestServer
    where
        L: FnOnce() -> parley::Result<Arc<Engine>> + Send + 'static,
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                serve(listener, config, loader, async move {
                    let _ = stopped.await;
                })
                .await
            })
        });
        TestServer {
            base,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn wait_ready(&self, limit: Duration) {
        let c = client();
        let t = Instant::now();
        loop {
            if let Ok(r) = c.get(self.url("/ready")).send() {
                if r.status() == StatusCode::OK {
                    return;
                }
                let body = r.text().unwrap_or_default();
                assert!(
                    !body.contains("loading failed"),
                    "the server could not load its models: {body}"
                );
            }
            let stopped = self.thread.as_ref().is_none_or(|h| h.is_finished());
            assert!(!stopped, "the server stopped before it was ready");
            assert!(t.elapsed() < limit, "server not ready after {limit:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Send the shutdown signal and wait for `serve` to return.
    pub fn shutdown(mut self) -> parley::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap()
}
