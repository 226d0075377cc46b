//! Browser test of the web page (`GET /`) and the API docs page (`GET /docs`): the real
//! server on loopback with the real engine, rendered by a headless Chromium
//! (`apt-get install chromium`; override the binary with `PARLEY_CHROMIUM`). The page
//! runs its analysis on load (`/?demo=1`, `/?text=...&auto=1`), Chromium dumps the DOM
//! once the page is idle, and the test checks the rendered speakers, stance labels,
//! summary and highlighted statements against the API's own report.
//!
//! There is no skip: without Chromium these tests fail with instructions.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{client, TestServer};
use parley::server::routes::DEMO_ARTICLE;
use parley::server::ServeConfig;
use scraper::{Html, Selector};
use serde_json::{json, Value};

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("PARLEY_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if let Some(p) = found.filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
    }
    panic!(
        "headless Chromium is needed for the web page tests: `apt-get install -y chromium` \
         (or set PARLEY_CHROMIUM to a Chrome/Chromium binary)"
    );
}

/// Run headless Chromium on `url` with extra args (`--dump-dom` or `--screenshot=...`).
fn run_chromium(url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            // Virtual time pauses while fetches are pending, so this budget covers the
            // page's own timers, not the analysis itself.
            "--virtual-time-budget=120000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("cannot run chromium");
    assert!(
        out.status.success(),
        "chromium failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("chromium printed non-UTF-8")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn body_state(dom: &Html) -> String {
    dom.select(&sel("body"))
        .next()
        .and_then(|b| b.value().attr("data-state"))
        .unwrap_or("")
        .to_string()
}

fn status_text(dom: &Html) -> String {
    dom.select(&sel("#status"))
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default()
}

/// Text of every `<mark data-stmt="start-end">` in the article view, joined per span
/// (a statement crossed by a mention or summary-support boundary is split over marks).
fn marked_statements(dom: &Html) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for m in dom.select(&sel("#article mark")) {
        let key = m.value().attr("data-stmt").unwrap_or("").to_string();
        let text: String = m.text().collect();
        match out.last_mut() {
            Some((k, t)) if *k == key => t.push_str(&text),
            _ => out.push((key, text)),
        }
    }
    out
}

fn api_report(s: &TestServer, body: &Value) -> Value {
    let r = client()
        .post(s.url("/v1/analyze"))
        .json(body)
        .send()
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    r.json().unwrap()
}

/// The page's view of a report must match the report: every speaker with its label, the
/// summary sentences with their origin, and each statement highlighted over exactly its
/// characters of the article.
fn check_page_matches_report(dom: &Html, report: &Value, text: &str) {
    let speakers = report["speakers"].as_array().unwrap();
    assert!(
        !speakers.is_empty(),
        "the fixture must yield speakers: {report}"
    );
    let shown: Vec<(String, String)> = dom
        .select(&sel("#speakers article.speaker"))
        .map(|e| {
            (
                e.value().attr("data-name").unwrap_or("").to_string(),
                e.value().attr("data-label").unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = speakers
        .iter()
        .map(|sp| {
            (
                sp["name"].as_str().unwrap().to_string(),
                sp["stance"]["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(shown, expected);
    // Each speaker card has a stance bar.
    assert_eq!(
        dom.select(&sel("#speakers .bar .fill")).count(),
        speakers.len()
    );

    let origins: Vec<String> = dom
        .select(&sel("#summary-body li"))
        .map(|e| e.value().attr("data-origin").unwrap_or("").to_string())
        .collect();
    let expected: Vec<String> = report["summary"]["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(origins, expected);

    let marks = marked_statements(dom);
    let mut statements: Vec<(usize, usize, String)> = speakers
        .iter()
        .flat_map(|sp| sp["statements"].as_array().unwrap().iter())
        .map(|st| {
            (
                st["start"].as_u64().unwrap() as usize,
                st["end"].as_u64().unwrap() as usize,
                st["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    statements.sort();
    assert!(!statements.is_empty());
    for (start, end, text) in &statements {
        let key = format!("{start}-{end}");
        let shown: String = marks
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(&shown, text, "highlight for statement {key}");
    }
    // The article view holds the whole article, unchanged.
    let article: String = dom
        .select(&sel("#article"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(article, text);
}

fn demo_page_url(s: &TestServer) -> String {
    s.url("/?demo=1")
}

#[test]
fn the_page_renders_the_demo_analysis() {
    let s = TestServer::start(ServeConfig::default());
    let report = api_report(
        &s,
        &json!({"text": DEMO_ARTICLE, "target": "a ceasefire",
                "title": parley::server::routes::DEMO_TITLE, "summary_mode": "extractive"}),
    );

    let html = run_chromium(&demo_page_url(&s), &["--dump-dom"]);
    let dom = Html::parse_document(&html);
    assert_eq!(body_state(&dom), "done", "status: {}", status_text(&dom));
    check_page_matches_report(&dom, &report, DEMO_ARTICLE);

    // A screenshot for people to look at (and a check that rendering works at all).
    let shot = screenshot_path("parley-web-demo.png");
    run_chromium(
        &demo_page_url(&s),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote no screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
    s.shutdown().unwrap();
}

/// Offsets count Unicode scalar values while JS strings count UTF-16 units: with
/// astral-plane characters (emoji) before and inside the text, highlights must still
/// cover exactly each statement.
#[test]
fn highlights_survive_astral_characters() {
    let s = TestServer::start(ServeConfig::default());
    let text =
        "🌊🌊 Harbour news from Ålesund 🎉.\n\n\"We will keep the harbour open all winter 🚢,\" \
said Ingrid Dahl, the port director. Officials said the ferry would also run on Sundays.\n\n\
\"Nobody asked the fishermen 🐟,\" said Per Vik, who leads the crews' union.";
    let report = api_report(&s, &json!({"text": text, "target": "the winter ferry"}));
    let url = reqwest::Url::parse_with_params(
        &s.url("/"),
        &[
            ("text", text),
            ("target", "the winter ferry"),
            ("auto", "1"),
        ],
    )
    .unwrap();
    let html = run_chromium(url.as_str(), &["--dump-dom"]);
    let dom = Html::parse_document(&html);
    assert_eq!(body_state(&dom), "done", "status: {}", status_text(&dom));
    check_page_matches_report(&dom, &report, text);
    s.shutdown().unwrap();
}

/// With an API key set, the page loads but its analysis is refused until a key is
/// given, and it shows the error instead of failing silently.
#[test]
fn the_page_shows_api_errors() {
    let s = TestServer::start(ServeConfig {
        api_key: Some("page-key".into()),
        ..ServeConfig::default()
    });
    let html = run_chromium(&demo_page_url(&s), &["--dump-dom"]);
    let dom = Html::parse_document(&html);
    assert_eq!(body_state(&dom), "error");
    assert!(status_text(&dom).contains("401"), "{}", status_text(&dom));
    s.shutdown().unwrap();
}

#[test]
fn the_docs_page_renders_the_openapi_document() {
    let s = TestServer::start(ServeConfig::default());
    let html = run_chromium(&s.url("/docs"), &["--dump-dom"]);
    let dom = Html::parse_document(&html);
    assert_eq!(body_state(&dom), "done");
    let paths: Vec<String> = dom
        .select(&sel("#ops .path"))
        .map(|e| e.text().collect())
        .collect();
    for p in [
        "/v1/analyze",
        "/v1/analyze/batch",
        "/v1/summarize",
        "/v1/stance",
        "/ready",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
    assert!(dom.select(&sel("#schema-Report")).next().is_some());
    s.shutdown().unwrap();
}

fn screenshot_path(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(dir).unwrap();
    dir.join(name)
}
