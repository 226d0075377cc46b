//! Encoder forward at batch 1, 8 and 32 on the workload's sentences (tokenise, forward,
//! mean-pool, normalise: what `Encoder::embed` does), named by device.
//!
//! `cargo bench --bench encoder` (`PARLEY_BENCH_DEVICE=cuda` on a CUDA build).

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parley::bench::workload;
use parley::model::encoder::Encoder;

fn encoder_forward(c: &mut Criterion) {
    let (dev, label) = common::device();
    let models = common::models();
    let encoder = Encoder::load(&models.encoder, &dev).expect("load the encoder");
    let sentences = workload::encoder_sentences(32);
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut g = c.benchmark_group(format!("encoder/{label}"));
    g.sample_size(20);
    for b in [1usize, 8, 32] {
        g.throughput(Throughput::Elements(b as u64));
        g.bench_with_input(BenchmarkId::new("batch", b), &refs[..b], |bench, batch| {
            bench.iter(|| encoder.embed_batched(black_box(batch), usize::MAX).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, encoder_forward);
criterion_main!(benches);
