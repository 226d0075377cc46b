//! Load benchmark for `parley serve`: throughput and p50/p99 latency at 1, 4 and 16
//! concurrent clients over HTTP on loopback, against the same analyses done in-process
//! with the same engine in the same run, and the ratio server/in-process.
//!
//! `cargo bench --bench load` (add `--features cuda` on a GPU machine). Settings:
//! `PARLEY_LOAD_SECS` (seconds per measurement, default 10),
//! `PARLEY_LOAD_CONCURRENCY` (default `1,4,16`).
//!
//! In-process baseline at concurrency c: c threads each calling `Engine::analyze` in a
//! loop (what a program embedding the library would do). The server at c: c async
//! clients each posting `/v1/analyze` in a loop; the server batches their requests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parley::server::routes::DEMO_ARTICLE;
use parley::server::{serve, ServeConfig};
use parley::{AnalyzeRequest, Engine, EngineConfig};

/// A few distinct articles so no run is a repeat of the previous input.
fn articles() -> Vec<String> {
    let paragraphs: Vec<&str> = DEMO_ARTICLE.split("\n\n").collect();
    let mut out = vec![DEMO_ARTICLE.to_string()];
    // Rotations of the paragraphs: same length and speakers, different order.
    for k in 1..4 {
        let mut p = paragraphs.clone();
        p.rotate_left(k);
        out.push(p.join("\n\n"));
    }
    out
}

#[derive(Default)]
struct Stats {
    latencies: Vec<Duration>,
    wall: Duration,
    errors: usize,
}

impl Stats {
    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.latencies.clone();
        v.sort();
        if v.is_empty() {
            return f64::NAN;
        }
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i].as_secs_f64() * 1000.0
    }
}

fn in_process(engine: &Arc<Engine>, docs: &[String], conc: usize, secs: Duration) -> Stats {
    let start = Instant::now();
    let threads: Vec<_> = (0..conc)
        .map(|t| {
            let engine = engine.clone();
            let docs = docs.to_vec();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0;
                let mut i = t;
                while start.elapsed() < secs {
                    let req = AnalyzeRequest::new(docs[i % docs.len()].clone());
                    let t0 = Instant::now();
                    match engine.analyze(&req) {
                        Ok(_) => lat.push(t0.elapsed()),
                        Err(_) => errors += 1,
                    }
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let mut s = Stats::default();
    for t in threads {
        let (lat, errors) = t.join().unwrap();
        s.latencies.extend(lat);
        s.errors += errors;
    }
    s.wall = start.elapsed();
    s
}

async fn over_http(base: &str, docs: &[String], conc: usize, secs: Duration) -> Stats {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(conc)
        .build()
        .unwrap();
    let start = Instant::now();
    let tasks: Vec<_> = (0..conc)
        .map(|t| {
            let client = client.clone();
            let url = format!("{base}/v1/analyze");
            let docs = docs.to_vec();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut errors = 0;
                let mut i = t;
                while start.elapsed() < secs {
                    let body = serde_json::json!({ "text": docs[i % docs.len()] });
                    let t0 = Instant::now();
                    match client.post(&url).json(&body).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            lat.push(t0.elapsed());
                        }
                        _ => errors += 1,
                    }
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let mut s = Stats::default();
    for t in tasks {
        let (lat, errors) = t.await.unwrap();
        s.latencies.extend(lat);
        s.errors += errors;
    }
    s.wall = start.elapsed();
    s
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not meaningful here.
    let secs = Duration::from_secs(
        std::env::var("PARLEY_LOAD_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
    );
    let levels: Vec<usize> = std::env::var("PARLEY_LOAD_CONCURRENCY")
        .unwrap_or_else(|_| "1,4,16".into())
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();

    let t = Instant::now();
    let engine = Arc::new(Engine::load(&EngineConfig::default()).expect("load the default models"));
    engine.warm_up().expect("warm-up");
    eprintln!("engine loaded in {:.1} s", t.elapsed().as_secs_f64());
    let docs = articles();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let e = engine.clone();
    let server = rt.spawn(serve(
        listener,
        ServeConfig {
            max_concurrent_requests: 1024,
            ..ServeConfig::default()
        },
        move || Ok(e),
        async move {
            let _ = stopped.await;
        },
    ));
    rt.block_on(async {
        let c = reqwest::Client::new();
        loop {
            if let Ok(r) = c.get(format!("{base}/ready")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    println!(
        "{:>5} | {:>10} {:>9} {:>9} | {:>10} {:>9} {:>9} | {:>6}",
        "conc", "http req/s", "p50 ms", "p99 ms", "proc req/s", "p50 ms", "p99 ms", "ratio"
    );
    for &c in &levels {
        let http = rt.block_on(over_http(&base, &docs, c, secs));
        let local = in_process(&engine, &docs, c, secs);
        println!(
            "{:>5} | {:>10.2} {:>9.1} {:>9.1} | {:>10.2} {:>9.1} {:>9.1} | {:>6.2}{}",
            c,
            http.throughput(),
            http.pct(0.5),
            http.pct(0.99),
            local.throughput(),
            local.pct(0.5),
            local.pct(0.99),
            http.throughput() / local.throughput(),
            if http.errors + local.errors > 0 {
                format!(
                    "  (errors: http {}, in-process {})",
                    http.errors, local.errors
                )
            } else {
                String::new()
            }
        );
    }
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
}
