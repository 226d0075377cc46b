//! Prometheus metrics for `GET /metrics`, in the text exposition format (0.0.4), all
//! prefixed `parley_`.
//!
//! Hand-rolled rather than a metrics crate: the set is small and fixed, and labels are
//! bounded by construction (routes are the router's matched paths, never raw URLs, so a
//! scan of random paths cannot blow up the series count).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Latency buckets in seconds: from a cached health check to a long abstractive summary.
const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Documents per engine call.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            counts: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, v: f64) {
        for (i, b) in self.bounds.iter().enumerate() {
            if v <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += v;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (b, c) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {c}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// (route, method, status)
type RequestKey = (String, String, u16);

/// All server metrics. Shared by reference from the app state.
#[derive(Debug)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RequestKey, Histogram>>,
    batches: Mutex<Histogram>,
    stages: Mutex<BTreeMap<String, Histogram>>,
    documents: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Mutex::new(BTreeMap::new()),
            batches: Mutex::new(Histogram::new(BATCH_BUCKETS)),
            stages: Mutex::new(BTreeMap::new()),
            documents: AtomicU64::new(0),
            rejected: Mutex::new(BTreeMap::new()),
        }
    }
}

/// Gauges read at scrape time from the live state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub queue_depth: usize,
    pub in_flight: usize,
    pub ready: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a metrics lock leaves counts that are still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Escape a label value per the exposition format.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// One finished HTTP request.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        lock(&self.requests)
            .entry((route.to_string(), method.to_string(), status))
            .or_insert_with(|| Histogram::new(SECONDS_BUCKETS))
            .observe(seconds);
    }

    /// One engine call over `docs` documents.
    pub fn observe_batch(&self, docs: usize) {
        lock(&self.batches).observe(docs as f64);
        self.documents.fetch_add(docs as u64, Ordering::Relaxed);
    }

    /// A report's per-stage wall times (milliseconds, as in `Report::timings_ms`).
    pub fn observe_stages(&self, timings_ms: &BTreeMap<String, f64>) {
        let mut stages = lock(&self.stages);
        for (stage, ms) in timings_ms {
            stages
                .entry(stage.clone())
                .or_insert_with(|| Histogram::new(SECONDS_BUCKETS))
                .observe(ms / 1000.0);
        }
    }

    /// A request refused before model work (`overloaded`, `queue_full`, `timeout`, ...).
    pub fn observe_rejection(&self, reason: &'static str) {
        *lock(&self.rejected).entry(reason).or_insert(0) += 1;
    }

    /// The exposition text.
    pub fn render(&self, g: Gauges) -> String {
        let mut out = String::new();
        let requests = lock(&self.requests).clone();
        out.push_str(
            "# HELP parley_requests_total HTTP requests by matched route, method and status.\n",
        );
        out.push_str("# TYPE parley_requests_total counter\n");
        for ((route, method, status), h) in &requests {
            let _ = writeln!(
                out,
                "parley_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {}",
                esc(route),
                esc(method),
                h.count
            );
        }
        out.push_str("# HELP parley_request_duration_seconds HTTP request latency by matched route, method and status.\n");
        out.push_str("# TYPE parley_request_duration_seconds histogram\n");
        for ((route, method, status), h) in &requests {
            let labels = format!(
                "route=\"{}\",method=\"{}\",status=\"{status}\"",
                esc(route),
                esc(method)
            );
            h.render(&mut out, "parley_request_duration_seconds", &labels);
        }

        out.push_str("# HELP parley_queue_depth Documents waiting for the model worker.\n");
        out.push_str("# TYPE parley_queue_depth gauge\n");
        let _ = writeln!(out, "parley_queue_depth {}", g.queue_depth);
        out.push_str(
            "# HELP parley_requests_in_flight Model requests admitted and not yet answered.\n",
        );
        out.push_str("# TYPE parley_requests_in_flight gauge\n");
        let _ = writeln!(out, "parley_requests_in_flight {}", g.in_flight);
        out.push_str("# HELP parley_ready 1 when models are loaded and warmed up.\n");
        out.push_str("# TYPE parley_ready gauge\n");
        let _ = writeln!(out, "parley_ready {}", u8::from(g.ready));

        out.push_str("# HELP parley_batch_size_documents Documents per engine call.\n");
        out.push_str("# TYPE parley_batch_size_documents histogram\n");
        lock(&self.batches).render(&mut out, "parley_batch_size_documents", "");
        out.push_str("# HELP parley_documents_total Documents run through the engine.\n");
        out.push_str("# TYPE parley_documents_total counter\n");
        let _ = writeln!(
            out,
            "parley_documents_total {}",
            self.documents.load(Ordering::Relaxed)
        );

        out.push_str("# HELP parley_stage_duration_seconds Per-stage wall time of each analysis (from the report's timings).\n");
        out.push_str("# TYPE parley_stage_duration_seconds histogram\n");
        for (stage, h) in lock(&self.stages).iter() {
            h.render(
                &mut out,
                "parley_stage_duration_seconds",
                &format!("stage=\"{}\"", esc(stage)),
            );
        }

        out.push_str(
            "# HELP parley_rejected_total Requests refused before model work, by reason.\n",
        );
        out.push_str("# TYPE parley_rejected_total counter\n");
        for (reason, n) in lock(&self.rejected).iter() {
            let _ = writeln!(out, "parley_rejected_total{{reason=\"{reason}\"}} {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_histograms_and_gauges() {
        let m = Metrics::default();
        m.observe_request("/v1/analyze", "POST", 200, 0.02);
        m.observe_request("/v1/analyze", "POST", 200, 3.0);
        m.observe_request("/v1/analyze", "POST", 429, 0.0001);
        m.observe_batch(3);
        m.observe_stages(&BTreeMap::from([("encode".to_string(), 12.5)]));
        m.observe_rejection("overloaded");
        let text = m.render(Gauges {
            queue_depth: 4,
            in_flight: 2,
            ready: true,
        });
        assert!(text.contains(
            "parley_requests_total{route=\"/v1/analyze\",method=\"POST\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "parley_request_duration_seconds_bucket{route=\"/v1/analyze\",method=\"POST\",status=\"200\",le=\"0.025\"} 1"
        ));
        assert!(text.contains(
            "parley_request_duration_seconds_bucket{route=\"/v1/analyze\",method=\"POST\",status=\"200\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("parley_queue_depth 4\n"));
        assert!(text.contains("parley_requests_in_flight 2\n"));
        assert!(text.contains("parley_batch_size_documents_bucket{le=\"4\"} 1"));
        assert!(text.contains("parley_batch_size_documents_bucket{le=\"2\"} 0"));
        assert!(text.contains("parley_stage_duration_seconds_sum{stage=\"encode\"} 0.0125"));
        assert!(text.contains("parley_rejected_total{reason=\"overloaded\"} 1"));
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.rsplit_once(' ').unwrap();
            assert!(name.starts_with("parley_"), "{line}");
            value.parse::<f64>().unwrap();
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(esc("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
