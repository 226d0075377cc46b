//! End-to-end tests of `parley serve`: the real server on 127.0.0.1:0 with the real engine
//! (default models, fetched into the model cache on first use), driven by a blocking
//! reqwest client. One engine is loaded per test binary and shared by every server.

mod common;

use std::collections::BTreeMap;
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use common::{client, engine, TestServer};
use parley::server::routes::{DEMO_ARTICLE, DEMO_TITLE};
use parley::server::ServeConfig;
use parley::AnalyzeRequest;
use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// One server with default settings, shared by the tests that do not change settings.
fn shared() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| TestServer::start(ServeConfig::default()))
}

fn post_json(
    c: &Client,
    url: &str,
    body: &Value,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let r = c.post(url).json(body).send().unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let v = r.json::<Value>().unwrap_or(Value::Null);
    (status, headers, v)
}

fn post_raw(c: &Client, url: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = c
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .unwrap();
    let status = r.status();
    (status, r.json::<Value>().unwrap_or(Value::Null))
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {v}"))
}

/// A report as JSON without its wall-clock timings (which differ run to run).
/// A report without its timings (which differ run to run).
fn comparable(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("timings_ms");
    v
}

/// Equal JSON, except numbers may differ by 1e-4: the server batches concurrent requests
/// through the models (padding changes the order of a matrix product's sums), and writes
/// f32 fields in their shortest form while `to_value` widens them to f64 first.
fn assert_close(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-4, "{path}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}: lengths differ");
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                assert_close(x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            assert_eq!(kx, ky, "{path}: keys differ");
            for (k, v) in x {
                assert_close(v, &y[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

fn demo_request() -> Value {
    json!({"text": DEMO_ARTICLE, "title": DEMO_TITLE, "id": "demo-1"})
}

#[test]
fn analyze_returns_the_same_report_as_the_engine() {
    let s = shared();
    let c = client();
    let (status, headers, body) = post_json(&c, &s.url("/v1/analyze"), &demo_request());
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(body["id"], "demo-1");
    assert_eq!(body["target"], "a ceasefire");
    assert!(!body["speakers"].as_array().unwrap().is_empty(), "{body}");

    let mut req = AnalyzeRequest::new(DEMO_ARTICLE);
    req.title = Some(DEMO_TITLE.into());
    req.id = Some("demo-1".into());
    // Through JSON text, as the CLI prints it (f32 fields widen differently via to_value).
    let direct: Value =
        serde_json::from_str(&serde_json::to_string(&engine().analyze(&req).unwrap()).unwrap())
            .unwrap();
    assert_close(&comparable(body), &comparable(direct), "$");
}

#[test]
fn summarize_and_stance_return_their_part_of_the_report() {
    let s = shared();
    let c = client();
    let (_, _, report) = post_json(&c, &s.url("/v1/analyze"), &demo_request());
    let (status, _, sum) = post_json(&c, &s.url("/v1/summarize"), &demo_request());
    assert_eq!(status, StatusCode::OK, "{sum}");
    assert_eq!(sum["summary"], report["summary"]);
    assert!(!sum["summary"]["text"].as_str().unwrap().is_empty());

    let mut req = demo_request();
    req["target"] = json!("the ferry truce");
    let (status, _, st) = post_json(&c, &s.url("/v1/stance"), &req);
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["target"], "the ferry truce");
    let names: Vec<&str> = st["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sp| sp["name"].as_str().unwrap())
        .collect();
    let report_names: Vec<&str> = report["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sp| sp["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, report_names);
}

#[test]
fn batch_answers_in_order_with_inline_errors() {
    let s = shared();
    let c = client();
    let second = "The mayor said the bridge would reopen on Monday. \"We are ready,\" she said.";
    let body = json!({"documents": [
        {"text": DEMO_ARTICLE, "id": "a"},
        {"text": "   ", "id": "empty"},
        {"text": 42},
        {"text": second, "id": "b", "summary_mode": "extractive"},
    ]});
    let (status, _, v) = post_json(&c, &s.url("/v1/analyze/batch"), &body);
    assert_eq!(status, StatusCode::OK, "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["id"], "a");
    assert_eq!(error_code(&results[1]), "invalid_input");
    assert_eq!(error_code(&results[2]), "invalid_input");
    assert_eq!(results[3]["id"], "b");

    // Batched results equal single analyses, up to float noise: a batched encoder pass
    // pads inputs, which moves the last digits of the probabilities.
    let (_, _, single) = post_json(
        &c,
        &s.url("/v1/analyze"),
        &json!({"text": second, "id": "b"}),
    );
    assert_close(&comparable(results[3].clone()), &comparable(single), "$");
}

#[test]
fn service_routes_answer() {
    let s = shared();
    let c = client();
    let r = c.get(s.url("/health")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().unwrap()["status"], "ok");
    let r = c.get(s.url("/ready")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let r = c.get(s.url("/v1/models")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let models = r.json::<Value>().unwrap();
    assert!(models["models"].is_array(), "{models}");

    let r = c.get(s.url("/openapi.json")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc = r.json::<Value>().unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/v1/analyze"]["post"].is_object());

    let r = c.get(s.url("/docs")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    assert!(page.contains("/openapi.json"));
    assert!(
        !page.contains("https://"),
        "the docs page must not load anything remote"
    );

    let r = c.get(s.url("/")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().unwrap();
    assert!(page.contains("/v1/analyze"));
    assert!(
        !page.contains("https://"),
        "the web page must not load anything remote"
    );
}

#[test]
fn metrics_count_routes_batches_and_stages() {
    let s = shared();
    let c = client();
    let (status, _, _) = post_json(&c, &s.url("/v1/analyze"), &demo_request());
    assert_eq!(status, StatusCode::OK);
    let _ = c.get(s.url("/no/such/route")).send().unwrap();
    let r = c.get(s.url("/metrics")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = r.text().unwrap();
    let count = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit_once(' '))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{text}"))
    };
    assert!(
        count("parley_requests_total{route=\"/v1/analyze\",method=\"POST\",status=\"200\"}") >= 1.0
    );
    assert!(
        count("parley_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}") >= 1.0
    );
    assert!(count("parley_request_duration_seconds_count{route=\"/v1/analyze\",method=\"POST\",status=\"200\"}") >= 1.0);
    assert!(count("parley_batch_size_documents_count") >= 1.0);
    assert!(count("parley_documents_total") >= 1.0);
    assert_eq!(count("parley_ready"), 1.0);
    count("parley_queue_depth");
    assert!(
        text.contains("parley_stage_duration_seconds_count{stage="),
        "stage timings from the report are exported:\n{text}"
    );
}

#[test]
fn client_mistakes_get_4xx_json() {
    let s = shared();
    let c = client();
    let url = s.url("/v1/analyze");

    let (st, v) = post_raw(
        &c,
        &url,
        "application/json",
        b"{\"text\": \"unterminated".to_vec(),
    );
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "malformed_json");

    let (st, v) = post_raw(
        &c,
        &url,
        "application/json",
        b"{\"text\": \"caf\xe9 au lait\"}".to_vec(),
    );
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "invalid_utf8");

    let (st, v) = post_raw(&c, &url, "text/plain", b"{\"text\": \"hello\"}".to_vec());
    assert_eq!(st, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&v), "unsupported_media_type");

    let big = serde_json::to_vec(&json!({"text": "a ".repeat(1_100_000)})).unwrap();
    assert!(big.len() > ServeConfig::default().max_body_bytes);
    let (st, v) = post_raw(&c, &url, "application/json", big);
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&v), "payload_too_large");

    for (body, what) in [
        (json!({"text": ""}), "empty text"),
        (json!({"text": "  \n "}), "blank text"),
        (json!({"text": 17}), "wrong type"),
        (json!({"title": "no text"}), "missing text"),
        (
            json!({"text": "A said B.", "summary_mode": "poetic"}),
            "unknown mode",
        ),
        (json!({"text": "A said B.", "target": ""}), "empty target"),
        (
            json!({"text": "A said B.", "tagret": "the merger"}),
            "misspelt field",
        ),
        (json!(["text"]), "not an object"),
    ] {
        let (st, _, v) = post_json(&c, &url, &body);
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {v}");
        assert_eq!(error_code(&v), "invalid_input", "{what}");
    }

    let too_many: Vec<Value> = (0..ServeConfig::default().max_batch_documents + 1)
        .map(|i| json!({"text": format!("Item {i} said hello.")}))
        .collect();
    let (st, _, v) = post_json(
        &c,
        &s.url("/v1/analyze/batch"),
        &json!({ "documents": too_many }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "too_many_documents");
    let (st, _, v) = post_json(&c, &s.url("/v1/analyze/batch"), &json!({"documents": []}));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&v), "invalid_input");
    let (st, _, v) = post_json(&c, &s.url("/v1/analyze/batch"), &json!({"documents": "x"}));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    let r = c.get(s.url("/v2/nothing")).send().unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(&r.json().unwrap()), "not_found");

    let r = c.get(s.url("/v1/analyze")).send().unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&r.json().unwrap()), "method_not_allowed");
}

#[test]
fn request_ids_are_echoed_or_generated() {
    let s = shared();
    let c = client();
    let r = c
        .get(s.url("/health"))
        .header("x-request-id", "trace-me-42")
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-42");
    let a = c.get(s.url("/health")).send().unwrap();
    let b = c.get(s.url("/health")).send().unwrap();
    let (a, b) = (&a.headers()["x-request-id"], &b.headers()["x-request-id"]);
    assert!(!a.is_empty());
    assert_ne!(a, b);
}

#[test]
fn api_key_guards_everything_but_probes_and_pages() {
    let s = TestServer::start(ServeConfig {
        api_key: Some("k-123".into()),
        ..ServeConfig::default()
    });
    let c = client();
    let body = json!({"text": "The mayor said the bridge would reopen on Monday."});
    let r = c.post(s.url("/v1/analyze")).json(&body).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&r.json().unwrap()), "unauthorized");
    let r = c
        .post(s.url("/v1/analyze"))
        .bearer_auth("wrong")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.get(s.url("/metrics")).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.get(s.url("/v1/models")).send().unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = c
        .post(s.url("/v1/analyze"))
        .bearer_auth("k-123")
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for open in ["/health", "/ready", "/", "/docs", "/openapi.json"] {
        assert_eq!(
            c.get(s.url(open)).send().unwrap().status(),
            StatusCode::OK,
            "{open}"
        );
    }
    s.shutdown().unwrap();
}

#[test]
fn cors_is_off_by_default_and_configurable() {
    let c = client();
    let r = c
        .get(shared().url("/health"))
        .header("origin", "http://app.example")
        .send()
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));

    let s = TestServer::start(ServeConfig {
        cors_origins: vec!["http://app.example".into()],
        ..ServeConfig::default()
    });
    let r = c
        .request(reqwest::Method::OPTIONS, s.url("/v1/analyze"))
        .header("origin", "http://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://app.example"
    );
    let r = c
        .get(s.url("/health"))
        .header("origin", "http://evil.example")
        .send()
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    s.shutdown().unwrap();
}

/// The server listens (and answers /health) before the engine is loaded; /ready is 503
/// until loading and warm-up finish, then 200.
#[test]
fn ready_turns_200_only_after_loading() {
    let (release, released) = mpsc::channel::<()>();
    let s = TestServer::start_with(ServeConfig::default(), move || {
        // Hold loading back until the test has seen the "loading" state.
        released.recv().expect("test released the loader");
        Ok(engine())
    });
    let c = client();
    let t = Instant::now();
    while c.get(s.url("/health")).send().is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "server never listened"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        c.get(s.url("/health")).send().unwrap().status(),
        StatusCode::OK
    );
    let r = c.get(s.url("/ready")).send().unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(error_code(&r.json().unwrap()), "not_ready");
    let (st, _, v) = post_json(&c, &s.url("/v1/analyze"), &demo_request());
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error_code(&v), "not_ready");
    assert_eq!(
        c.get(s.url("/v1/models")).send().unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    release.send(()).unwrap();
    s.wait_ready(Duration::from_secs(300));
    let (st, _, _) = post_json(&c, &s.url("/v1/analyze"), &demo_request());
    assert_eq!(st, StatusCode::OK);
    s.shutdown().unwrap();
}

/// A failed model load stops the server with the loader's error.
#[test]
fn a_failed_load_stops_the_server_with_an_error() {
    let mut s = TestServer::start_with(ServeConfig::default(), || {
        Err(parley::Error::ModelUnavailable(
            "no such preset: test-missing".into(),
        ))
    });
    // No shutdown signal is sent: the failure alone must end `serve`.
    let err = s.thread.take().unwrap().join().unwrap().unwrap_err();
    assert!(err.to_string().contains("test-missing"), "{err}");
}

/// With one admission slot, a burst of concurrent requests is partly refused with 429 +
/// Retry-After; nothing fails with a 5xx and every request gets an answer.
#[test]
fn a_burst_over_capacity_gets_429_not_5xx() {
    let s = TestServer::start(ServeConfig {
        max_concurrent_requests: 1,
        ..ServeConfig::default()
    });
    let url = s.url("/v1/analyze");
    let n = 12;
    let barrier = Arc::new(std::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let url = url.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let c = client();
                barrier.wait();
                let r = c.post(&url).json(&demo_request()).send().unwrap();
                let retry = r.headers().get("retry-after").cloned();
                let status = r.status();
                let body: Value = r.json().unwrap();
                (status, retry, body)
            })
        })
        .collect();
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for h in handles {
        let (status, retry, body) = h.join().unwrap();
        *by_status.entry(status.as_u16()).or_default() += 1;
        match status {
            StatusCode::OK => assert!(body["speakers"].is_array()),
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(error_code(&body), "overloaded");
                let secs: u64 = retry
                    .expect("Retry-After")
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(secs >= 1);
            }
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert!(
        by_status.get(&200).copied().unwrap_or(0) >= 1,
        "{by_status:?}"
    );
    assert!(
        by_status.get(&429).copied().unwrap_or(0) >= 1,
        "{by_status:?}"
    );
    s.shutdown().unwrap();
}

/// A request that outlives the request timeout gets a 504 JSON error, and the server
/// keeps working.
#[test]
fn slow_requests_time_out_with_504() {
    let s = TestServer::start(ServeConfig {
        request_timeout: Duration::from_millis(1),
        ..ServeConfig::default()
    });
    let c = client();
    let docs: Vec<Value> = (0..8)
        .map(|i| json!({"text": DEMO_ARTICLE, "id": i.to_string()}))
        .collect();
    let (st, _, v) = post_json(
        &c,
        &s.url("/v1/analyze/batch"),
        &json!({ "documents": docs }),
    );
    assert_eq!(st, StatusCode::GATEWAY_TIMEOUT, "{v}");
    assert_eq!(error_code(&v), "timeout");
    assert_eq!(
        c.get(s.url("/health")).send().unwrap().status(),
        StatusCode::OK
    );
    s.shutdown().unwrap();
}

/// Shutdown waits for a request already in flight, which completes normally; afterwards
/// the port no longer accepts connections.
#[test]
fn graceful_shutdown_completes_in_flight_requests() {
    let s = TestServer::start(ServeConfig {
        // Long enough for the batch below on a slow shared CI machine.
        drain_timeout: Duration::from_secs(300),
        ..ServeConfig::default()
    });
    let url = s.url("/v1/analyze/batch");
    let metrics_url = s.url("/metrics");
    // Enough work that the request is still running when shutdown starts.
    let n = 8;
    let docs: Vec<Value> = (0..n)
        .map(|i| json!({"text": DEMO_ARTICLE.repeat(2), "id": i.to_string()}))
        .collect();
    let inflight = std::thread::spawn(move || {
        let c = client();
        let r = c
            .post(&url)
            .json(&json!({ "documents": docs }))
            .send()
            .unwrap();
        (r.status(), r.json::<Value>().unwrap())
    });
    // Wait until the server has admitted the request.
    let c = client();
    let t = Instant::now();
    loop {
        let text = c.get(&metrics_url).send().unwrap().text().unwrap();
        if text.lines().any(|l| l == "parley_requests_in_flight 1") {
            break;
        }
        assert!(
            !inflight.is_finished(),
            "the batch finished before shutdown could start; give the test more work"
        );
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "request never admitted"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let base = s.base.clone();
    s.shutdown().expect("clean shutdown");
    let (status, body) = inflight.join().unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    assert!(results.iter().all(|r| r["speakers"].is_array()), "{body}");
    assert!(
        c.get(format!("{base}/health")).send().is_err(),
        "the server still accepts connections after shutdown"
    );
}
