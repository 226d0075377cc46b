//! Stance classification speed: one statement, and a 16-statement batch (an article's
//! worth), with the shipped artifact over the MiniLM base.
//!
//! `cargo bench --bench stance` (models from the store, as `parley models pull` leaves them)

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley::stance::{StanceInput, StanceModel, TrainedClassifier};

const STATEMENTS: [&str; 4] = [
    "\"The toll will finally pay for the repairs this bridge needs, and I support it fully,\" Mayor Orla Quinn said.",
    "Councillor Devin Marsh called the bridge toll a tax on people who have no other way to get to work and vowed to vote it down.",
    "The transport office said the toll booths would be installed in March and that the work would close one lane for two weeks.",
    "Councillor Ida Ferm said she would vote for the bridge toll only if residents of the island were exempted.",
];

fn bench(c: &mut Criterion) {
    let preset = parley::model::ensure_default_preset(false).expect("the default models");
    let folder = |p: &Path| p.parent().expect("a file has a folder").to_path_buf();
    let base = folder(preset.encoder.path("model.safetensors").expect("MiniLM"));
    let classifier = preset
        .classifier
        .as_ref()
        .expect("the default preset names a stance classifier");
    let artifact = folder(
        classifier
            .path(parley::stance::classifier::ARTIFACT_WEIGHTS)
            .expect("the artifact"),
    );
    let clf = TrainedClassifier::load(&base, &artifact).expect("load the stance classifier");
    let input = |s| StanceInput {
        target: "the bridge toll",
        speaker: "Devin Marsh",
        statement: s,
        context: None,
    };

    let mut g = c.benchmark_group("stance");
    g.sample_size(20);
    g.throughput(Throughput::Elements(1));
    g.bench_function("classify_1", |b| {
        let one = [input(STATEMENTS[1])];
        b.iter(|| clf.classify(&one).expect("classify"))
    });
    let batch: Vec<_> = (0..16)
        .map(|i| input(STATEMENTS[i % STATEMENTS.len()]))
        .collect();
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function("classify_16", |b| {
        b.iter(|| clf.classify(&batch).expect("classify"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
