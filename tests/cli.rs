//! The `parley` binary on bad and odd input: a clear one-line error and exit code 2 for a
//! client mistake, never a panic; a valid, empty-handed report for text without speakers.
//! Runs the real binary with the real models (from the model store, as `cargo test` and CI
//! leave them).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn parley(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .args(["-q"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start parley");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            // parley may exit before reading its input (a usage error is found first),
            // which closes the pipe: that is not the test's failure.
            match input.write_all(bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.unwrap(),
            }
        }
    }
    child.wait_with_output().expect("parley ran")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("empty.txt", Vec::new(), "empty"),
        ("blank.txt", b" \n\t\n   \n".to_vec(), "empty"),
        (
            "binary.dat",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                .collect(),
            "UTF-8",
        ),
        (
            "huge.txt",
            "word ".repeat(1_100_000).into_bytes(),
            "the limit is",
        ),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = parley(&["analyze", path.to_str().unwrap()], None);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(want), "{name}: wanted {want:?} in {err:?}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{name}: one line, got {err:?}"
        );
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
    }
    // A missing file names the path.
    let missing = dir.path().join("nope.txt");
    let out = parley(&["analyze", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));
}

#[test]
fn text_without_speakers_gives_an_empty_but_valid_report() {
    let text = "Rain fell across the valley on Tuesday. The river rose by half a metre, and the \
                ferry ran on its winter timetable.";
    let out = parley(&["analyze", "-", "--format", "json"], Some(text.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        report["speakers"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(report["target"], "a ceasefire");
    let summary = report["summary"]["text"].as_str().unwrap();
    assert!(!summary.is_empty());
    // Every summary sentence is a span of the input.
    let chars: Vec<char> = text.chars().collect();
    for s in report["summary"]["sentences"].as_array().unwrap() {
        for span in s["support"].as_array().unwrap() {
            let (a, b) = (
                span["start"].as_u64().unwrap() as usize,
                span["end"].as_u64().unwrap() as usize,
            );
            let quoted: String = chars[a..b].iter().collect();
            assert!(quoted.contains(s["text"].as_str().unwrap().trim_end_matches('.')));
        }
    }
}

/// Text pasted with its headline line and a byline: the headline is the report's title,
/// and neither is a sentence of the summary.
#[test]
fn a_headline_line_is_the_title() {
    let text = "Island council backs the ferry subsidy\n\nBy Jane Smith\n\nThe island council \
                voted on Monday to renew the ferry subsidy for three more years.\n\n\
                Advertisement\n\nThe last boat leaves at nine.";
    let out = parley(&["analyze", "-", "--format", "json"], Some(text.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["title"], "Island council backs the ferry subsidy");
    let summary = report["summary"]["text"].as_str().unwrap();
    assert!(summary.starts_with("The island council voted"), "{summary}");
    assert!(!summary.contains("Advertisement"), "{summary}");
    // A title given with the text wins.
    let out = parley(
        &["analyze", "-", "--format", "json", "--title", "Ferry saved"],
        Some(text.as_bytes()),
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["title"], "Ferry saved");
}

#[test]
fn a_json_article_file_brings_its_own_target_title_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let article = serde_json::json!({
        "id": "ferry-07",
        "title": "Island council backs the ferry subsidy",
        "target": "the ferry subsidy",
        "text": "The island council voted on Monday to renew the ferry subsidy.\n\n\"Without the \
                 subsidy the last boat goes, and the island empties,\" said Tamsin Ortolan, who \
                 chairs the council.",
        "speakers": [],
    });
    let path = dir.path().join("ferry.json");
    std::fs::write(&path, article.to_string()).unwrap();
    let path = path.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["analyze", path, "--format", "json"];
        args.extend_from_slice(extra);
        let out = parley(&args, None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON report")
    };
    let report = run(&[]);
    assert_eq!(report["target"], "the ferry subsidy");
    assert_eq!(report["id"], "ferry-07");
    assert_eq!(report["title"], "Island council backs the ferry subsidy");
    // The article's text was read, not the file's JSON.
    assert!(!report["summary"]["text"].as_str().unwrap().contains('{'));
    assert_eq!(report["speakers"][0]["name"], "Tamsin Ortolan", "{report}");
    // Flags win over the file.
    let report = run(&["--target", "the harbour toll", "--id", "x1"]);
    assert_eq!(report["target"], "the harbour toll");
    assert_eq!(report["id"], "x1");

    // A broken JSON file, or one without text, is a client mistake named as such.
    for (name, body, want) in [
        ("broken.json", "{\"text\": ", "not valid JSON"),
        ("untexted.json", "{\"title\": \"x\"}", "missing \"text\""),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let out = parley(&["analyze", p.to_str().unwrap()], None);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(want) && err.contains(name), "{name}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn unknown_options_are_usage_errors() {
    let out = parley(&["analyze", "-", "--summary-mode", "poetic"], Some(b"x"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("poetic"), "{}", stderr(&out));
}

/// Six plain statements written for this test (invented names), two per label.
const LABELLED: &str = r#"{"target": "the ferry subsidy", "speaker": "Tamsin Ortolan", "statement": "Tamsin Ortolan, who chairs the island council, said the ferry subsidy was essential and urged ministers to renew it for ten years.", "label": "favor", "strength": 2, "tags": ["plain"]}
{"target": "the harbour truce", "speaker": "Efrem Dalca", "statement": "\"We welcome the harbour truce and we will honour every line of it,\" said Efrem Dalca, a spokesman for the coastal brigades.", "label": "favor", "strength": 2, "tags": ["plain", "quote_first"]}
{"target": "the quarry expansion", "speaker": "Wren Aldacott", "statement": "Wren Aldacott of the valley residents' group said the quarry expansion was a disaster for the village and vowed to fight it in court.", "label": "against", "strength": 2, "tags": ["plain"]}
{"target": "the toll rise", "speaker": "Ibrahim Kestel", "statement": "\"This toll rise is wrong, and we will vote against it,\" said Ibrahim Kestel, leader of the opposition on the bridge authority.", "label": "against", "strength": 2, "tags": ["plain", "quote_first"]}
{"target": "the pension reform", "speaker": "Odile Farrant", "statement": "Odile Farrant, a spokeswoman for the finance ministry, said the pension reform bill would be published on Thursday and debated in March.", "label": "neutral", "strength": 2, "tags": ["procedure"]}
{"target": "the dock strike", "speaker": "Ruben Maalouf", "statement": "Ruben Maalouf, the port's operations manager, said 14 ships were waiting at anchor on the second day of the dock strike.", "label": "neutral", "strength": 2, "tags": ["figures"]}
"#;

/// [`LABELLED`] written to `plain.jsonl` in `dir`.
fn labelled_file(dir: &Path) -> PathBuf {
    let data = dir.join("plain.jsonl");
    std::fs::write(&data, LABELLED).unwrap();
    data
}

#[test]
fn eval_scores_the_stance_model_on_labelled_statements() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled_file(dir.path());
    let json = dir.path().join("scores.json");
    let out = parley(
        &[
            "eval",
            "--statements",
            data.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("n=6 macro-F1="), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let confusion = report["metrics"]["confusion"].as_array().unwrap();
    let cell = |g: usize, p: usize| confusion[g][p].as_u64().unwrap() as usize;
    let total: usize = (0..3)
        .flat_map(|g| (0..3).map(move |p| (g, p)))
        .map(|(g, p)| cell(g, p))
        .sum();
    let right: usize = (0..3).map(|c| cell(c, c)).sum();
    assert_eq!(total, 6);
    // Every wrong statement is listed, with its gold label.
    assert_eq!(report["errors"].as_array().unwrap().len(), 6 - right);
    // The shipped classifier gets plain statements like these right.
    assert!(
        right >= 5,
        "only {right} of 6 plain statements right: {text}"
    );
    let plain = report["by_tag"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "plain")
        .expect("a score for the tag 'plain'");
    assert_eq!(plain["n"], 4);
}

#[test]
fn eval_of_bad_statements_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        format!(
            "{}{{\"target\": \"the truce\", \"label\": \"maybe\"}}\n",
            LABELLED
        ),
    )
    .unwrap();
    let out = parley(&["eval", "--statements", bad.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("bad.jsonl:7"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // A split with nothing in it names the split rather than printing empty scores.
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, LABELLED).unwrap();
    // None of the six hashes into the validation tenth (buckets 21-48 of 100).
    let out = parley(
        &[
            "eval",
            "--statements",
            good.to_str().unwrap(),
            "--split",
            "validation",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no statements to score"),
        "{}",
        stderr(&out)
    );
    // Neither a corpus nor statements, or a split without statements: usage errors.
    let out = parley(&["eval"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = parley(&["eval", "data/dev", "--split", "train"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--statements"), "{}", stderr(&out));
}

/// `--reverse-targets PHRASE` scores each statement toward the reversed target ("an end
/// to the ferry subsidy"), with favor and against swapped in the gold labels and neutral
/// kept; it needs labelled statements and a phrase.
#[test]
fn eval_can_reverse_the_targets() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled_file(dir.path());
    let json = dir.path().join("reversed.json");
    let out = parley(
        &[
            "eval",
            "--statements",
            data.to_str().unwrap(),
            "--reverse-targets",
            "an end to",
            "--json",
            json.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("targets reversed with \"an end to\""),
        "{text}"
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["reversed_with"], "an end to");
    // Two statements per gold label, before and after the swap.
    let confusion = report["metrics"]["confusion"].as_array().unwrap();
    for row in confusion {
        let n: u64 = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(n, 2, "{confusion:?}");
    }
    for e in report["errors"].as_array().unwrap() {
        assert!(
            e["target"].as_str().unwrap().starts_with("an end to "),
            "{e}"
        );
    }
    let flipped = report["by_tag"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "flipped_target")
        .expect("the reversed statements are tagged");
    assert_eq!(flipped["n"], 6);

    for args in [
        vec!["eval", "data/dev", "--reverse-targets", "an end to"],
        vec![
            "eval",
            "--statements",
            data.to_str().unwrap(),
            "--reverse-targets",
            " ",
        ],
    ] {
        let out = parley(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--reverse-targets"),
            "{}",
            stderr(&out)
        );
    }
}

/// `--stance-artifact DIR` swaps in a trained artifact without touching the catalog: the
/// shipped artifact's own folder scores exactly as the preset's classifier does, and a
/// missing folder, a folder that is not an artifact, or an artifact asked to serve another
/// stance method is a clear error.
#[test]
fn a_stance_artifact_can_be_used_in_place_of_the_presets() {
    let dir = tempfile::tempdir().unwrap();
    let data = labelled_file(dir.path());
    let score = |extra: &[&str], name: &str| {
        let json = dir.path().join(name);
        let mut args = vec![
            "eval",
            "--statements",
            data.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = parley(&args, None);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        v
    };
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/models/stance");
    let preset = score(&[], "preset.json");
    let artifact = score(&["--stance-artifact", shipped], "artifact.json");
    assert_eq!(preset["metrics"], artifact["metrics"]);
    assert_eq!(preset["errors"], artifact["errors"]);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for (bad, want) in [
        (dir.path().join("missing"), "config"),
        (empty.clone(), "config"),
    ] {
        let out = parley(
            &[
                "eval",
                "--statements",
                data.to_str().unwrap(),
                "--stance-artifact",
                bad.to_str().unwrap(),
            ],
            None,
        );
        assert_ne!(out.status.code(), Some(0));
        let err = stderr(&out);
        assert!(err.contains(want), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = parley(
        &[
            "eval",
            "--statements",
            data.to_str().unwrap(),
            "--stance-artifact",
            shipped,
            "--stance-method",
            "prototype",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--stance-method classifier"),
        "{}",
        stderr(&out)
    );
}
