//! The `parley` binary on bad and odd input: a clear one-line error and exit code 2 for a
//! client mistake, never a panic; a valid, empty-handed report for text without speakers.
//! Runs the real binary with the real models (from the model store, as `cargo test` and CI
//! leave them).

use std::io::Write;
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
            input.write_all(bytes).unwrap();
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
            "not UTF-8",
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

#[test]
fn unknown_options_are_usage_errors() {
    let out = parley(&["analyze", "-", "--summary-mode", "poetic"], Some(b"x"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("poetic"), "{}", stderr(&out));
}
