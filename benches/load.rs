//! Load benchmark for `parley serve`: throughput and p50/p99 latency at 1, 4 and 16
//! concurrent clients over HTTP on loopback, against the same analyses done in-process
//! with the same engine in the same run, and the ratio server/in-process.
//!
//! `cargo bench --bench load` (add `--features cuda` on a GPU machine). Settings:
//! `PARLEY_LOAD_ROUNDS` (requests per client per measurement, default 4),
//! `PARLEY_LOAD_CONCURRENCY` (default `1,4,16`).
//!
//! Every measurement does the same fixed work (c clients × rounds requests) and
//! throughput is requests / wall time until the last one finished, so slow requests
//! cannot fall outside a time window and flatter a mode. `batch` in the server columns
//! is the mean number of documents per engine call (from the server's own metrics).
//!
//! In-process baseline at concurrency c: c threads each calling `Engine::analyze` in a
//! loop (what a program embedding the library would do); `ratio` is server/in-process.
//! A second baseline, `batch`, calls `Engine::analyze_batch` with c articles at a time
//! in one thread (the best an embedding program can do); `vs batch` is server/that. The
//! server at c: c async clients each posting `/v1/analyze` in a loop; the server batches
//! their requests.

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

fn in_process(engine: &Arc<Engine>, docs: &[String], conc: usize, rounds: usize) -> Stats {
    let start = Instant::now();
    let threads: Vec<_> = (0..conc)
        .map(|t| {
            let engine = engine.clone();
            let docs = docs.to_vec();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0;
                for i in t..t + rounds {
                    let req = AnalyzeRequest::new(docs[i % docs.len()].clone());
                    let t0 = Instant::now();
                    match engine.analyze(&req) {
                        Ok(_) => lat.push(t0.elapsed()),
                        Err(_) => errors += 1,
                    }
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

fn in_process_batched(engine: &Arc<Engine>, docs: &[String], conc: usize, rounds: usize) -> Stats {
    let start = Instant::now();
    let mut s = Stats::default();
    let mut i = 0;
    for _ in 0..rounds {
        let reqs: Vec<AnalyzeRequest> = (0..conc)
            .map(|k| AnalyzeRequest::new(docs[(i + k) % docs.len()].clone()))
            .collect();
        let t0 = Instant::now();
        let results = engine.analyze_batch(&reqs);
        let took = t0.elapsed();
        for r in results {
            match r {
                Ok(_) => s.latencies.push(took),
                Err(_) => s.errors += 1,
            }
        }
        i += conc;
    }
    s.wall = start.elapsed();
    s
}

async fn over_http(base: &str, docs: &[String], conc: usize, rounds: usize) -> Stats {
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
                for i in t..t + rounds {
                    let body = serde_json::json!({ "text": docs[i % docs.len()] });
                    let t0 = Instant::now();
                    match client.post(&url).json(&body).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            lat.push(t0.elapsed());
                        }
                        _ => errors += 1,
                    }
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

/// (documents, engine calls) so far, from the server's metrics.
async fn batch_stats(base: &str) -> (f64, f64) {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (
        value("parley_batch_size_documents_sum "),
        value("parley_batch_size_documents_count "),
    )
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not meaningful here.
    let rounds: usize = std::env::var("PARLEY_LOAD_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
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
        "{:>4} | {:>9} {:>8} {:>8} {:>5} | {:>9} {:>8} {:>8} | {:>9} | {:>5} {:>8}",
        "conc",
        "http r/s",
        "p50 ms",
        "p99 ms",
        "batch",
        "proc r/s",
        "p50 ms",
        "p99 ms",
        "batch r/s",
        "ratio",
        "vs batch"
    );
    for &c in &levels {
        let before = rt.block_on(batch_stats(&base));
        let http = rt.block_on(over_http(&base, &docs, c, rounds));
        let after = rt.block_on(batch_stats(&base));
        let mean_batch = (after.0 - before.0) / (after.1 - before.1).max(1.0);
        let local = in_process(&engine, &docs, c, rounds);
        let batched = in_process_batched(&engine, &docs, c, rounds);
        let errors = http.errors + local.errors + batched.errors;
        println!(
            "{:>4} | {:>9.2} {:>8.0} {:>8.0} {:>5.1} | {:>9.2} {:>8.0} {:>8.0} | {:>9.2} | {:>5.2} {:>8.2}{}",
            c,
            http.throughput(),
            http.pct(0.5),
            http.pct(0.99),
            mean_batch,
            local.throughput(),
            local.pct(0.5),
            local.pct(0.99),
            batched.throughput(),
            http.throughput() / local.throughput(),
            http.throughput() / batched.throughput(),
            if errors > 0 {
                format!("  (errors: {errors})")
            } else {
                String::new()
            }
        );
    }
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
}
