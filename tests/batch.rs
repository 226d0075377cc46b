//! `parley batch` on real files in temp dirs.
//!
//! - Reading: every input format (JSON Lines, .jsonl.gz, directory tree, tar, tar.gz,
//!   WARC, WARC.gz) and the damaged ones (corrupt gzip, non-HTML WARC record, truncated
//!   JSON line, empty file, over-size row), through `batch::input` (no model needed).
//! - End to end with the real engine (`EngineConfig::default()`, loaded once): all formats
//!   in one run, error rows, input order, sharding, Ctrl-C + resume in-process, and
//!   SIGKILL + resume of a real `parley batch` process.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use parley::batch::input::{self, Input, Limits, Payload, Record, Sink};
use parley::batch::{BatchConfig, BatchSummary, OutputSpec, ProgressMode, Shard};
use parley::{Engine, EngineConfig};
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Fixtures (written for these tests; fictional places and people)

const PLACES: &[&str] = &[
    "Kesh", "Orlan", "Vimmery", "Tasca", "Pell", "Durrow", "Amsel", "Brisk",
];
const PEOPLE: &[&str] = &[
    "Mara Dunn",
    "Ilo Serrat",
    "Petra Vance",
    "Joss Amari",
    "Ruth Okafor",
    "Tomas Hale",
];

/// A short article: one person in favour, one body neutral.
fn article(i: usize) -> String {
    let place = PLACES[i % PLACES.len()];
    let who = PEOPLE[i % PEOPLE.len()];
    format!(
        "Leaders in {place} met on Tuesday to discuss the fighting along the river border.\n\n\
         \"We support a ceasefire and we want it signed this week,\" said {who}, the council chair.\n\n\
         The {place} water board said it would publish its repair plan on Friday."
    )
}

fn html_page(title: &str, body: &str) -> String {
    let paras: String = body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!(
        "<!doctype html><html><head><title>{title} | Daily</title><script>track()</script></head>\
         <body><nav><a href=/>Home</a></nav><header><h1>{title}</h1></header>\
         <article>{paras}</article><footer><p>Copyright</p></footer></body></html>"
    )
}

fn jsonl_row(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn tar_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// One WARC record with the given type, URI, Content-Type and block.
fn warc_record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        shard_free_hash(uri),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn shard_free_hash(s: &str) -> u32 {
    s.bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
}

fn http_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// A WARC: warcinfo, then per page a request and an HTML response, plus one image response.
fn warc_records(pages: &[(String, String)]) -> Vec<Vec<u8>> {
    let mut records = vec![warc_record(
        "warcinfo",
        "urn:info",
        "application/warc-fields",
        b"software: test\r\n",
    )];
    for (uri, html) in pages {
        records.push(warc_record(
            "request",
            uri,
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\nHost: example.test\r\n\r\n",
        ));
        records.push(warc_record(
            "response",
            uri,
            "application/http; msgtype=response",
            &http_response("text/html; charset=utf-8", html.as_bytes()),
        ));
    }
    records.push(warc_record(
        "response",
        "http://news.example.test/logo.png",
        "application/http; msgtype=response",
        &http_response("image/png", b"\x89PNG\r\n\x1a\nnot really"),
    ));
    records
}

fn warc_pages(prefix: &str, n: usize, first: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|k| {
            let uri = format!("http://news.example.test/{prefix}/{k}");
            (
                uri,
                html_page(
                    &format!("Talks in {}", PLACES[(first + k) % PLACES.len()]),
                    &article(first + k),
                ),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reading (no model)

#[derive(Default)]
struct Collect {
    records: Vec<Record>,
    skipped: Vec<String>,
}

impl Sink for Collect {
    fn wants(&mut self, _id: &str) -> bool {
        true
    }
    fn record(&mut self, rec: Record) {
        self.records.push(rec);
    }
    fn skip(&mut self, source: &str, why: &str) {
        self.skipped.push(format!("{source}: {why}"));
    }
}

fn read(path: &Path, max_text_chars: usize) -> Collect {
    let mut c = Collect::default();
    input::read_input(
        &Input::Path(path.to_path_buf()),
        &Limits { max_text_chars },
        &mut c,
    )
    .unwrap();
    c
}

/// (id, Ok(text) | Err(code)) for every record, after the worker-side checks.
fn outcomes(c: Collect, max_text_chars: usize) -> Vec<(String, Result<String, &'static str>)> {
    let limits = Limits { max_text_chars };
    c.records
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.payload
                    .into_doc(&limits)
                    .map(|d| d.text)
                    .map_err(|e| e.code),
            )
        })
        .collect()
}

#[test]
fn jsonl_plain_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..3)
        .map(|i| jsonl_row(&format!("r{i}"), &article(i)))
        .collect();
    std::fs::write(dir.path().join("a.jsonl"), &rows).unwrap();
    std::fs::write(dir.path().join("a.jsonl.gz"), gzip(rows.as_bytes())).unwrap();
    for name in ["a.jsonl", "a.jsonl.gz"] {
        let got = outcomes(read(&dir.path().join(name), 10_000), 10_000);
        let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["r0", "r1", "r2"], "{name}");
        assert_eq!(got[1].1.as_deref(), Ok(article(1).as_str()), "{name}");
    }
}

#[test]
fn directory_tree_in_sorted_order_with_relative_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(root.join("b/deep")).unwrap();
    std::fs::write(root.join("b/deep/one.txt"), article(1)).unwrap();
    std::fs::write(root.join("a.html"), html_page("Dam talks", &article(2))).unwrap();
    std::fs::write(
        root.join("b/two.json"),
        serde_json::json!({"text": article(3), "title": "Two", "target": "the truce"}).to_string(),
    )
    .unwrap();
    std::fs::write(root.join("b/logo.png"), b"\x89PNG").unwrap();
    std::fs::write(root.join(".hidden.txt"), "ignored").unwrap();
    let c = read(&root, 10_000);
    assert_eq!(c.skipped.len(), 1, "{:?}", c.skipped);
    let got = outcomes(c, 10_000);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a.html", "b/deep/one.txt", "b/two.json"]);
    let html_text = got[0].1.as_ref().unwrap();
    assert!(html_text.starts_with("Leaders in "), "{html_text}");
    assert!(!html_text.contains("Copyright") && !html_text.contains("Home"));
}

#[test]
fn tar_and_tar_gz() {
    let dir = tempfile::tempdir().unwrap();
    let t = tar_of(&[
        ("news/1.txt", article(1).into_bytes()),
        ("news/2.html", html_page("Two", &article(2)).into_bytes()),
        ("news/readme.md", b"# not an article".to_vec()),
    ]);
    std::fs::write(dir.path().join("a.tar"), &t).unwrap();
    std::fs::write(dir.path().join("a.tar.gz"), gzip(&t)).unwrap();
    for name in ["a.tar", "a.tar.gz"] {
        let c = read(&dir.path().join(name), 10_000);
        assert_eq!(c.skipped.len(), 1, "{name}: {:?}", c.skipped);
        let got = outcomes(c, 10_000);
        let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["news/1.txt", "news/2.html"], "{name}");
        assert!(got.iter().all(|(_, r)| r.is_ok()), "{name}: {got:?}");
    }
}

#[test]
fn warc_and_warc_gz_keep_html_responses_and_skip_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let records = warc_records(&warc_pages("w", 2, 0));
    std::fs::write(dir.path().join("a.warc"), records.concat()).unwrap();
    // Per-record gzip members, as crawlers write .warc.gz.
    let members: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    std::fs::write(dir.path().join("a.warc.gz"), members).unwrap();
    for name in ["a.warc", "a.warc.gz"] {
        let c = read(&dir.path().join(name), 10_000);
        assert_eq!(c.skipped.len(), 1, "{name}: {:?}", c.skipped);
        assert!(c.skipped[0].contains("image/png"), "{:?}", c.skipped);
        let got = outcomes(c, 10_000);
        let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "http://news.example.test/w/0",
                "http://news.example.test/w/1"
            ],
            "{name}"
        );
        assert_eq!(got[1].1.as_deref(), Ok(article(1).as_str()), "{name}");
    }
}

#[test]
fn damaged_inputs_become_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    // A gzip header followed by garbage.
    let bad_gz = dir.path().join("bad.jsonl.gz");
    let mut bytes = gzip(jsonl_row("x", "text").as_bytes());
    let n = bytes.len();
    bytes[12..n - 8].iter_mut().for_each(|b| *b = 0xAB);
    std::fs::write(&bad_gz, &bytes).unwrap();
    let got = outcomes(read(&bad_gz, 10_000), 10_000);
    assert_eq!(got, [(bad_gz.display().to_string(), Err("corrupt_input"))]);

    // A gzip cut in half after good rows: the good rows stand, then one error row.
    let cut_gz = dir.path().join("cut.jsonl.gz");
    let rows: String = (0..200)
        .map(|i| jsonl_row(&format!("c{i}"), &article(i)))
        .collect();
    let packed = gzip(rows.as_bytes());
    std::fs::write(&cut_gz, &packed[..packed.len() * 3 / 4]).unwrap();
    let got = outcomes(read(&cut_gz, 10_000), 10_000);
    assert!(got.len() > 2, "{}", got.len());
    assert_eq!(got.last().unwrap().1, Err("corrupt_input"));
    assert!(got[..got.len() - 1].iter().all(|(_, r)| r.is_ok()));

    // Truncated JSON line, empty text, over-size row, and a WARC cut inside a record.
    let jl = dir.path().join("mixed.jsonl");
    let big = "word ".repeat(400);
    std::fs::write(
        &jl,
        format!(
            "{}{}{}{{\"id\": \"cut\", \"text\": \"Leaders in",
            jsonl_row("empty", "  "),
            jsonl_row("big", &big),
            jsonl_row("fine", &article(0)),
        ),
    )
    .unwrap();
    let got = outcomes(read(&jl, 1000), 1000);
    assert_eq!(
        got.iter()
            .map(|(id, r)| (id.as_str(), r.as_ref().err().copied()))
            .collect::<Vec<_>>(),
        [
            ("empty", Some("empty_text")),
            ("big", Some("too_large")),
            ("fine", None),
            ("cut", Some("parse"))
        ]
    );

    let warc = dir.path().join("cut.warc");
    let recs = warc_records(&warc_pages("c", 2, 0)).concat();
    std::fs::write(&warc, &recs[..recs.len() - 40]).unwrap();
    let got = outcomes(read(&warc, 10_000), 10_000);
    assert_eq!(
        got.last().unwrap(),
        &(warc.display().to_string(), Err("corrupt_input"))
    );
    assert_eq!(got.iter().filter(|(_, r)| r.is_ok()).count(), 2);

    // An empty file holds no rows.
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    assert!(read(&empty, 1000).records.is_empty());
}

#[test]
fn a_giant_line_is_not_read_into_memory_but_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("giant.jsonl");
    let limits = Limits { max_text_chars: 10 };
    let giant = "x".repeat(limits.raw_bytes() as usize + 100);
    std::fs::write(
        &p,
        format!(
            "{{\"id\": \"g\", \"text\": \"{giant}\"}}\n{}",
            jsonl_row("n", "short")
        ),
    )
    .unwrap();
    let c = read(&p, 10);
    assert_eq!(c.records.len(), 2);
    assert_eq!(c.records[0].id, "g");
    assert!(matches!(&c.records[0].payload, Payload::Failed(e) if e.code == "too_large"));
    assert!(matches!(&c.records[1].payload, Payload::Doc(_)));
}

// ---------------------------------------------------------------------------------------
// End to end with the real engine

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(&EngineConfig::default())
            .expect("loading the default models (see parley models)")
    })
}

fn config(inputs: &[&Path], out: &Path) -> BatchConfig {
    let mut cfg = BatchConfig::new(
        inputs
            .iter()
            .map(|p| Input::Path(p.to_path_buf()))
            .collect(),
    );
    cfg.output = OutputSpec {
        path: Some(out.to_path_buf()),
        gzip: false,
        summary_csv: None,
    };
    cfg.progress = ProgressMode::Off;
    cfg.jobs = 2;
    cfg.batch_docs = 4;
    cfg
}

fn run(cfg: &BatchConfig) -> BatchSummary {
    parley::batch::run(cfg, engine(), &AtomicBool::new(false)).expect("batch run")
}

/// Every line of a (plain or gzip) output, parsed; panics on an incomplete line.
fn rows(out: &Path) -> Vec<Value> {
    let bytes = std::fs::read(out).unwrap();
    let text = if out.extension().is_some_and(|e| e == "gz") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(bytes).unwrap()
    };
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "output ends inside a line"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
        .collect()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().expect("every row has an id").to_string())
        .collect()
}

fn jsonl_file(dir: &Path, name: &str, ids: impl IntoIterator<Item = usize>) -> PathBuf {
    let p = dir.join(name);
    let body: String = ids
        .into_iter()
        .map(|i| jsonl_row(&format!("a{i:03}"), &article(i)))
        .collect();
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn every_format_in_one_run_with_error_rows_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let jl = d.join("in.jsonl");
    std::fs::write(
        &jl,
        format!(
            "{}{}{}{{\"id\": \"trunc\", \"text\": \"Leaders",
            jsonl_row("j1", &article(1)),
            serde_json::json!({"id": "j2", "text": article(2), "target": "the water plan"})
                .to_string()
                + "\n",
            jsonl_row("too-big", &"long text ".repeat(300)),
        ),
    )
    .unwrap();
    let gzl = d.join("in.jsonl.gz");
    std::fs::write(&gzl, gzip(jsonl_row("g1", &article(3)).as_bytes())).unwrap();
    let tree = d.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("t1.txt"), article(4)).unwrap();
    std::fs::write(tree.join("empty.txt"), "").unwrap();
    std::fs::write(
        tree.join("nav-only.html"),
        "<html><body><nav><p>Menu</p></nav></body></html>",
    )
    .unwrap();
    let t = d.join("in.tar.gz");
    std::fs::write(
        &t,
        gzip(&tar_of(&[(
            "x/t2.html",
            html_page("Bridge", &article(5)).into_bytes(),
        )])),
    )
    .unwrap();
    let w = d.join("in.warc.gz");
    let members: Vec<u8> = warc_records(&warc_pages("e", 1, 6))
        .iter()
        .flat_map(|r| gzip(r))
        .collect();
    std::fs::write(&w, members).unwrap();
    let bad = d.join("bad.jsonl.gz");
    std::fs::write(&bad, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]).unwrap();
    let empty = d.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();

    let out = d.join("out.jsonl");
    let csv = d.join("speakers.csv");
    let mut cfg = config(&[&jl, &gzl, &tree, &t, &w, &bad, &empty], &out);
    cfg.max_text_chars = 2000;
    cfg.output.summary_csv = Some(csv.clone());
    let summary = run(&cfg);

    let rows = rows(&out);
    let by_id: HashMap<String, &Value> = rows
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r))
        .collect();
    let ok_ids = [
        "j1",
        "j2",
        "g1",
        "t1.txt",
        "x/t2.html",
        "http://news.example.test/e/0",
    ];
    for id in ok_ids {
        let r = by_id.get(id).unwrap_or_else(|| panic!("no row for {id}"));
        assert!(r.get("error").is_none(), "{id}: {r}");
        assert!(
            r["speakers"].is_array() && r["summary"]["text"].is_string(),
            "{id}: {r}"
        );
    }
    assert_eq!(by_id["j2"]["target"], "the water plan");
    assert_eq!(by_id["j1"]["target"], "a ceasefire");
    assert_eq!(by_id["x/t2.html"]["title"], "Bridge");
    let code = |id: &str| by_id[id]["error"]["code"].as_str().unwrap().to_string();
    assert_eq!(code("trunc"), "parse");
    assert_eq!(code("too-big"), "too_large");
    assert_eq!(code("empty.txt"), "empty_text");
    assert_eq!(code("nav-only.html"), "no_text");
    assert_eq!(code(&bad.display().to_string()), "corrupt_input");
    assert_eq!(rows.len(), 11);
    assert_eq!(
        (summary.ok, summary.failed, summary.skipped),
        (6, 5, 1),
        "{summary}"
    );
    assert_eq!(summary.exit_code(), 1);

    // One CSV row per speaker of every report, quoted properly.
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let speakers: usize = rows
        .iter()
        .filter_map(|r| r["speakers"].as_array())
        .map(Vec::len)
        .sum();
    assert!(speakers > 0, "the fixtures quote a named person");
    assert!(csv_text.starts_with("id,speaker,kind,label,score,confidence,strength\n"));
    assert_eq!(csv_text.lines().count(), speakers + 1);
}

#[test]
fn rows_keep_input_order_across_workers_and_error_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl");
    let mut body = String::new();
    let mut want = Vec::new();
    for i in 0..14 {
        let id = format!("o{i:02}");
        // Every third row is broken, so error rows race past the model stage.
        if i % 3 == 1 {
            body.push_str(&format!("{{\"id\": \"{id}\", \"text\": 42}}\n"));
        } else {
            body.push_str(&jsonl_row(&id, &article(i)));
        }
        want.push(id);
    }
    std::fs::write(&p, body).unwrap();
    let out = dir.path().join("out.jsonl");
    let mut cfg = config(&[&p], &out);
    cfg.jobs = 3;
    cfg.batch_docs = 3;
    let summary = run(&cfg);
    assert_eq!(ids(&rows(&out)), want);
    assert_eq!((summary.ok, summary.failed), (9, 5));
}

#[test]
fn shards_cover_every_id_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = jsonl_file(dir.path(), "in.jsonl", 0..12);
    let mut all = Vec::new();
    for k in 0..3 {
        let out = dir.path().join(format!("shard-{k}.jsonl"));
        let mut cfg = config(&[&p], &out);
        cfg.shard = Shard { index: k, count: 3 };
        let s = run(&cfg);
        assert_eq!(s.ok + s.other_shard, 12, "{s}");
        all.extend(ids(&rows(&out)));
    }
    all.sort();
    let want: Vec<String> = (0..12).map(|i| format!("a{i:03}")).collect();
    assert_eq!(all, want);
}

#[test]
fn stop_flag_then_resume_finishes_every_id_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = jsonl_file(dir.path(), "in.jsonl", 0..16);
    let out = dir.path().join("out.jsonl.gz");
    let mut cfg = config(&[&p], &out);
    cfg.batch_docs = 2;
    let stop = AtomicBool::new(false);
    let first = std::thread::scope(|s| {
        let h = s.spawn(|| parley::batch::run(&cfg, engine(), &stop));
        // Ctrl-C as soon as some rows are out.
        let t0 = Instant::now();
        while std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) == 0
            && t0.elapsed() < Duration::from_secs(300)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::SeqCst);
        h.join().unwrap().unwrap()
    });
    assert!(first.interrupted);
    assert_eq!(first.exit_code(), 130);
    let partial = rows(&out);
    assert!(
        !partial.is_empty() && partial.len() < 16,
        "{}",
        partial.len()
    );

    // Without --resume an existing output is refused.
    assert!(parley::batch::run(&cfg, engine(), &AtomicBool::new(false)).is_err());
    cfg.resume = true;
    let second = run(&cfg);
    assert_eq!(second.already_done as usize, partial.len());
    let want: Vec<String> = (0..16).map(|i| format!("a{i:03}")).collect();
    assert_eq!(ids(&rows(&out)), want, "every id once, in input order");
}

#[test]
fn sigkill_mid_run_then_resume_finishes_every_id_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = jsonl_file(dir.path(), "in.jsonl", 0..20);
    let out = dir.path().join("out.jsonl");
    let bin = env!("CARGO_BIN_EXE_parley");
    let args = |resume: bool| {
        let mut a = vec![
            "batch".to_string(),
            p.display().to_string(),
            "--output".into(),
            out.display().to_string(),
            "--batch-docs".into(),
            "1".into(),
            "--progress".into(),
            "off".into(),
        ];
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let mut child = std::process::Command::new(bin)
        .args(args(false))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("starting parley batch");
    let t0 = Instant::now();
    loop {
        let n = std::fs::read_to_string(&out)
            .map(|s| s.lines().count())
            .unwrap_or(0);
        if n >= 2 {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("parley batch ended before it could be killed: {status}");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "no rows after 300 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = rows(&out).len();
    assert!(
        before < 20,
        "killed too late to test anything ({before} rows)"
    );
    // Make the torn write a kill can leave certain: half a row at the end.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&out)
        .unwrap()
        .write_all(b"{\"id\":\"a019\",\"target\":\"a cea")
        .unwrap();

    let status = std::process::Command::new(bin)
        .args(args(true))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let got = ids(&rows(&out));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &got {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let want: Vec<String> = (0..20).map(|i| format!("a{i:03}")).collect();
    assert_eq!(got, want, "every id exactly once, in order: {counts:?}");
}
